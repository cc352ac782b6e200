"""SendTaskSuccess, SendTaskFailure, SendTaskHeartbeat: a task token back to the execution
whose callback or activity task is waiting for it."""
from __future__ import annotations

import re
from typing import Any, Callable

from workflow.api.errors import ApiError, invalid_token
from workflow.api.stepfunctions.common import action, parse_json_field
from workflow.interpreter import protocol as p

_TOKEN = re.compile(r"^[0-9a-f]{32,128}$")
GONE = "Task Timed Out: 'Provided task does not exist anymore'"


def _deliver(api: Any, token: str, make: Callable[[str], p.Event], final: bool) -> None:
    if not _TOKEN.match(token):
        raise invalid_token("Invalid token")
    target = api.store.resolve_task_token(token)
    if target is None:
        raise ApiError("TaskDoesNotExist", "Task Does Not Exist: 'Provided task does not "
                                           "exist'")
    arn, run_id, task_id = target
    record = api.store.get_execution(arn)
    if record is None or record.status != "RUNNING":
        api.store.delete_task_token(token)
        raise ApiError("TaskTimedOut", GONE)
    api.engine.send(arn, run_id, make(task_id))
    if final:
        api.store.delete_task_token(token)


@action("SendTaskSuccess")
def send_task_success(api: Any, body: dict[str, Any]) -> dict[str, Any]:
    output = parse_json_field(body["output"], "InvalidOutput", "Output")
    _deliver(api, body["taskToken"], lambda task_id: p.TaskSucceeded(task_id, output), True)
    return {}


@action("SendTaskFailure")
def send_task_failure(api: Any, body: dict[str, Any]) -> dict[str, Any]:
    error, cause = body.get("error") or "", body.get("cause") or ""
    _deliver(api, body["taskToken"], lambda task_id: p.TaskFailed(task_id, error, cause), True)
    return {}


@action("SendTaskHeartbeat")
def send_task_heartbeat(api: Any, body: dict[str, Any]) -> dict[str, Any]:
    _deliver(api, body["taskToken"], lambda task_id: p.TaskHeartbeat(task_id), False)
    return {}

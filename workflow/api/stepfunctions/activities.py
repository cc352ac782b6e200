"""CreateActivity, DeleteActivity, DescribeActivity, ListActivities, GetActivityTask.

An activity is a store record of kind ``activity`` (name, ARN, creation date, tags)."""
from __future__ import annotations

from typing import Any

from anyio import to_thread

from workflow.api.activities import ActivityTask
from workflow.api.errors import missing_activity
from workflow.api.stepfunctions.common import (action, activity_arn, check_arn, check_name, now,
                                               page, paginate)
from workflow.api.stepfunctions.tags import tag_dict
from workflow.store import StateMachineRecord


def _get(api: Any, arn: str) -> StateMachineRecord:
    check_arn(arn, "activity")
    record = api.store.get_state_machine(arn)
    if record is None or record.kind != "activity":
        raise missing_activity(arn)
    return record


@action("CreateActivity")
def create_activity(api: Any, body: dict[str, Any]) -> dict[str, Any]:
    name = check_name(body["name"])
    arn = activity_arn(name)
    with api.lock:
        record = api.store.get_state_machine(arn)
        if record is None:
            record = StateMachineRecord(arn, name, "", creation_date=now(), kind="activity",
                                        tags=tag_dict(body.get("tags", []), arn))
            api.store.put_state_machine(record)
    return {"activityArn": arn, "creationDate": record.creation_date}


@action("DeleteActivity")
def delete_activity(api: Any, body: dict[str, Any]) -> dict[str, Any]:
    arn = body["activityArn"]
    check_arn(arn, "activity")
    with api.lock:
        record = api.store.get_state_machine(arn)
        if record is not None and record.kind == "activity":
            api.store.delete_state_machine(arn)
            api.activities.forget(arn)
    return {}


@action("DescribeActivity")
def describe_activity(api: Any, body: dict[str, Any]) -> dict[str, Any]:
    record = _get(api, body["activityArn"])
    return {"activityArn": record.arn, "name": record.name, "creationDate": record.creation_date}


@action("ListActivities")
def list_activities(api: Any, body: dict[str, Any]) -> dict[str, Any]:
    items, token = paginate(api.store.list_state_machines(kind="activity"), body)
    return page(body, "activities", [
        {"activityArn": r.arn, "name": r.name, "creationDate": r.creation_date}
        for r in items], token)


@action("GetActivityTask")
async def get_activity_task(api: Any, body: dict[str, Any]) -> dict[str, Any]:
    """Long poll: the oldest task of the activity, or no token after the poll time. The
    task's ActivityStarted (with ``workerName``) is recorded before the token is returned."""
    arn = body["activityArn"]
    await to_thread.run_sync(_get, api, arn)

    async def usable(task: ActivityTask) -> bool:
        return await to_thread.run_sync(_still_waiting, api, task)
    task = await api.activities.poll(arn, api.settings.activity_poll_seconds, usable)
    if task is None:
        return {}
    await to_thread.run_sync(api.engine.started, task, body.get("workerName"))
    return {"taskToken": task.task_token, "input": task.input}


def _still_waiting(api: Any, task: ActivityTask) -> bool:
    """A task whose execution ended (stopped, timed out) while it was queued is dropped."""
    if api.store.resolve_task_token(task.task_token) is None:
        return False
    record = api.store.get_execution(task.execution_arn)
    return record is not None and record.status == "RUNNING"

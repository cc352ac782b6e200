"""The dashboard's JSON API. Step Functions actions are forwarded to the very handlers of
the AWS protocol (``ACTIONS``, with the same request validation), so the dashboard has no
second ListStateMachines, DescribeExecution, GetExecutionHistory, StopExecution,
RedriveExecution or SendTaskSuccess. What AWS has no action for is here: the execution
listing with the dashboard's filters, the graph SVG, per-state statuses and a state's story."""
from __future__ import annotations

import inspect
import json
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, Response

from workflow.api import shapes
from workflow.api.dashboard import detail, query, steps
from workflow.api.errors import ApiError
from workflow.api.stepfunctions.common import ACTIONS
from workflow.api.stepfunctions.executions import _list_item, get_execution
from workflow.store.base import InvalidToken

FORWARDED = frozenset({
    "ListStateMachines", "DescribeStateMachine", "ListExecutions", "DescribeExecution",
    "DescribeStateMachineForExecution", "GetExecutionHistory", "StopExecution",
    "RedriveExecution", "SendTaskSuccess", "SendTaskFailure", "SendTaskHeartbeat"})
HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


def reply(data: Any, status: int = 200) -> Response:
    return JSONResponse(data, status, headers=HEADERS)


def error_reply(exc: ApiError) -> Response:
    return Response(exc.payload(), exc.status, media_type="application/json", headers=HEADERS)


async def forward(api: Any, name: str, body: bytes) -> Response:
    """One Step Functions action through its own handler and validation."""
    handler, op = ACTIONS.get(name), shapes.operation(name)
    if name not in FORWARDED or handler is None or op is None:
        return error_reply(ApiError("UnknownOperationException"))
    try:
        payload = json.loads(body or b"{}")
        if not isinstance(payload, dict):
            raise ValueError("not an object")
    except ValueError as exc:
        return error_reply(ApiError("SerializationException", f"Malformed body: {exc}"))
    try:
        shapes.validate_input(op, payload)
        if inspect.iscoroutinefunction(handler):
            return reply(await handler(api, payload))
        return reply(await run_in_threadpool(handler, api, payload))
    except ApiError as exc:
        return error_reply(exc)


def executions(api: Any, params: Any) -> Response:
    try:
        filters = query.parse_filters(params)
        limit = int(params.get("limit") or 50)
        records, token = query.list_page(api.store, filters, limit, params.get("token"))
    except InvalidToken:
        return error_reply(ApiError("InvalidToken", "Invalid Token: this page's token is "
                                    "not one the listing handed out"))
    except (query.FilterError, ValueError) as exc:
        return error_reply(ApiError("ValidationException", str(exc)))
    items = [{**_list_item(r), "error": r.error, "type": r.type} for r in records]
    return reply({"executions": items, "nextToken": token})


def machine(api: Any, arn: str) -> Response:
    """DescribeStateMachine plus the definition's graph."""
    try:
        described = ACTIONS["DescribeStateMachine"](api, {"stateMachineArn": arn})
        compiled = api.compiled(described["definition"])
    except ApiError as exc:
        return error_reply(exc)
    from visualizer import model
    diagram = model.build(compiled)
    nodes = [{"id": n.id, "name": n.name, "type": n.type} for n in diagram.nodes
             if n.type != "Start"]
    return reply({**described, "svg": detail.svg(diagram), "states": nodes})


def load(api: Any, arn: str) -> detail.Snapshot:
    record = get_execution(api, arn)
    snap = detail.Snapshot(record, detail.machine_of(api, record))
    detail.refresh(api, snap)
    return snap


def execution(api: Any, arn: str) -> Response:
    """DescribeExecution, its machine's name and the page's statuses, banner and graph."""
    try:
        described = ACTIONS["DescribeExecution"](api, {"executionArn": arn})
        snap = load(api, arn)
    except ApiError as exc:
        return error_reply(exc)
    name = snap.record.state_machine_arn.rsplit(":", 1)[-1]
    return reply({"execution": described, "machineName": name,
                  "distributed": bool(api.settings.distributed), **detail.payload(snap)})


def state(api: Any, arn: str, name: str) -> Response:
    """A state's visits, attempts and kept logs (see ``steps``)."""
    try:
        snap = load(api, arn)
    except ApiError as exc:
        return error_reply(exc)
    found, total = steps.visits(snap.events, name)
    entries, logs_note = steps.function_logs(api, arn, name, snap.record.type == "EXPRESS")
    steps.attach_logs(found, entries, name)
    definition = _state_definition(snap.machine, name)
    return reply({"name": name, "visits": found, "visitCount": total, "logsNote": logs_note,
                  "definition": definition, "status": _status_of(snap, name)})


def _state_definition(machine: Any, name: str) -> Any:
    from visualizer.labels import pointer
    try:
        return pointer(machine.definition, machine.state(name).location)
    except KeyError:
        return None


def _status_of(snap: detail.Snapshot, name: str) -> dict[str, Any] | None:
    found = [s for s in detail.states(snap.diagram) if s["name"] == name] \
        if snap.diagram else []
    return found[0] if found else None

"""StartExecution, StartSyncExecution, DescribeExecution, DescribeStateMachineForExecution,
ListExecutions, StopExecution."""
from __future__ import annotations

import time
import uuid
from typing import Any

from workflow.api.errors import ApiError, missing_execution, validation
from workflow.api.stepfunctions.common import (action, check_arn, check_name, decode_token,
                                               get_machine,
                                               json_text, now, page, page_size,
                                               parse_json_field)
from workflow.api.stepfunctions.versions import resolve_target
from workflow.interpreter import protocol as p
from workflow.interpreter.core import iso
from workflow.runner import execution_arn
from workflow.store import TERMINAL_STATUSES, ExecutionAlreadyExists, ExecutionRecord
from workflow.store.base import InvalidToken

MAX_INPUT_BYTES = 262_144
STOP_WAIT_SECONDS = 2.0


def _input(body: dict[str, Any]) -> Any:
    text = body.get("input")
    if text is not None and len(text.encode()) > MAX_INPUT_BYTES:
        raise validation(f"1 validation error detected: Value '*** Sensitive Data Redacted "
                         f"***' at 'input' failed to satisfy constraint: Member must have "
                         f"length less than or equal to {MAX_INPUT_BYTES}")
    return parse_json_field(text, "InvalidExecutionInput", "State Machine Execution Input")


def _prepare(api: Any, body: dict[str, Any], type_: str | None = None
             ) -> tuple[Any, ExecutionRecord, p.ExecutionInfo]:
    machine, target, alias = resolve_target(api, body["stateMachineArn"])
    if type_ is not None and machine.type != type_:
        raise ApiError("StateMachineTypeNotSupported",
                       "This operation is not supported by this type of state machine")
    name = check_name(body.get("name") or str(uuid.uuid4()))
    data = _input(body)
    compiled = api.compiled(target.definition)
    started = time.time()
    arn = execution_arn(machine.name, name, machine.type)
    record = ExecutionRecord(
        arn, machine.arn, name, "RUNNING", machine.type, data, start_date=started,
        definition=target.definition, trace_header=body.get("traceHeader"),
        state_machine_version_arn=target.arn if target.kind == "version" else None,
        state_machine_alias_arn=alias)
    start_iso = iso(_utc(started))
    info = p.ExecutionInfo(arn, name, machine.arn, machine.name, data, start_iso, machine.type,
                           role_arn=machine.role_arn)
    return compiled, record, info


def _utc(epoch: float) -> Any:
    from datetime import datetime, timezone
    return datetime.fromtimestamp(epoch, timezone.utc)


@action("StartExecution")
def start_execution(api: Any, body: dict[str, Any]) -> dict[str, Any]:
    compiled, record, info = _prepare(api, body)
    if record.type == "STANDARD":
        existing = api.store.get_execution(record.execution_arn)
        if existing is not None:
            return _same_start(existing, record)
    try:
        arn = api.engine.start(compiled, record, info)
    except ExecutionAlreadyExists:
        return _same_start(api.store.get_execution(record.execution_arn), record)
    return {"executionArn": arn, "startDate": record.start_date}


def _same_start(existing: ExecutionRecord | None, record: ExecutionRecord) -> dict[str, Any]:
    """AWS name idempotency: the same name and input while RUNNING is the same execution."""
    if existing is not None and existing.status == "RUNNING" and existing.input == record.input:
        return {"executionArn": existing.execution_arn, "startDate": existing.start_date}
    raise ApiError("ExecutionAlreadyExists",
                   f"Execution Already Exists: '{record.execution_arn}'")


@action("StartSyncExecution")
def start_sync_execution(api: Any, body: dict[str, Any]) -> dict[str, Any]:
    compiled, record, info = _prepare(api, body, type_="EXPRESS")
    final = api.engine.run_sync(compiled, record, info)
    out = _result_shape(final)
    out["billingDetails"] = {"billedMemoryUsedInMB": 64, "billedDurationInMilliseconds": max(
        100, int(((final.stop_date or final.start_date) - final.start_date) * 1000))}
    return out


def _result_shape(r: ExecutionRecord) -> dict[str, Any]:
    out: dict[str, Any] = {
        "executionArn": r.execution_arn, "stateMachineArn": r.state_machine_arn,
        "name": r.name, "status": r.status, "startDate": r.start_date,
        "input": json_text(r.input), "inputDetails": {"included": True}}
    if r.stop_date is not None:
        out["stopDate"] = r.stop_date
    if r.status == "SUCCEEDED":
        out["output"], out["outputDetails"] = json_text(r.output), {"included": True}
    for key, value in (("error", r.error), ("cause", r.cause), ("traceHeader", r.trace_header)):
        if value is not None:
            out[key] = value
    return out


def get_execution(api: Any, arn: str) -> ExecutionRecord:
    check_arn(arn, "execution") if ":execution:" in arn else check_arn(arn, "express")
    record = api.store.get_execution(arn)
    if record is None:
        raise missing_execution(arn)
    return record


@action("DescribeExecution")
def describe_execution(api: Any, body: dict[str, Any]) -> dict[str, Any]:
    record = get_execution(api, body["executionArn"])
    out = _result_shape(record)
    for key, value in (("stateMachineVersionArn", record.state_machine_version_arn),
                       ("stateMachineAliasArn", record.state_machine_alias_arn),
                       ("redriveDate", record.redrive_date)):
        if value is not None:
            out[key] = value
    out["redriveCount"] = record.redrive_count
    from workflow.api.stepfunctions.redrive import redrive_status
    out.update(redrive_status(record))
    return out


@action("DescribeStateMachineForExecution")
def describe_state_machine_for_execution(api: Any, body: dict[str, Any]) -> dict[str, Any]:
    from workflow.api.stepfunctions.machines import DEFAULT_LOGGING, DEFAULT_TRACING
    record = get_execution(api, body["executionArn"])
    machine = api.store.get_state_machine(record.state_machine_arn)
    out: dict[str, Any] = {
        "stateMachineArn": record.state_machine_arn,
        "name": record.state_machine_arn.rsplit(":", 1)[1], "definition": record.definition,
        "roleArn": machine.role_arn if machine else "",
        "updateDate": machine.creation_date if machine else record.start_date,
        "loggingConfiguration": (machine and machine.logging_configuration) or DEFAULT_LOGGING,
        "tracingConfiguration": (machine and machine.tracing_configuration) or DEFAULT_TRACING}
    if machine and machine.revision_id:
        out["revisionId"] = machine.revision_id
    return out


@action("ListExecutions")
def list_executions(api: Any, body: dict[str, Any]) -> dict[str, Any]:
    if body.get("stateMachineArn") is None:
        raise validation("Must provide a StateMachine ARN or MapRun ARN",
                         "MISSING_REQUIRED_PARAMETER")
    machine = get_machine(api, body["stateMachineArn"], ("machine", "version", "alias"))
    if machine.kind == "machine" and machine.type == "EXPRESS":
        raise ApiError("StateMachineTypeNotSupported",
                       "This operation is not supported by this type of state machine")
    token = body.get("nextToken")
    try:
        records, next_token = api.store.list_executions(
            state_machine_arn=machine.parent_arn or machine.arn,
            status=body.get("statusFilter"), limit=page_size(body), next_token=token)
    except InvalidToken:
        decode_token(token)
        raise ApiError("InvalidToken", f"Invalid Token: '{token}'") from None
    if machine.kind != "machine":      # a version or alias: its own executions only
        field = "state_machine_version_arn" if machine.kind == "version" else \
            "state_machine_alias_arn"
        records = [r for r in records if getattr(r, field) == machine.arn]
    return page(body, "executions", [_list_item(r) for r in records], next_token)


def _list_item(r: ExecutionRecord) -> dict[str, Any]:
    item: dict[str, Any] = {"executionArn": r.execution_arn,
                            "stateMachineArn": r.state_machine_arn, "name": r.name,
                            "status": r.status, "startDate": r.start_date,
                            "redriveCount": r.redrive_count}
    for key, value in (("stopDate", r.stop_date), ("redriveDate", r.redrive_date),
                       ("stateMachineVersionArn", r.state_machine_version_arn),
                       ("stateMachineAliasArn", r.state_machine_alias_arn)):
        if value is not None:
            item[key] = value
    return item


@action("StopExecution")
def stop_execution(api: Any, body: dict[str, Any]) -> dict[str, Any]:
    record = get_execution(api, body["executionArn"])
    if record.type == "EXPRESS":
        raise ApiError("StateMachineTypeNotSupported",
                       "This operation is not supported by this type of state machine")
    if record.status in TERMINAL_STATUSES:
        return {"stopDate": record.stop_date or now()}
    api.engine.send(record.execution_arn, "", p.Stop(body.get("error"), body.get("cause")))
    deadline = time.monotonic() + STOP_WAIT_SECONDS
    while time.monotonic() < deadline:
        record = api.store.get_execution(record.execution_arn)
        if record.status in TERMINAL_STATUSES:
            return {"stopDate": record.stop_date or now()}
        time.sleep(0.02)
    return {"stopDate": now()}

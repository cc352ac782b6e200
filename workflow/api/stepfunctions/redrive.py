"""RedriveExecution and the redrive fields of DescribeExecution (asl-inventory §13.4)."""
from __future__ import annotations

import time
from dataclasses import replace
from datetime import datetime, timezone
from typing import Any

from workflow.api.errors import ApiError
from workflow.api.stepfunctions.common import action, now
from workflow.interpreter import protocol as p
from workflow.interpreter.core import iso
from workflow.store import ExecutionRecord

REDRIVABLE = frozenset({"FAILED", "TIMED_OUT", "ABORTED"})
REDRIVE_PERIOD = 14 * 24 * 3600
MAX_EVENTS_FOR_REDRIVE = 24_999


def redrive_status(record: ExecutionRecord) -> dict[str, Any]:
    if record.type == "EXPRESS":
        return {"redriveStatus": "NOT_REDRIVABLE",
                "redriveStatusReason": "Execution is of type EXPRESS and cannot be redriven"}
    if record.status in REDRIVABLE:
        return {"redriveStatus": "REDRIVABLE"}
    return {"redriveStatus": "NOT_REDRIVABLE",
            "redriveStatusReason": f"Execution is {record.status} and cannot be redriven"}


_TOKEN_TTL = 15 * 60
_TOKENS_KEPT = 10


@action("RedriveExecution")
def redrive_execution(api: Any, body: dict[str, Any]) -> dict[str, Any]:
    """Restart a FAILED / TIMED_OUT / ABORTED STANDARD execution from its failed state, with
    the same ARN, definition and input. ``clientToken`` makes the call idempotent."""
    from workflow.api.stepfunctions.executions import get_execution
    arn, token = body["executionArn"], body.get("clientToken")
    with api.lock:
        record = get_execution(api, arn)
        seen = _seen_tokens(api, arn)
        if token is not None and token in seen:
            return {"redriveDate": seen[token]}
        _check_redrivable(record)
        redriven = replace(record, redrive_count=record.redrive_count + 1, redrive_date=now())
        info = p.ExecutionInfo(
            arn, record.name, record.state_machine_arn, record.state_machine_arn.rsplit(":", 1)[1],
            record.input, iso(datetime.fromtimestamp(record.start_date, timezone.utc)),
            record.type, role_arn=_role(api, record), redrive_count=redriven.redrive_count,
            redrive_time=iso(datetime.fromtimestamp(redriven.redrive_date, timezone.utc)))
        try:
            api.engine.redrive(api.compiled(record.definition), redriven, info)
        except LookupError as exc:
            raise ApiError("ExecutionNotRedrivable", f"Execution cannot be redriven: {exc}") \
                from None
        if token is not None:
            seen[token] = redriven.redrive_date
            while len(seen) > _TOKENS_KEPT:
                seen.pop(next(iter(seen)))
    return {"redriveDate": redriven.redrive_date}


def _check_redrivable(record: ExecutionRecord) -> None:
    if record.type == "EXPRESS" or record.status not in REDRIVABLE:
        reason = redrive_status(record).get("redriveStatusReason", "")
        raise ApiError("ExecutionNotRedrivable", f"Execution cannot be redriven: {reason}")
    closed = record.stop_date or record.start_date
    if time.time() - closed > REDRIVE_PERIOD:
        raise ApiError("ExecutionNotRedrivable", "Execution cannot be redriven: it closed "
                                                 "more than 14 days ago")
    if record.event_count >= MAX_EVENTS_FOR_REDRIVE:
        raise ApiError("ExecutionNotRedrivable", "Execution cannot be redriven: its history "
                                                 "has no room for more events")


def _seen_tokens(api: Any, arn: str) -> dict[str, float]:
    tokens: dict[str, dict[str, float]] = api.redrive_tokens
    fresh = {t: d for t, d in tokens.get(arn, {}).items() if time.time() - d < _TOKEN_TTL}
    tokens[arn] = fresh
    return fresh


def _role(api: Any, record: ExecutionRecord) -> str:
    machine = api.store.get_state_machine(record.state_machine_arn)
    return machine.role_arn if machine and machine.role_arn else \
        p.ExecutionInfo.__dataclass_fields__["role_arn"].default

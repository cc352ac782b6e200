"""GetExecutionHistory: pages of AWS-shaped events, either direction."""
from __future__ import annotations

from typing import Any

from workflow.api.errors import ApiError, invalid_token
from workflow.api.history_shapes import to_aws
from workflow.api.stepfunctions.common import (action, decode_token, encode_token, page,
                                               page_size)
from workflow.api.stepfunctions.executions import get_execution


@action("GetExecutionHistory")
def get_execution_history(api: Any, body: dict[str, Any]) -> dict[str, Any]:
    record = get_execution(api, body["executionArn"])
    if record.type == "EXPRESS":
        raise ApiError("StateMachineTypeNotSupported",
                       "This operation is not supported by this type of state machine")
    reverse = bool(body.get("reverseOrder"))
    after = 0
    token = body.get("nextToken")
    if token is not None:
        position = decode_token(token)
        if not (isinstance(position, list) and len(position) == 2
                and position[0] == record.execution_arn and isinstance(position[1], int)):
            raise invalid_token(token)
        after = position[1]
    limit = page_size(body)
    events = api.store.history(record.execution_arn, after_id=after, limit=limit + 1,
                               reverse=reverse)
    more = len(events) > limit
    events = events[:limit]
    include = body.get("includeExecutionData", True)
    next_token = encode_token([record.execution_arn, events[-1]["id"]]) if more else None
    return page(body, "events", [to_aws(e, include) for e in events], next_token)

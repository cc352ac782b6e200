"""Step Functions' JSON 1.0 protocol: ``X-Amz-Target: AWSStepFunctions.<Action>``, the body
validated against AWS's service model, then the action's handler (``ACTIONS``), run on a
worker thread unless it is a coroutine (the long poll of GetActivityTask)."""
from __future__ import annotations

import inspect
import json
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from workflow.api import shapes
from workflow.api.errors import ApiError
from workflow.api.stepfunctions.common import ACTIONS
from workflow.api.stepfunctions import (activities, executions, history,  # noqa: F401
                                        machines, redrive, tags, tasks, versions)

TARGET_PREFIX = "AWSStepFunctions."


class StepFunctionsRouter:
    def claims(self, request: Request) -> bool:
        return request.method == "POST" and request.url.path == "/" and \
            request.headers.get("x-amz-target", "").startswith(TARGET_PREFIX)

    async def handle(self, api: Any, request: Request, body: bytes) -> tuple[int, Any]:
        name = request.headers["x-amz-target"][len(TARGET_PREFIX):]
        handler = ACTIONS.get(name)
        op = shapes.operation(name)
        if handler is None or op is None:
            raise ApiError("UnknownOperationException")
        payload = _parse(body)
        shapes.validate_input(op, payload)
        if inspect.iscoroutinefunction(handler):
            return 200, await handler(api, payload)
        return 200, await run_in_threadpool(handler, api, payload)


def _parse(body: bytes) -> dict[str, Any]:
    if not body.strip():
        return {}
    try:
        payload = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ApiError("SerializationException", f"Malformed request body: {exc}") from None
    if not isinstance(payload, dict):
        raise ApiError("SerializationException",
                       "Start of structure or map found where not expected.")
    return payload

"""Invoke: ``POST /2015-03-31/functions/{name}/invocations[?Qualifier=]``.

RequestResponse answers 200 with the function's payload and the X-Amz-Executed-Version,
X-Amz-Function-Error and (LogType Tail) X-Amz-Log-Result headers; Event checks the target,
answers 202 at once and runs the function on a background thread; DryRun answers 204."""
from __future__ import annotations

import json
import logging
import threading
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from workflow.api.lambda_api.context import LambdaService
from workflow.api.lambda_api.errors import JSON, LambdaError, error_response

log = logging.getLogger("sfn.server.lambda")
_TYPES = ("RequestResponse", "Event", "DryRun")


def _options(request: Request) -> tuple[str, str]:
    kind = request.headers.get("x-amz-invocation-type") or "RequestResponse"
    log_type = request.headers.get("x-amz-log-type") or "None"
    if kind not in _TYPES:
        raise LambdaError("InvalidParameterValueException",
                          f"Unsupported invocation type {kind!r}: one of {', '.join(_TYPES)}")
    if log_type not in ("None", "Tail"):
        raise LambdaError("InvalidParameterValueException",
                          f"Unsupported log type {log_type!r}: None or Tail")
    return kind, log_type


def _event(body: bytes) -> Any:
    if not body.strip():
        return {}
    try:
        return json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise LambdaError("InvalidRequestContentException",
                          "Could not parse request body into json: the payload is not JSON") \
            from None


async def handle(service: LambdaService, request: Request, name: str, body: bytes,
                 request_id: str) -> Response:
    from workflow.functions.invoke import InvocationRequest
    kind, log_type = _options(request)
    call = InvocationRequest(name, _event(body), request.query_params.get("Qualifier"),
                             "DryRun" if kind == "Event" else kind, request_id=request_id,
                             log_type=log_type if kind == "RequestResponse" else "None")
    result = await run_in_threadpool(service.invoker.invoke, call)
    if result.service_error is not None:
        error = result.service_error
        return error_response(error.error, error.message, error.status_code, request_id)
    if kind == "Event":
        _in_background(service, InvocationRequest(name, call.payload, call.qualifier, "Event",
                                                  request_id=request_id))
        return Response(b"", 202, headers={"x-amzn-RequestId": request_id})
    if kind == "DryRun":
        return Response(b"", 204, headers={"x-amzn-RequestId": request_id})
    return _answer(result, request_id)


def _in_background(service: LambdaService, call: Any) -> None:
    def run() -> None:
        try:
            service.invoker.invoke(call)
        except Exception:           # nobody waits for an Event invocation: log it
            log.exception("event invocation %s failed", call.request_id)
    threading.Thread(target=run, name=f"lambda-event-{call.request_id}", daemon=True).start()


def _answer(result: Any, request_id: str) -> Response:
    headers = {"x-amzn-RequestId": request_id}
    if result.executed_version:
        headers["X-Amz-Executed-Version"] = result.executed_version
    if result.function_error:
        headers["X-Amz-Function-Error"] = result.function_error
    if result.log_result:
        headers["X-Amz-Log-Result"] = result.log_result
    text = result.payload_text
    if text is None:
        text = "null" if result.payload is None else json.dumps(result.payload,
                                                                ensure_ascii=False)
    return Response(text.encode(), result.status_code, media_type=JSON, headers=headers)

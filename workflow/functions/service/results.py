"""What the caller sees for each way an invocation can end (lambda-xray.md §2, §4.2).

``outcome_payload`` returns (payload, payload text, FunctionError, extra log text, REPORT
status). A runtime's response or error is passed through; the platform's own failures use
Lambda's error types: ``Sandbox.Timedout`` (killed at the timeout), ``Runtime.ExitError``
(the process exited or crashed mid-invocation), ``Runtime.OutOfMemory`` (past MemorySize),
``Function.ResponseSizeTooLarge`` (a response over 6 MB).
"""
from __future__ import annotations

import json
from typing import Any

from workflow.functions.invoke import to_json
from workflow.functions.service import framing
from workflow.functions.service.instance import Ran
from workflow.functions.service.runtime_api import MAX_RESPONSE_BYTES

Outcome = tuple[Any, str, "str | None", str, "str | None"]
_OOM_MARKS = ("MemoryError", "heap out of memory", "Cannot allocate memory", "std::bad_alloc")


def outcome_payload(ran: Ran, request_id: str, timeout: float, memory_mb: int) -> Outcome:
    invocation = ran.invocation
    kind = invocation.kind
    if kind == "response":
        text = invocation.result.decode("utf-8", "replace")
        return _parse(text), text, None, "", None
    if kind in ("error", "init_error"):
        return _reported(ran, request_id, memory_mb)
    if kind in ("timeout", "init_timeout"):
        message = f"Task timed out after {timeout:.2f} seconds"
        extra = f"{framing.stamp()} {request_id} {message}\n"
        return _platform("Sandbox.Timedout", f"RequestId: {request_id} Error: {message}",
                         extra, "timeout")
    if kind == "too_large":
        message = (f"Response payload size ({invocation.result.decode()} bytes) exceeded maximum "
                   f"allowed payload size ({MAX_RESPONSE_BYTES} bytes).")
        return _platform("Function.ResponseSizeTooLarge", message, "", "error")
    return _exited(ran, request_id, memory_mb)


def _parse(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


def _platform(kind: str, message: str, extra: str, status: str) -> Outcome:
    payload = {"errorMessage": message, "errorType": kind}
    return payload, to_json(payload), "Unhandled", extra, status


def _reported(ran: Ran, request_id: str, memory_mb: int) -> Outcome:
    invocation = ran.invocation
    text = invocation.result.decode("utf-8", "replace")
    payload = _parse(text)
    kind = payload.get("errorType") if isinstance(payload, dict) else None
    if kind in ("MemoryError", "Runtime.OutOfMemory"):
        return _out_of_memory(request_id, memory_mb)
    if kind is None and invocation.error_type and isinstance(payload, dict):
        payload["errorType"] = invocation.error_type
        text = to_json(payload)
    handled = "Handled" if invocation.error_type == "Handled" else "Unhandled"
    status = "error" if invocation.kind == "init_error" else None
    return payload, text, handled, "", status


def _out_of_memory(request_id: str, memory_mb: int) -> Outcome:
    message = (f"RequestId: {request_id} Error: Runtime exited with error: the function used "
               f"more than its memory limit of {memory_mb} MB")
    return _platform("Runtime.OutOfMemory", message, f"{message}\nRuntime.OutOfMemory\n", "error")


def _exited(ran: Ran, request_id: str, memory_mb: int) -> Outcome:
    try:
        code = int(ran.invocation.result or b"0")
    except ValueError:
        code = 0
    if any(mark in ran.text for mark in _OOM_MARKS):
        return _out_of_memory(request_id, memory_mb)
    message = f"RequestId: {request_id} Error: Runtime exited with error: {framing.exit_reason(code)}"
    return _platform("Runtime.ExitError", message, f"{message}\nRuntime.ExitError\n", "error")

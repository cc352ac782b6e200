"""``LocalInvoker``: run registered Python handlers in the calling thread, Lambda-style.

The handler cannot be interrupted in-process, so the function timeout is applied afterwards:
a handler that overran its deadline is reported as timed out (its result discarded), which is
what a Lambda caller would have seen. Qualifiers are accepted and ignored: local code has only
``$LATEST``. An ``Event`` invocation also runs in the calling thread; only its result is reduced
to Lambda's 202 answer.
"""
from __future__ import annotations

import base64
import json
import math
import time
from dataclasses import dataclass, replace
from typing import Any, Callable

from workflow.functions import invoke as iv
from workflow.functions.capture import Capture
from workflow.functions.invoke import to_json
from workflow.functions.context import DEFAULT_ACCOUNT, DEFAULT_REGION, LambdaContext, function_arn
from workflow.functions.loader import (InitFailure, Loaded, error_payload, exit_failure,
                                       user_frames)
from workflow.functions.registry import FunctionRegistry, FunctionSpec

TAIL_BYTES = 4096


@dataclass
class _Outcome:
    payload: Any
    text: str
    failed: bool
    duration_ms: float = 0.0


class LocalInvoker:
    """Implements ``Invoker``. Stateless apart from the (thread-safe) registry."""

    def __init__(self, registry: FunctionRegistry, *, region: str = DEFAULT_REGION,
                 account: str = DEFAULT_ACCOUNT, clock: Callable[[], float] = time.time) -> None:
        self.registry = registry
        self.region = region
        self.account = account
        self.clock = clock

    def arn(self, name: str, qualifier: str | None = None) -> str:
        return function_arn(name, qualifier, region=self.region, account=self.account)

    def invoke(self, request: iv.InvocationRequest) -> iv.InvocationResult:
        problem = self._refuse(request)
        if problem is not None:
            return problem
        spec = self.registry.get(request.function_name)
        if spec is None:
            return self._not_found(request)
        if request.invocation_type == iv.DRY_RUN:
            return iv.InvocationResult(request.request_id, status_code=204, executed_version=None,
                                       finished_at=self.clock())
        result = self._run(spec, request)
        if request.invocation_type == iv.EVENT:
            # An async caller only learns that the event was accepted.
            return replace(result, status_code=202, payload=None, payload_text=None,
                           function_error=None, log_result=None, executed_version=None)
        return result

    def _refuse(self, request: iv.InvocationRequest) -> iv.InvocationResult | None:
        if request.invocation_type not in iv.INVOCATION_TYPES:
            return iv.service_failure(request, "InvalidParameterValueException",
                                      f"Unsupported invocation type {request.invocation_type!r}", 400)
        if request.log_type not in iv.LOG_TYPES:
            return iv.service_failure(request, "InvalidParameterValueException",
                                      f"Unsupported log type {request.log_type!r}", 400)
        try:
            to_json(request.payload)
        except (TypeError, ValueError):
            return iv.service_failure(request, "InvalidRequestContentException",
                                      "Could not parse request body into json", 400)
        return None

    def _not_found(self, request: iv.InvocationRequest) -> iv.InvocationResult:
        arn = self.arn(request.function_name, request.qualifier)
        return iv.service_failure(request, "ResourceNotFoundException",
                                  f"Function not found: {arn}", 404)

    def _run(self, spec: FunctionSpec, request: iv.InvocationRequest) -> iv.InvocationResult:
        started_ms = int(self.clock() * 1000)
        deadline_ms = request.deadline_ms
        if deadline_ms is None:
            deadline_ms = started_ms + int(1000 * (request.timeout_seconds or spec.timeout_seconds))
        init_ms: float | None = None
        with Capture(request.request_id) as capture:
            found = self.registry.load(spec.name)
            if found is None:                        # unregistered meanwhile
                return self._not_found(request)
            _, code, fresh = found
            if isinstance(code, InitFailure):
                outcome = _failed(code.payload(), capture)
            else:
                init_ms = code.init_duration_ms if fresh else None
                outcome = self._call(code, spec, request, deadline_ms, capture)
            outcome = self._deadline(outcome, request, started_ms, deadline_ms, capture)
        return self._result(spec, request, outcome, capture, init_ms)

    def _call(self, code: Loaded, spec: FunctionSpec, request: iv.InvocationRequest,
              deadline_ms: int, capture: Capture) -> _Outcome:
        context = LambdaContext(
            function_name=spec.name, function_version=iv.LATEST,
            invoked_function_arn=self.arn(spec.name, request.qualifier),
            memory_limit_in_mb=spec.memory_mb, aws_request_id=request.request_id,
            log_stream_name=code.log_stream_name, deadline_ms=deadline_ms, clock=self.clock)
        event = json.loads(to_json(request.payload))   # the handler gets its own copy
        began = time.perf_counter()
        outcome = _handle(code, event, context, request.request_id, capture)
        outcome.duration_ms = (time.perf_counter() - began) * 1000
        return outcome

    def _deadline(self, outcome: _Outcome, request: iv.InvocationRequest, started_ms: int,
                  deadline_ms: int, capture: Capture) -> _Outcome:
        now_ms = int(self.clock() * 1000)
        if now_ms <= deadline_ms:
            return outcome
        seconds = (deadline_ms - started_ms) / 1000
        message = f"RequestId: {request.request_id} Error: Task timed out after {seconds:.2f} seconds"
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now_ms / 1000))
        capture.write(f"{stamp}.{now_ms % 1000:03d}Z {request.request_id} "
                      f"Task timed out after {seconds:.2f} seconds\n")
        payload = {"errorType": "Sandbox.Timedout", "errorMessage": message}
        return _Outcome(payload, to_json(payload), True, outcome.duration_ms)

    def _result(self, spec: FunctionSpec, request: iv.InvocationRequest, outcome: _Outcome,
                capture: Capture, init_ms: float | None) -> iv.InvocationResult:
        tail = None
        if request.log_type == "Tail":
            tail = _tail(_framed_log(spec, request.request_id, capture.text(), outcome, init_ms))
        return iv.InvocationResult(
            request.request_id, payload=outcome.payload, payload_text=outcome.text,
            function_error="Unhandled" if outcome.failed else None, log_result=tail,
            duration_ms=outcome.duration_ms, init_duration_ms=init_ms, logs=capture.lines(),
            finished_at=self.clock())


def _handle(code: Loaded, event: Any, context: LambdaContext, request_id: str,
            capture: Capture) -> _Outcome:
    try:
        value = code.handler(event, context)
    except SystemExit as exc:
        return _failed(exit_failure(exc).payload(request_id), capture)
    except Exception as exc:  # noqa: BLE001 - user code may raise anything
        payload = error_payload(str(exc), type(exc).__name__, user_frames(exc.__traceback__),
                                request_id)
        return _failed(payload, capture)
    try:
        text = to_json(value)
    except (TypeError, ValueError) as exc:
        payload = error_payload(f"Unable to marshal response: {exc}", "Runtime.MarshalError", [],
                                request_id)
        return _failed(payload, capture)
    return _Outcome(json.loads(text), text, False)


def _failed(payload: dict[str, Any], capture: Capture) -> _Outcome:
    capture.write("\n".join(_error_lines(payload)) + "\n")
    return _Outcome(payload, to_json(payload), True)


def _error_lines(payload: dict[str, Any]) -> list[str]:
    """awslambdaric's text ``log_error``: ``[ERROR] Type: message`` then the traceback."""
    kind, message = payload.get("errorType") or "", payload.get("errorMessage") or ""
    head = "[ERROR]" + (f" {kind}" if kind else "")
    if message:
        head += (":" if kind else "") + f" {message}"
    lines = [head, "Traceback (most recent call last):"]
    for frame in payload.get("stackTrace") or []:
        lines.extend(frame.splitlines())
    return lines


def _framed_log(spec: FunctionSpec, request_id: str, text: str, outcome: _Outcome,
                init_ms: float | None) -> str:
    billed = math.ceil(outcome.duration_ms)
    report = (f"REPORT RequestId: {request_id}\tDuration: {outcome.duration_ms:.2f} ms\t"
              f"Billed Duration: {billed} ms\tMemory Size: {spec.memory_mb} MB")
    if init_ms is not None:
        report += f"\tInit Duration: {init_ms:.2f} ms"
    return (f"START RequestId: {request_id} Version: {iv.LATEST}\n{text}"
            f"END RequestId: {request_id}\n{report}\n")


def _tail(log: str) -> str:
    return base64.b64encode(log.encode("utf-8")[-TAIL_BYTES:]).decode("ascii")

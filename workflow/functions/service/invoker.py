"""``ServiceInvoker``: the ``Invoker`` of registered functions run in sandboxed runtimes.

Resolve the name (versions, aliases, weights) → take a concurrency slot when the function
reserves concurrency (TooManyRequestsException beyond it) → run on a warm or new instance under
the function's timeout → shape the answer as Lambda's Invoke does, frame the log, meter it.
Task states reach it through the same ``Invoker`` interface as the in-process functions.
"""
from __future__ import annotations

import contextvars
import json
import random
import time
import uuid
from pathlib import Path
from typing import Any, Callable

from workflow.functions import invoke as iv
from workflow.functions.service import framing
from workflow.functions.service.errors import FunctionServiceError
from workflow.functions.service.instance import Ran
from workflow.functions.service.pool import Pool
from workflow.functions.service.records import InvocationRecord
from workflow.functions.service.registry import Registry
from workflow.functions.service.resolver import Resolved, resolve
from workflow.functions.service.results import outcome_payload
from workflow.functions.service.store import FunctionStore

MAX_REQUEST_BYTES = 6 * 1024 * 1024
SLOT_MARGIN_S = 30.0
# The Step Functions execution and state invoking, set by the runners (for logs and cost).
origin: contextvars.ContextVar[tuple[str, str] | None] = contextvars.ContextVar(
    "sfn_invocation_origin", default=None)


class ServiceInvoker:
    """Implements ``Invoker``. Thread-safe; one per worker process (it owns the instances)."""

    def __init__(self, store: FunctionStore, *, cache_dir: str | Path | None = None,
                 python_ric: str = "builtin", max_instances: int = 64, record: bool = True,
                 verify_peers: bool = True, rand: Callable[[], float] = random.random) -> None:
        self.store = store
        self.registry = Registry(store)
        self.pool = Pool(store.get_code, Path(cache_dir) if cache_dir else None,
                         max_instances=max_instances, python_ric=python_ric,
                         verify_peers=verify_peers)
        self.record = record
        self.rand = rand

    def close(self) -> None:
        self.pool.close()

    def invoke(self, request: iv.InvocationRequest) -> iv.InvocationResult:
        try:
            body = _request_body(request)
            target = resolve(self.store, request.function_name, request.qualifier, self.rand)
        except FunctionServiceError as exc:
            return iv.service_failure(request, exc.error, exc.message, exc.status)
        if request.invocation_type == iv.DRY_RUN:
            return iv.InvocationResult(request.request_id, status_code=204, executed_version=None,
                                       finished_at=time.time())
        result = self._throttled_run(request, target, body)
        if request.invocation_type == iv.EVENT and result.service_error is None:
            return iv.InvocationResult(request.request_id, status_code=202, executed_version=None,
                                       duration_ms=result.duration_ms, logs=result.logs,
                                       finished_at=result.finished_at)
        return result

    def _throttled_run(self, request: iv.InvocationRequest, target: Resolved,
                       body: bytes) -> iv.InvocationResult:
        name, slot = target.config.name, uuid.uuid4().hex
        limit = target.reserved_concurrency
        if limit is not None and not self.store.acquire_slot(
                name, slot, limit, target.config.timeout_s + SLOT_MARGIN_S):
            return self._throttle(request, target, "ReservedFunctionConcurrentInvocationLimitExceeded")
        try:
            instance = self.pool.acquire(target.config)
            if instance is None:
                return self._throttle(request, target, "ConcurrentInvocationLimitExceeded")
            return self._run(request, target, body, instance)
        finally:
            if limit is not None:
                self.store.release_slot(name, slot)

    def _throttle(self, request: iv.InvocationRequest, target: Resolved,
                  reason: str) -> iv.InvocationResult:
        self._meter(InvocationRecord(target.config.name, request.request_id, time.time(),
                                     target.executed_version, throttled=True,
                                     memory_mb=target.config.memory_mb, error_type=reason))
        return iv.service_failure(request, "TooManyRequestsException", "Rate Exceeded.", 429)

    def _run(self, request: iv.InvocationRequest, target: Resolved, body: bytes,
             instance: Any) -> iv.InvocationResult:
        from workflow.functions.service.runtime_api import Invocation
        config, started = target.config, time.time()
        timeout = _timeout(request, config.timeout_s, started)
        deadline_ms = request.deadline_ms or int((started + timeout) * 1000)
        invocation = Invocation(request.request_id, body, deadline_ms, target.invoked_arn)
        ran = instance.run(invocation, timeout)
        self.pool.release(instance, ran.reusable and not _out_of_memory(ran))
        return self._result(request, target, ran, started, timeout)

    def _result(self, request: iv.InvocationRequest, target: Resolved, ran: Ran,
                started: float, timeout: float) -> iv.InvocationResult:
        config = target.config
        payload, text, function_error, extra, status = outcome_payload(ran, request.request_id,
                                                                       timeout, config.memory_mb)
        log = framing.frame(request.request_id, target.executed_version, ran.init_text,
                            ran.text + extra, duration_ms=ran.duration_ms,
                            memory_mb=config.memory_mb, max_memory_mb=ran.max_memory_mb,
                            init_ms=ran.init_ms, status=status)
        kind = payload.get("errorType") if function_error and isinstance(payload, dict) else None
        self._meter(InvocationRecord(
            config.name, request.request_id, started, target.executed_version,
            duration_ms=ran.duration_ms, billed_ms=framing.billed_ms(ran.duration_ms, ran.init_ms),
            memory_mb=config.memory_mb, max_memory_mb=ran.max_memory_mb, init_ms=ran.init_ms,
            error=function_error, error_type=kind, log=log))
        return iv.InvocationResult(
            request.request_id, payload=payload, payload_text=text,
            function_error=function_error, executed_version=target.executed_version,
            log_result=framing.tail(log) if request.log_type == "Tail" else None,
            duration_ms=ran.duration_ms, init_duration_ms=ran.init_ms, logs=log.splitlines(),
            finished_at=time.time())

    def _meter(self, record: InvocationRecord) -> None:
        if not self.record:
            return
        where = origin.get()
        if where is not None:
            record.execution, record.state = where
        self.store.add_invocation(record)


def _request_body(request: iv.InvocationRequest) -> bytes:
    if request.invocation_type not in iv.INVOCATION_TYPES:
        raise FunctionServiceError("InvalidParameterValueException",
                                   f"Unsupported invocation type {request.invocation_type!r}")
    if request.log_type not in iv.LOG_TYPES:
        raise FunctionServiceError("InvalidParameterValueException",
                                   f"Unsupported log type {request.log_type!r}")
    try:
        body = iv.to_json(request.payload).encode("utf-8")
    except (TypeError, ValueError):
        raise FunctionServiceError("InvalidRequestContentException",
                                   "Could not parse request body into json") from None
    if len(body) > MAX_REQUEST_BYTES:
        raise FunctionServiceError("RequestTooLargeException", f"Request must be smaller than "
                                   f"{MAX_REQUEST_BYTES} bytes for the InvokeFunction operation",
                                   413)
    return body


def _timeout(request: iv.InvocationRequest, configured: int, now: float) -> float:
    """The function's timeout, shortened by the caller's deadline (a state's TimeoutSeconds)."""
    timeout = float(configured)
    if request.timeout_seconds:
        timeout = min(timeout, float(request.timeout_seconds))
    if request.deadline_ms:
        timeout = min(timeout, max(0.001, request.deadline_ms / 1000 - now))
    return timeout


def _out_of_memory(ran: Ran) -> bool:
    if ran.invocation.kind != "error":
        return False
    try:
        kind = json.loads(ran.invocation.result or b"{}").get("errorType")
    except (ValueError, AttributeError):
        return False
    return kind in ("MemoryError", "Runtime.OutOfMemory")

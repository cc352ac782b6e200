"""Functions service, stage 5: concurrent invocations scale out to more instances (processes),
and reserved concurrency caps them: beyond it a synchronous call fails with
TooManyRequestsException and the throttle is counted (SQLite and Redis stores)."""
from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from fnservice_helpers import any_store, tree  # noqa: F401

import workflow
from workflow.functions.invoke import InvocationRequest
from workflow.functions.service import Registry, ServiceInvoker
from workflow.runner import start_execution
from workflow.runner.tasks import task_handler

SLEEPER = {"app.py": """
    import os, time
    def handler(event, context):
        time.sleep(event.get("seconds", 0))
        return os.getpid()
"""}


def together(invoker: ServiceInvoker, name: str, count: int, seconds: float) -> list[Any]:
    barrier = threading.Barrier(count)

    def one(_: int) -> Any:
        barrier.wait()
        return invoker.invoke(InvocationRequest(name, {"seconds": seconds}))

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(one, range(count)))


def test_concurrent_invocations_scale_out(any_store, tmp_path: Path) -> None:
    Registry(any_store).create("sleeper", tree(tmp_path / "s", SLEEPER), handler="app.handler",
                               runtime="python3.11")
    invoker = ServiceInvoker(any_store, cache_dir=tmp_path / "cache")
    try:
        began = time.perf_counter()
        results = together(invoker, "sleeper", 4, 0.6)
        elapsed = time.perf_counter() - began
        assert all(r.function_error is None for r in results)
        assert len({r.payload for r in results}) == 4           # four processes, not one
        assert elapsed < 4 * 0.6                                # side by side, not in turn
        again = together(invoker, "sleeper", 4, 0.0)
        assert {r.payload for r in again} <= {r.payload for r in results}   # warm: no new ones
        assert invoker.pool.instances() == 4
    finally:
        invoker.close()


def test_reserved_concurrency_throttles(any_store, tmp_path: Path) -> None:
    registry = Registry(any_store)
    registry.create("capped", tree(tmp_path / "s", SLEEPER), handler="app.handler",
                    runtime="python3.11", reserved_concurrency=2)
    invoker = ServiceInvoker(any_store, cache_dir=tmp_path / "cache")
    try:
        results = together(invoker, "capped", 5, 1.0)
        throttled = [r for r in results if r.service_error is not None]
        assert len(throttled) == 3
        assert {(r.service_error.error, r.status_code) for r in throttled} == {
            ("TooManyRequestsException", 429)}
        assert len({r.payload for r in results if r.service_error is None}) == 2
        assert any_store.totals("capped")["throttles"] == 3
        assert invoker.invoke(InvocationRequest("capped", {})).service_error is None  # freed
        registry.update_config("capped", reserved_concurrency=0)
        assert invoker.invoke(InvocationRequest("capped", {})).status_code == 429
        registry.update_config("capped", reserved_concurrency=None)
        assert invoker.invoke(InvocationRequest("capped", {})).service_error is None
    finally:
        invoker.close()


def test_a_throttled_task_fails_with_lambdas_error(any_store, tmp_path: Path) -> None:
    Registry(any_store).create("off", tree(tmp_path / "s", SLEEPER), handler="app.handler",
                               runtime="python3.11", reserved_concurrency=0)
    invoker = ServiceInvoker(any_store, cache_dir=tmp_path / "cache")
    machine = workflow.load({"StartAt": "T", "States": {"T": {
        "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName": "off", "Payload": {}}, "End": True}}})
    try:
        execution = start_execution(machine, {}, tasks=task_handler(invoker))
    finally:
        invoker.close()
    assert execution.error == "Lambda.TooManyRequestsException"
    assert "Rate Exceeded." in execution.cause and "Status Code: 429" in execution.cause

"""Functions service, stage 4: limits really hold, against real processes. A function past its
timeout is killed (a Task state sees States.Timeout); memory is capped; a crash fails only its
own invocation; one function cannot reach another's invocations through the Runtime API."""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Iterator

import pytest
from fnservice_helpers import tree

import workflow
from workflow.functions.invoke import InvocationRequest
from workflow.functions.service import Registry, ServiceInvoker, open_function_store
from workflow.runner import start_execution
from workflow.runner.tasks import task_handler

CODE = {"app.py": """
    import ctypes, os, resource, time, urllib.request, urllib.error
    def handler(event, context):
        action = event.get("do")
        if action == "sleep":
            time.sleep(event["seconds"])
        elif action == "exit":
            os._exit(event.get("code", 3))
        elif action == "segfault":
            ctypes.string_at(0)
        elif action == "allocate":
            block = bytearray(event["mb"] << 20)
            return len(block)
        elif action == "limit":
            return resource.getrlimit(resource.RLIMIT_AS)[0]
        elif action == "steal":
            url = f"http://127.0.0.1:{event['port']}/2018-06-01/runtime/invocation/next"
            try:
                with urllib.request.urlopen(url, timeout=3) as answer:
                    return {"status": answer.status, "body": answer.read().decode()}
            except urllib.error.HTTPError as exc:
                return {"status": exc.code}
            except (OSError, urllib.error.URLError) as exc:
                return {"status": 0, "error": str(exc)}
        return {"pid": os.getpid()}
"""}


@pytest.fixture
def service(tmp_path: Path) -> Iterator[tuple[Registry, ServiceInvoker]]:
    store = open_function_store(str(tmp_path / "functions.db"))
    registry = Registry(store)
    code = tree(tmp_path / "src", CODE)
    registry.create("limited", code, handler="app.handler", runtime="python3.11", timeout_s=1,
                    memory_mb=128)
    registry.create("other", code, handler="app.handler", runtime="python3.11")
    invoker = ServiceInvoker(store, cache_dir=tmp_path / "cache")
    yield registry, invoker
    invoker.close()
    store.close()


def call(invoker: ServiceInvoker, name: str, **event: Any) -> Any:
    return invoker.invoke(InvocationRequest(name, event))


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split()[2] != "Z"
    except OSError:
        return False


def test_timeout_kills_the_process(service) -> None:
    _, invoker = service
    pid = call(invoker, "limited").payload["pid"]
    result = call(invoker, "limited", do="sleep", seconds=30)
    assert result.function_error == "Unhandled"
    assert result.payload["errorType"] == "Sandbox.Timedout"
    assert result.payload["errorMessage"].endswith("Task timed out after 1.00 seconds")
    assert 990 <= result.duration_ms < 2000
    assert not alive(pid)
    assert any("Status: timeout" in line for line in result.logs)
    fresh = call(invoker, "limited")
    assert fresh.payload["pid"] != pid and fresh.init_duration_ms is not None


def test_a_task_state_sees_states_timeout(service) -> None:
    _, invoker = service
    machine = workflow.load({"StartAt": "Slow", "States": {"Slow": {
        "Type": "Task", "Resource": "arn:aws:lambda:us-east-1:000000000000:function:limited",
        "TimeoutSeconds": 10, "End": True}}})
    execution = start_execution(machine, {"do": "sleep", "seconds": 30},
                                tasks=task_handler(invoker))
    assert (execution.status, execution.error) == ("FAILED", "States.Timeout")


def test_memory_is_capped(service) -> None:
    _, invoker = service
    assert call(invoker, "limited", do="limit").payload == 128 * 1024 * 1024
    result = call(invoker, "limited", do="allocate", mb=400)
    assert result.function_error == "Unhandled"
    assert result.payload["errorType"] == "Runtime.OutOfMemory"
    assert "memory limit of 128 MB" in result.payload["errorMessage"]
    assert call(invoker, "limited", do="allocate", mb=16).payload == 16 << 20


@pytest.mark.parametrize("event,reason", [({"do": "exit", "code": 3}, "exit status 3"),
                                          ({"do": "segfault"}, "signal: segmentation fault")])
def test_a_crash_fails_only_its_invocation(service, event, reason) -> None:
    _, invoker = service
    bystander = call(invoker, "other").payload["pid"]
    result = invoker.invoke(InvocationRequest("limited", event))
    assert result.function_error == "Unhandled"
    assert result.payload["errorType"] == "Runtime.ExitError"
    assert result.payload["errorMessage"].endswith(f"Runtime exited with error: {reason}")
    assert "Runtime.ExitError" in result.logs
    assert call(invoker, "other").payload["pid"] == bystander       # untouched, still warm
    assert call(invoker, "limited").function_error is None          # and the function recovers


def test_another_functions_runtime_api_is_out_of_reach(service) -> None:
    registry, invoker = service
    call(invoker, "other")
    [victim] = invoker.pool.idle(registry.latest("other"))
    stolen = call(invoker, "limited", do="steal", port=victim.channel.port).payload
    assert stolen["status"] == 403, stolen                    # refused: not its process tree
    assert call(invoker, "other").function_error is None       # its work still reaches it only


def test_instances_cannot_read_each_others_environment(service, tmp_path) -> None:
    registry, invoker = service
    code = tree(tmp_path / "env", {"app.py": """
        import os
        def handler(event, context):
            return {k: v for k, v in os.environ.items() if k.startswith("SECRET")}
    """})
    registry.create("a", code, handler="app.handler", runtime="python3.11",
                    environment={"SECRET_A": "a"})
    registry.create("b", code, handler="app.handler", runtime="python3.11",
                    environment={"SECRET_B": "b"})
    assert call(invoker, "a").payload == {"SECRET_A": "a"}
    assert call(invoker, "b").payload == {"SECRET_B": "b"}
    assert json.dumps(call(invoker, "a").payload).count("SECRET_B") == 0

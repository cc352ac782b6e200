"""Functions service, stage 3: every instance is its own process speaking the Lambda Runtime
API to our loopback server: our Python and Node.js bootstraps, a `provided` shell bootstrap,
and AWS's own awslambdaric. All against real processes."""
from __future__ import annotations

import importlib.util
import os
import random
import shutil
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest
from fnservice_helpers import ECHO_PY, tree

from workflow.functions.invoke import InvocationRequest
from workflow.functions.service import Registry, ServiceInvoker, open_function_store
from workflow.functions.service import versions as v

ENV_PY = {"app.py": """
    import os, sys
    def handler(event, context):
        return {"env": dict(os.environ), "cwd": os.getcwd(), "pid": os.getpid(),
                "ric": "awslambdaric" in sys.modules,
                "context": [context.function_name, context.function_version,
                            context.memory_limit_in_mb, context.invoked_function_arn,
                            context.aws_request_id, context.get_remaining_time_in_millis() > 0]}
"""}
SHELL_BOOTSTRAP = """
    #!/bin/sh
    # A custom runtime in plain shell: fetch the next event, answer it, forever.
    set -eu
    API="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime"
    while true; do
      HEADERS="$(mktemp)"
      EVENT="$(curl -sS -D "$HEADERS" "$API/invocation/next")"
      ID="$(grep -i '^Lambda-Runtime-Aws-Request-Id:' "$HEADERS" | cut -d: -f2 | tr -d ' \\r\\n')"
      rm -f "$HEADERS"
      echo "shell handling $ID"
      curl -sS -X POST "$API/invocation/$ID/response" \\
           -d "{\\"shell\\": true, \\"event\\": $EVENT, \\"handler\\": \\"$_HANDLER\\"}" >/dev/null
    done
"""


@pytest.fixture
def service(tmp_path: Path) -> Iterator[tuple[Registry, ServiceInvoker]]:
    store = open_function_store(str(tmp_path / "functions.db"))
    invoker = ServiceInvoker(store, cache_dir=tmp_path / "cache")
    yield Registry(store), invoker
    invoker.close()
    store.close()


def call(invoker: Any, name: str, payload: Any = None, **extra: Any) -> Any:
    return invoker.invoke(InvocationRequest(name, payload if payload is not None else {}, **extra))


def test_python_instance_environment_is_lambdas_and_nothing_else(service, tmp_path) -> None:
    registry, invoker = service
    os.environ["SFN_TEST_WORKER_SECRET"] = "leak"
    try:
        registry.create("env", tree(tmp_path / "src", ENV_PY), handler="app.handler",
                        runtime="python3.11", memory_mb=256, environment={"MINE": "yes"})
        first = call(invoker, "env", qualifier=None)
    finally:
        del os.environ["SFN_TEST_WORKER_SECRET"]
    assert first.function_error is None, first.payload
    env, cwd = first.payload["env"], first.payload["cwd"]
    assert "SFN_TEST_WORKER_SECRET" not in env and "HOME" not in env
    assert env["MINE"] == "yes" and env["AWS_LAMBDA_FUNCTION_NAME"] == "env"
    assert env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "256"
    assert env["AWS_LAMBDA_FUNCTION_VERSION"] == "$LATEST" and env["_HANDLER"] == "app.handler"
    assert env["LAMBDA_TASK_ROOT"] == cwd and Path(cwd, "app.py").is_file()
    assert env["AWS_LAMBDA_RUNTIME_API"].startswith("127.0.0.1:")
    allowed = {"MINE", "PATH", "LANG", "LC_CTYPE", "TZ", "PYTHONUNBUFFERED"}
    assert all(k in allowed or k.startswith(("AWS_", "LAMBDA_", "_")) for k in env), sorted(env)
    name, version, memory, arn, request_id, remaining = first.payload["context"]
    assert (name, version, memory, request_id, remaining) == (
        "env", "$LATEST", "256", first.request_id, True)
    assert arn.endswith(":function:env")
    second = call(invoker, "env")
    assert second.payload["pid"] == first.payload["pid"]          # warm: the same process
    assert first.init_duration_ms and first.init_duration_ms > 0
    assert second.init_duration_ms is None
    assert first.executed_version == second.executed_version == "$LATEST"


def test_version_one_is_unchanged_after_update_code(service, tmp_path) -> None:
    registry, invoker = service
    registry.create("echo", tree(tmp_path / "v1", ECHO_PY), handler="app.handler",
                    runtime="python3.11")
    v.publish(registry, "echo")
    newer = {"app.py": "def handler(event, context):\n    return {'tag': 'v2'}\n"}
    registry.update_code("echo", tree(tmp_path / "v2", newer))
    one = call(invoker, "echo:1", {"n": 1})
    latest = call(invoker, "echo", {"n": 1})
    assert (one.payload["tag"], one.executed_version, one.payload["version"]) == ("v1", "1", "1")
    assert (latest.payload, latest.executed_version) == ({"tag": "v2"}, "$LATEST")


def test_alias_weights_over_a_thousand_invocations(tmp_path) -> None:
    store = open_function_store(str(tmp_path / "functions.db"))
    registry = Registry(store)
    registry.create("split", tree(tmp_path / "src", ECHO_PY), handler="app.handler",
                    runtime="python3.11")
    v.publish(registry, "split")
    registry.update_config("split", description="second")
    v.publish(registry, "split")
    v.create_alias(registry, "split", "live", "1", {"2": 0.1})
    invoker = ServiceInvoker(store, cache_dir=tmp_path / "cache", record=False,
                             rand=random.Random(2024).random)
    try:
        results = [call(invoker, "split:live", {"i": i}) for i in range(1000)]
    finally:
        invoker.close()
    assert all(r.function_error is None for r in results)
    assert all(r.payload["version"] == r.executed_version for r in results)
    hits = sum(r.executed_version == "2" for r in results)
    assert 69 <= hits <= 131           # binomial(1000, 0.1): 99.9% interval


@pytest.mark.skipif(shutil.which("node") is None, reason="no node on PATH")
def test_nodejs_function(service, tmp_path) -> None:
    registry, invoker = service
    code = tree(tmp_path / "node", {"index.js": """
        exports.handler = async (event, context) => {
          console.log("node got", JSON.stringify(event));
          return { doubled: event.n * 2, name: context.functionName,
                   left: context.getRemainingTimeInMillis() > 0, cwd: process.cwd() };
        };
        exports.fails = async () => { throw new TypeError("bad node"); };
    """})
    registry.create("node", code, handler="index.handler", runtime="nodejs20")
    result = call(invoker, "node", {"n": 21}, log_type="Tail")
    assert result.function_error is None, result.payload
    assert result.payload["doubled"] == 42 and result.payload["name"] == "node"
    assert result.payload["left"] is True
    assert any('node got {"n":21}' in line for line in result.logs)
    registry.create("node-fails", code, handler="index.fails", runtime="nodejs20")
    failed = call(invoker, "node-fails")
    assert failed.function_error == "Unhandled"
    assert failed.payload["errorType"] == "TypeError"
    assert failed.payload["errorMessage"] == "bad node"


@pytest.mark.skipif(shutil.which("curl") is None, reason="the shell bootstrap uses curl")
def test_provided_runtime_with_a_shell_bootstrap(service, tmp_path) -> None:
    registry, invoker = service
    code = tree(tmp_path / "sh", {"bootstrap": SHELL_BOOTSTRAP}, executable=("bootstrap",))
    registry.create("shell", code, handler="anything.at.all", runtime="provided")
    first = call(invoker, "shell", {"a": [1, 2]})
    second = call(invoker, "shell", {"b": None})
    assert first.payload == {"shell": True, "event": {"a": [1, 2]}, "handler": "anything.at.all"}
    assert second.payload["event"] == {"b": None}
    assert f"shell handling {second.request_id}" in second.logs


def test_provided_without_a_bootstrap_is_an_init_error(service, tmp_path) -> None:
    registry, invoker = service
    registry.create("nobootstrap", tree(tmp_path / "x", {"readme.txt": "no"}), handler="h",
                    runtime="provided")
    result = call(invoker, "nobootstrap")
    assert result.function_error == "Unhandled"
    assert result.payload["errorType"] == "Runtime.InvalidEntrypoint"


@pytest.mark.skipif(importlib.util.find_spec("awslambdaric") is None,
                    reason="awslambdaric is not installed (pip install -e '.[dev]')")
def test_awslambdaric_runs_against_our_runtime_api(tmp_path) -> None:
    store = open_function_store(str(tmp_path / "functions.db"))
    Registry(store).create("ric", tree(tmp_path / "src", {**ENV_PY, "boom.py": """
        def handler(event, context):
            raise KeyError("missing")
    """}), handler="app.handler", runtime="python3.11")
    Registry(store).create("ric-boom", tree(tmp_path / "src2", {"boom.py": """
        def handler(event, context):
            raise KeyError("missing")
    """}), handler="boom.handler", runtime="python3.11")
    invoker = ServiceInvoker(store, cache_dir=tmp_path / "cache", python_ric="awslambdaric")
    try:
        first, second = call(invoker, "ric", {"x": 1}), call(invoker, "ric", {"x": 2})
        boom = call(invoker, "ric-boom")
    finally:
        invoker.close()
    assert first.payload["ric"] is True                   # the handler ran under awslambdaric
    assert first.payload["context"][4] == first.request_id
    assert second.payload["pid"] == first.payload["pid"] and second.init_duration_ms is None
    assert boom.function_error == "Unhandled"
    assert boom.payload["errorType"] == "KeyError" and boom.payload["requestId"] == boom.request_id


def test_python312_runs_under_python312_when_the_machine_has_one(service, tmp_path) -> None:
    from workflow.functions.service.launch import python_for
    if python_for("python3.12") == sys.executable:
        pytest.skip("no Python 3.12 interpreter on this machine")
    registry, invoker = service
    registry.create("py312", tree(tmp_path / "p", {"app.py": """
        import sys
        def handler(event, context):
            return list(sys.version_info[:2])
    """}), handler="app.handler", runtime="python3.12")
    assert call(invoker, "py312").payload == [3, 12]


@pytest.mark.parametrize("files,handler,error", [
    ({"app.py": "import nosuchmodule\n"}, "app.handler", "Runtime.ImportModuleError"),
    ({"app.py": "x = 1\n"}, "app.handler", "Runtime.HandlerNotFound"),
    ({"app.py": "def handler(:\n"}, "app.handler", "Runtime.UserCodeSyntaxError"),
    ({"app.py": "x = 1\n"}, "nodot", "Runtime.MalformedHandlerName"),
])
def test_init_errors(service, tmp_path, files, handler, error) -> None:
    registry, invoker = service
    registry.create("broken", tree(tmp_path / "b", files), handler=handler, runtime="python3.11")
    result = call(invoker, "broken")
    assert result.function_error == "Unhandled"
    assert result.payload["errorType"] == error
    again = call(invoker, "broken")                  # a fresh instance fails the same way
    assert again.payload["errorType"] == error


def test_handler_errors_keep_the_instance(service, tmp_path) -> None:
    registry, invoker = service
    registry.create("err", tree(tmp_path / "e", {"app.py": """
        import os
        def handler(event, context):
            if event.get("fail"):
                raise ValueError(f"boom {event['fail']}")
            return os.getpid()
    """}), handler="app.handler", runtime="python3.11")
    pid = call(invoker, "err").payload
    failed = call(invoker, "err", {"fail": 42})
    assert failed.function_error == "Unhandled"
    assert failed.payload["errorType"] == "ValueError"
    assert failed.payload["errorMessage"] == "boom 42"
    assert any("[ERROR] ValueError: boom 42" in line for line in failed.logs)
    assert call(invoker, "err").payload == pid

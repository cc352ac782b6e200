"""Functions service, stage 6: `sfn invoke`, and Task states of both runners (embedded `sfn run`
and the Celery workers) invoking registered functions through the service. Real processes."""
from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from fnservice_helpers import ECHO_PY, tree

from conftest import REPO
from workflow.functions.service import Registry, open_function_store
from workflow.functions.service import versions as v
from workflow.functions.service.store_redis import RedisFunctionStore

FAILING = {"app.py": """
    class OrderRejected(Exception):
        pass
    def handler(event, context):
        raise OrderRejected(f"order {event.get('id')} rejected")
"""}
MACHINE = {"StartAt": "Direct", "States": {
    "Direct": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:000000000000:function:echo:1",
               "ResultPath": "$.direct", "Next": "ViaSdk"},
    "ViaSdk": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
               "Parameters": {"FunctionName": "echo", "Qualifier": "live", "Payload.$": "$.direct"},
               "ResultSelector": {"version.$": "$.ExecutedVersion", "tag.$": "$.Payload.tag"},
               "ResultPath": "$.sdk", "Next": "Local"},
    "Local": {"Type": "Task", "Resource": "local_fn", "ResultPath": "$.local", "Next": "Fails"},
    "Fails": {"Type": "Task", "Resource": "rejecter", "Catch": [
        {"ErrorEquals": ["OrderRejected"], "ResultPath": "$.caught", "Next": "Done"}],
              "End": True},
    "Done": {"Type": "Pass", "End": True}}}


def sfn(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    merged = {k: v for k, v in os.environ.items()
              if k not in ("SFN_BROKER_URL", "SFN_FUNCTIONS_URL", "SFN_DB")}
    merged.update(PYTHONPATH=str(REPO), **(env or {}))
    return subprocess.run([sys.executable, "-m", "workflow.cli", *args], cwd=cwd, env=merged,
                          capture_output=True, text=True, timeout=120)


def register(registry: Registry, tmp: Path) -> None:
    registry.create("echo", tree(tmp / "echo", ECHO_PY), handler="app.handler",
                    runtime="python3.11")
    v.publish(registry, "echo")
    v.create_alias(registry, "echo", "live", "1")
    registry.create("rejecter", tree(tmp / "rejecter", FAILING), handler="app.handler",
                    runtime="python3.11")


def test_sfn_invoke(tmp_path: Path) -> None:
    store_url = f"sqlite:///{tmp_path / 'fn.db'}"
    with open_function_store(store_url) as store:
        register(Registry(store), tmp_path)
    (tmp_path / "event.json").write_text('{"id": 7}')
    done = sfn("invoke", "echo:live", "--payload", "@event.json", "--log-type", "Tail",
               "--store", store_url, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["StatusCode"] == 200 and answer["ExecutedVersion"] == "1"
    assert answer["Payload"] == {"event": {"id": 7}, "version": "1", "tag": "v1"}
    log = base64.b64decode(answer["LogResult"]).decode()
    assert log.startswith("init echo") and "START RequestId:" in log and "Version: 1" in log
    assert "event {'id': 7}" in log and "Init Duration:" in log and log in done.stderr
    failed = sfn("invoke", "rejecter", "--payload", '{"id": 8}', "--store", store_url,
                 cwd=tmp_path)
    assert failed.returncode == 1
    shown = json.loads(failed.stdout)
    assert shown["FunctionError"] == "Unhandled"
    assert shown["Payload"]["errorType"] == "OrderRejected"
    missing = sfn("invoke", "nope", "--store", store_url, cwd=tmp_path)
    assert missing.returncode == 1 and "ResourceNotFoundException" in missing.stderr


def check_output(output: dict[str, Any]) -> None:
    assert output["direct"] == {"event": {"id": 1}, "version": "1", "tag": "v1"}
    assert output["sdk"] == {"version": "1", "tag": "v1"}
    assert output["local"] == {"local": True}
    assert output["caught"]["Error"] == "OrderRejected"


def local_function(tmp: Path) -> str:
    (tmp / "local.py").write_text("def local_fn(event, context):\n    return {'local': True}\n")
    return f"local_fn={tmp / 'local.py'}:local_fn"


def test_embedded_run_invokes_registered_functions(tmp_path: Path) -> None:
    with open_function_store(str(tmp_path / ".sfn" / "functions.db")) as store:
        register(Registry(store), tmp_path)      # the default store `sfn run` looks in
    (tmp_path / "m.asl.json").write_text(json.dumps(MACHINE))
    done = sfn("run", "m.asl.json", "--input", '{"id": 1}', "--function",
               local_function(tmp_path), "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    check_output(json.loads(done.stdout)["output"])


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed")
def test_celery_workers_invoke_registered_functions(tmp_path: Path) -> None:
    from celery_support import RedisServer, Stack
    server = RedisServer(tmp_path).start()
    stack = Stack(tmp_path, server.url(0), virtual=False, workers=1)
    store = RedisFunctionStore(server.url(0))
    try:
        register(Registry(store), tmp_path)
        stack.start()
        runner = stack.runner()
        arn = runner.start(MACHINE, {"id": 1}, functions={"local_fn": local_function(tmp_path)
                                                          .split("=", 1)[1]})
        execution = runner.wait(arn, timeout=60)
        assert execution.status == "SUCCEEDED", (execution.error, execution.cause)
        check_output(execution.output)
        logged = [r for r in store.execution_invocations(arn)]
        assert {(r.function, r.state) for r in logged} == {
            ("echo", "Direct"), ("echo", "ViaSdk"), ("rejecter", "Fails")}
    finally:
        stack.stop()
        store.close()
        server.stop()

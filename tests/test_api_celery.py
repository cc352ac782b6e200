"""``sfn server`` with ``SFN_BROKER_URL`` set: executions run on real Celery workers (a
private redis-server, one worker process, the timer service) and the API reads the
distributed store."""
from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any, Iterator

import pytest

from api_support import PASS, ROLE, Server, definition, running_server, wait_status

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None,
                                reason="redis-server is not installed")
WAIT = definition({"W": {"Type": "Wait", "Seconds": 30, "End": True}})


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    from celery_support import RedisServer, Stack
    tmp: Path = tmp_path_factory.mktemp("api-celery")
    redis_server = RedisServer(tmp).start()
    stack = Stack(tmp, redis_server.url(0), virtual=False, workers=1)
    try:
        stack.start()
        env = {k: stack.env[k] for k in ("SFN_BROKER_URL", "SFN_STORE_URL")}
        with running_server(tmp, env=env) as srv:
            yield srv
    finally:
        stack.stop()
        redis_server.stop()


def test_executions_on_the_workers(server: Server) -> None:
    sfn = server.client()
    machine = sfn.create_state_machine(name="distributed", definition=PASS,
                                       roleArn=ROLE)["stateMachineArn"]
    arn = sfn.start_execution(stateMachineArn=machine, name="d1",
                              input='{"n": 1}')["executionArn"]
    done = wait_status(sfn, arn, timeout=30)
    assert (done["status"], json.loads(done["output"])) == \
        ("SUCCEEDED", {"n": 1, "a": {"ok": True}})
    events = sfn.get_execution_history(executionArn=arn)["events"]
    assert events[0]["type"] == "ExecutionStarted" and events[-1]["type"] == "ExecutionSucceeded"
    listed = sfn.list_executions(stateMachineArn=machine)["executions"]
    assert [e["executionArn"] for e in listed] == [arn]


def test_stop_and_sync_on_the_workers(server: Server) -> None:
    sfn = server.client()
    machine = sfn.create_state_machine(name="waiting", definition=WAIT,
                                       roleArn=ROLE)["stateMachineArn"]
    arn = sfn.start_execution(stateMachineArn=machine)["executionArn"]
    sfn.stop_execution(executionArn=arn, error="Halt")
    stopped = wait_status(sfn, arn, timeout=30)
    assert (stopped["status"], stopped["error"]) == ("ABORTED", "Halt")
    express = sfn.create_state_machine(name="fast", definition=PASS, roleArn=ROLE,
                                       type="EXPRESS")["stateMachineArn"]
    result: dict[str, Any] = sfn.start_sync_execution(stateMachineArn=express, input="{}")
    assert result["status"] == "SUCCEEDED"
    assert json.loads(result["output"]) == {"a": {"ok": True}}

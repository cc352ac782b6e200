"""``sfn server`` with ``SFN_BROKER_URL`` set: executions run on real Celery workers (a
private redis-server, one worker process, the timer service) and the API reads the
distributed store."""
from __future__ import annotations

import json
import shutil
import time
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


ACTIVITY_EVENTS = ["ExecutionStarted", "TaskStateEntered", "ActivityScheduled",
                   "ActivityStarted", "ActivitySucceeded", "TaskStateExited",
                   "ExecutionSucceeded"]


def _activity_machine(sfn: Any, name: str, activity: str, **task: Any) -> str:
    text = definition({"Work": {"Type": "Task", "Resource": activity, "End": True, **task}})
    return sfn.create_state_machine(name=name, definition=text,
                                    roleArn=ROLE)["stateMachineArn"]


def test_activity_worker_loop_on_the_workers(server: Server) -> None:
    """Tasks parked by the workers wait in Redis; a boto3 worker polls, works, reports."""
    sfn = server.client()
    activity = sfn.create_activity(name="triple")["activityArn"]
    machine = _activity_machine(sfn, "celery-activity", activity)
    executions = [sfn.start_execution(stateMachineArn=machine, input=json.dumps({"n": n}))
                  ["executionArn"] for n in (1, 2)]
    done, deadline = 0, time.monotonic() + 30
    while done < len(executions) and time.monotonic() < deadline:
        task = sfn.get_activity_task(activityArn=activity, workerName="celery-w")
        if task.get("taskToken"):           # else the workers have not parked it yet
            value = json.loads(task["input"])["n"]
            sfn.send_task_success(taskToken=task["taskToken"], output=json.dumps(value * 3))
            done += 1
    assert sorted(json.loads(wait_status(sfn, arn, timeout=30)["output"])
                  for arn in executions) == [3, 6]
    for arn in executions:
        history = sfn.get_execution_history(executionArn=arn)["events"]
        assert [e["type"] for e in history] == ACTIVITY_EVENTS
        started = history[ACTIVITY_EVENTS.index("ActivityStarted")]
        assert started["activityStartedEventDetails"] == {"workerName": "celery-w"}
    assert not sfn.get_activity_task(activityArn=activity).get("taskToken")


def test_activity_long_poll_heartbeat_and_failure_on_the_workers(server: Server) -> None:
    import threading
    sfn = server.client()
    activity = sfn.create_activity(name="slow")["activityArn"]
    machine = _activity_machine(sfn, "celery-slow", activity, HeartbeatSeconds=30)
    got: dict[str, Any] = {}
    poller = threading.Thread(target=lambda: got.update(
        sfn.get_activity_task(activityArn=activity)))
    poller.start()
    arn = sfn.start_execution(stateMachineArn=machine, input='{"v": 1}')["executionArn"]
    poller.join(20)
    assert json.loads(got["input"]) == {"v": 1}
    sfn.send_task_heartbeat(taskToken=got["taskToken"])
    sfn.send_task_failure(taskToken=got["taskToken"], error="Worker.Error", cause="disk")
    failed = wait_status(sfn, arn, timeout=30)
    assert (failed["status"], failed["error"], failed["cause"]) == \
        ("FAILED", "Worker.Error", "disk")
    types = [e["type"] for e in sfn.get_execution_history(executionArn=arn)["events"]]
    assert types[2:5] == ["ActivityScheduled", "ActivityStarted", "ActivityFailed"]


def test_missing_activity_fails_the_task_on_the_workers(server: Server) -> None:
    sfn = server.client()
    ghost = "arn:aws:states:us-east-1:000000000000:activity:ghost"
    machine = _activity_machine(sfn, "celery-ghost", ghost)
    arn = sfn.start_execution(stateMachineArn=machine)["executionArn"]
    failed = wait_status(sfn, arn, timeout=30)
    assert (failed["status"], failed["error"]) == ("FAILED", "States.Runtime")

"""``sfn server``: activity workers (CreateActivity … GetActivityTask → SendTaskSuccess /
SendTaskFailure / SendTaskHeartbeat) and callbacks with a task token, through boto3."""
from __future__ import annotations

import json
import threading
import time
from typing import Any, Iterator

import pytest
from botocore.exceptions import ClientError

from api_support import ROLE, Server, definition, error_code, running_server, wait_status

CALLBACK = definition({"Notify": {
    "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
    "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}},
    "End": True}})


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running_server(tmp_path_factory.mktemp("api-tasks")) as srv:
        yield srv


@pytest.fixture(scope="module")
def sfn(server: Server) -> Any:
    return server.client()


def _activity_machine(sfn: Any, name: str, activity: str, heartbeat: int | None = None) -> str:
    task: dict[str, Any] = {"Type": "Task", "Resource": activity, "End": True}
    if heartbeat:
        task["HeartbeatSeconds"] = heartbeat
    return sfn.create_state_machine(name=name, definition=definition({"Work": task}),
                                    roleArn=ROLE)["stateMachineArn"]


def test_activity_lifecycle(sfn: Any) -> None:
    created = sfn.create_activity(name="resize", tags=[{"key": "k", "value": "v"}])
    arn = created["activityArn"]
    assert arn == "arn:aws:states:us-east-1:000000000000:activity:resize"
    assert sfn.create_activity(name="resize")["activityArn"] == arn      # idempotent
    assert sfn.describe_activity(activityArn=arn)["name"] == "resize"
    assert arn in [a["activityArn"] for a in sfn.list_activities()["activities"]]
    assert sfn.list_tags_for_resource(resourceArn=arn)["tags"] == [{"key": "k", "value": "v"}]
    sfn.delete_activity(activityArn=arn)
    with pytest.raises(ClientError) as exc:
        sfn.describe_activity(activityArn=arn)
    assert error_code(exc) == "ActivityDoesNotExist"
    with pytest.raises(ClientError) as exc:
        sfn.get_activity_task(activityArn=arn)
    assert error_code(exc) == "ActivityDoesNotExist"


def test_activity_worker_loop(sfn: Any) -> None:
    activity = sfn.create_activity(name="double")["activityArn"]
    machine = _activity_machine(sfn, "uses-activity", activity)
    executions = [sfn.start_execution(stateMachineArn=machine, input=json.dumps({"n": n}))
                  ["executionArn"] for n in (1, 2, 3)]
    done = 0
    while done < 3:                                   # a worker: poll, work, report
        task = sfn.get_activity_task(activityArn=activity, workerName="w1")
        assert task.get("taskToken"), "a task was queued"
        value = json.loads(task["input"])
        sfn.send_task_success(taskToken=task["taskToken"],
                              output=json.dumps({"n": value["n"] * 2}))
        done += 1
    outputs = sorted(json.loads(wait_status(sfn, arn)["output"])["n"] for arn in executions)
    assert outputs == [2, 4, 6]
    history = sfn.get_execution_history(executionArn=executions[0])["events"]
    scheduled = next(e for e in history if e["type"] == "ActivityScheduled")
    assert scheduled["activityScheduledEventDetails"]["resource"] == activity
    assert [e["type"] for e in history if e["type"].startswith("Activity")] == \
        ["ActivityScheduled", "ActivityStarted", "ActivitySucceeded"]
    started = next(e for e in history if e["type"] == "ActivityStarted")
    assert started["activityStartedEventDetails"] == {"workerName": "w1"}
    started = time.monotonic()
    assert not sfn.get_activity_task(activityArn=activity).get("taskToken")
    assert 0.8 < time.monotonic() - started < 10       # the server's poll time (1 s here)


def test_activity_failure_and_heartbeat(sfn: Any) -> None:
    activity = sfn.create_activity(name="flaky")["activityArn"]
    machine = _activity_machine(sfn, "flaky-machine", activity, heartbeat=30)
    execution = sfn.start_execution(stateMachineArn=machine)["executionArn"]
    task = sfn.get_activity_task(activityArn=activity)
    sfn.send_task_heartbeat(taskToken=task["taskToken"])
    sfn.send_task_failure(taskToken=task["taskToken"], error="Worker.Error", cause="disk full")
    failed = wait_status(sfn, execution)
    assert (failed["status"], failed["error"], failed["cause"]) == \
        ("FAILED", "Worker.Error", "disk full")
    with pytest.raises(ClientError) as exc:
        sfn.send_task_success(taskToken=task["taskToken"], output="{}")
    assert error_code(exc) in ("TaskDoesNotExist", "TaskTimedOut")


def test_waiting_long_poll_gets_a_task_started_later(sfn: Any) -> None:
    activity = sfn.create_activity(name="later")["activityArn"]
    machine = _activity_machine(sfn, "later-machine", activity)
    got: dict[str, Any] = {}
    poller = threading.Thread(target=lambda: got.update(
        sfn.get_activity_task(activityArn=activity)))
    poller.start()
    time.sleep(0.2)
    execution = sfn.start_execution(stateMachineArn=machine, input='{"v": 1}')["executionArn"]
    poller.join(10)
    assert json.loads(got["input"]) == {"v": 1}
    sfn.send_task_success(taskToken=got["taskToken"], output='"done"')
    assert wait_status(sfn, execution)["output"] == '"done"'


def test_callback_with_task_token(sfn: Any) -> None:
    machine = sfn.create_state_machine(name="callback", definition=CALLBACK,
                                       roleArn=ROLE)["stateMachineArn"]
    execution = sfn.start_execution(stateMachineArn=machine)["executionArn"]
    token = None
    deadline = time.monotonic() + 10
    while token is None and time.monotonic() < deadline:
        for event in sfn.get_execution_history(executionArn=execution)["events"]:
            if event["type"] == "TaskScheduled":
                details = event["taskScheduledEventDetails"]
                assert details["resource"] == "sendMessage.waitForTaskToken"
                token = json.loads(details["parameters"])["MessageBody"]["token"]
        time.sleep(0.02)
    assert token
    sfn.send_task_success(taskToken=token, output='{"approved": true}')
    done = wait_status(sfn, execution)
    assert (done["status"], json.loads(done["output"])) == ("SUCCEEDED", {"approved": True})


def test_task_token_errors(sfn: Any) -> None:
    with pytest.raises(ClientError) as exc:
        sfn.send_task_success(taskToken="0" * 64, output="{}")
    assert error_code(exc) == "TaskDoesNotExist"
    with pytest.raises(ClientError) as exc:
        sfn.send_task_heartbeat(taskToken="not a token!")
    assert error_code(exc) == "InvalidToken"
    with pytest.raises(ClientError) as exc:
        sfn.send_task_success(taskToken="0" * 64, output="{not json")
    assert error_code(exc) == "InvalidOutput"

"""``sfn server``: RedriveExecution resumes a failed execution at its failed state."""
from __future__ import annotations

import json
import time
from typing import Any, Iterator

import pytest
from botocore.exceptions import ClientError

from api_support import PASS, ROLE, Server, definition, error_code, running_server, wait_status

MACHINE = definition({
    "Prepare": {"Type": "Pass", "Result": 1, "ResultPath": "$.prepared", "Next": "Ask"},
    "Ask": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "Parameters": {"token.$": "$$.Task.Token", "count.$": "$$.Execution.RedriveCount"},
            "End": True}})


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running_server(tmp_path_factory.mktemp("api-redrive")) as srv:
        yield srv


def _next_token(sfn: Any, arn: str, seen: set[str]) -> dict[str, Any]:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for event in sfn.get_execution_history(executionArn=arn)["events"]:
            if event["type"] == "TaskScheduled":
                params = json.loads(event["taskScheduledEventDetails"]["parameters"])
                if params["token"] not in seen:
                    seen.add(params["token"])
                    return params
        time.sleep(0.02)
    raise AssertionError("no new task token")


def test_redrive_resumes_at_the_failed_state(server: Server) -> None:
    sfn = server.client()
    machine = sfn.create_state_machine(name="redrive", definition=MACHINE,
                                       roleArn=ROLE)["stateMachineArn"]
    arn = sfn.start_execution(stateMachineArn=machine, input='{"x": 1}')["executionArn"]
    seen: set[str] = set()
    first = _next_token(sfn, arn, seen)
    assert first["count"] == 0
    sfn.send_task_failure(taskToken=first["token"], error="Nope", cause="rejected")
    assert wait_status(sfn, arn)["status"] == "FAILED"
    redriven = sfn.redrive_execution(executionArn=arn, clientToken="once")
    again = sfn.redrive_execution(executionArn=arn, clientToken="once")   # idempotent
    assert again["redriveDate"] == redriven["redriveDate"]
    second = _next_token(sfn, arn, seen)
    assert second["count"] == 1                                  # $$.Execution.RedriveCount
    sfn.send_task_success(taskToken=second["token"], output='{"ok": true}')
    done = wait_status(sfn, arn)
    assert (done["status"], done["redriveCount"], json.loads(done["output"])) == \
        ("SUCCEEDED", 1, {"ok": True})
    assert done["redriveDate"] == redriven["redriveDate"]
    events = sfn.get_execution_history(executionArn=arn, maxResults=1000)["events"]
    types = [e["type"] for e in events]
    assert types.count("PassStateEntered") == 1                 # succeeded steps not re-run
    redrive = events[types.index("ExecutionRedriven")]
    assert redrive["executionRedrivenEventDetails"] == {"redriveCount": 1}
    assert redrive["previousEventId"] == types.index("ExecutionFailed") + 1
    assert [e["id"] for e in events] == list(range(1, len(events) + 1))
    with pytest.raises(ClientError) as exc:
        sfn.redrive_execution(executionArn=arn)
    assert error_code(exc) == "ExecutionNotRedrivable"


def test_redrive_errors(server: Server) -> None:
    sfn = server.client()
    machine = sfn.create_state_machine(name="ok", definition=PASS,
                                       roleArn=ROLE)["stateMachineArn"]
    arn = sfn.start_execution(stateMachineArn=machine)["executionArn"]
    wait_status(sfn, arn)
    with pytest.raises(ClientError) as exc:
        sfn.redrive_execution(executionArn=arn)
    assert error_code(exc) == "ExecutionNotRedrivable"
    with pytest.raises(ClientError) as exc:
        sfn.redrive_execution(executionArn=arn + "-none")
    assert error_code(exc) == "ExecutionDoesNotExist"

"""``sfn server``: executions through boto3: start (name idempotency), describe, list with
status filter and pagination over 250 executions, history, stop, StartSyncExecution."""
from __future__ import annotations

import json
from typing import Any, Iterator

import pytest
from botocore.exceptions import ClientError

from api_support import PASS, ROLE, Server, definition, error_code, running_server, wait_status

WAIT = definition({"W": {"Type": "Wait", "Seconds": 30, "End": True}})
FAIL = definition({"F": {"Type": "Fail", "Error": "Boom", "Cause": "it broke"}})
MAP = definition({"M": {"Type": "Map", "ItemsPath": "$.items", "End": True,
                        "ItemProcessor": {"StartAt": "P", "States": {
                            "P": {"Type": "Pass", "End": True}}}}})


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running_server(tmp_path_factory.mktemp("api-executions")) as srv:
        yield srv


@pytest.fixture(scope="module")
def sfn(server: Server) -> Any:
    return server.client()


def _machine(sfn: Any, name: str, text: str, type_: str = "STANDARD") -> str:
    return sfn.create_state_machine(name=name, definition=text, roleArn=ROLE,
                                    type=type_)["stateMachineArn"]


def test_start_describe_and_history(sfn: Any) -> None:
    arn = _machine(sfn, "passes", PASS)
    started = sfn.start_execution(stateMachineArn=arn, name="run-1", input='{"n": 1}')
    assert started["executionArn"] == \
        "arn:aws:states:us-east-1:000000000000:execution:passes:run-1"
    done = wait_status(sfn, started["executionArn"])
    assert done["status"] == "SUCCEEDED"
    assert json.loads(done["output"]) == {"n": 1, "a": {"ok": True}}
    assert done["stateMachineArn"] == arn and done["stopDate"] >= done["startDate"]
    events = sfn.get_execution_history(executionArn=started["executionArn"])["events"]
    assert [e["type"] for e in events] == [
        "ExecutionStarted", "PassStateEntered", "PassStateExited", "PassStateEntered",
        "PassStateExited", "SucceedStateEntered", "SucceedStateExited", "ExecutionSucceeded"]
    assert [e["id"] for e in events] == list(range(1, 9))
    assert events[1]["stateEnteredEventDetails"] == {
        "name": "A", "input": '{"n":1}', "inputDetails": {"truncated": False}}
    assert events[0]["executionStartedEventDetails"]["roleArn"] == ROLE
    reverse = sfn.get_execution_history(executionArn=started["executionArn"],
                                        reverseOrder=True, maxResults=3)
    assert [e["id"] for e in reverse["events"]] == [8, 7, 6]
    rest = sfn.get_execution_history(executionArn=started["executionArn"], reverseOrder=True,
                                     nextToken=reverse["nextToken"])
    assert [e["id"] for e in rest["events"]] == [5, 4, 3, 2, 1]
    bare = sfn.get_execution_history(executionArn=started["executionArn"],
                                     includeExecutionData=False)["events"]
    assert bare[1]["stateEnteredEventDetails"] == {"name": "A"}
    machine = sfn.describe_state_machine_for_execution(executionArn=started["executionArn"])
    assert machine["definition"] == PASS and machine["stateMachineArn"] == arn


def test_map_history_shapes(sfn: Any) -> None:
    arn = _machine(sfn, "mapper", MAP)
    execution = sfn.start_execution(stateMachineArn=arn, input='{"items": [1, 2]}')
    assert wait_status(sfn, execution["executionArn"])["status"] == "SUCCEEDED"
    events = sfn.get_execution_history(executionArn=execution["executionArn"])["events"]
    started = next(e for e in events if e["type"] == "MapStateStarted")
    assert started["mapStateStartedEventDetails"] == {"length": 2}
    iteration = next(e for e in events if e["type"] == "MapIterationStarted")
    assert iteration["mapIterationStartedEventDetails"] == {"name": "M", "index": 0}


def test_failed_execution_and_errors(sfn: Any) -> None:
    arn = _machine(sfn, "fails", FAIL)
    execution = sfn.start_execution(stateMachineArn=arn)
    failed = wait_status(sfn, execution["executionArn"])
    assert (failed["status"], failed["error"], failed["cause"]) == ("FAILED", "Boom", "it broke")
    assert "output" not in failed and failed["redriveStatus"] == "REDRIVABLE"
    with pytest.raises(ClientError) as exc:
        sfn.start_execution(stateMachineArn=arn, input="{oops")
    assert error_code(exc) == "InvalidExecutionInput"
    with pytest.raises(ClientError) as exc:
        sfn.start_execution(stateMachineArn=arn + "-none")
    assert error_code(exc) == "StateMachineDoesNotExist"
    with pytest.raises(ClientError) as exc:
        sfn.describe_execution(executionArn=execution["executionArn"] + "x")
    assert error_code(exc) == "ExecutionDoesNotExist"
    with pytest.raises(ClientError) as exc:
        sfn.get_execution_history(executionArn=execution["executionArn"] + "x")
    assert error_code(exc) == "ExecutionDoesNotExist"
    with pytest.raises(ClientError) as exc:
        sfn.start_execution(stateMachineArn=arn, name="bad name")
    assert error_code(exc) == "InvalidName"


def test_name_idempotency_and_stop(sfn: Any) -> None:
    arn = _machine(sfn, "waits", WAIT)
    first = sfn.start_execution(stateMachineArn=arn, name="once", input='{"a": 1}')
    again = sfn.start_execution(stateMachineArn=arn, name="once", input='{"a": 1}')
    assert again["executionArn"] == first["executionArn"]
    assert again["startDate"] == first["startDate"]
    with pytest.raises(ClientError) as exc:
        sfn.start_execution(stateMachineArn=arn, name="once", input='{"a": 2}')
    assert error_code(exc) == "ExecutionAlreadyExists"
    assert sfn.describe_execution(executionArn=first["executionArn"])["status"] == "RUNNING"
    sfn.stop_execution(executionArn=first["executionArn"], error="Halt", cause="test")
    stopped = wait_status(sfn, first["executionArn"])
    assert (stopped["status"], stopped["error"], stopped["cause"]) == ("ABORTED", "Halt", "test")
    events = sfn.get_execution_history(executionArn=first["executionArn"])["events"]
    assert events[-1]["type"] == "ExecutionAborted"
    assert events[-1]["executionAbortedEventDetails"] == {"error": "Halt", "cause": "test"}
    with pytest.raises(ClientError) as exc:          # a closed execution's name stays taken
        sfn.start_execution(stateMachineArn=arn, name="once", input='{"a": 1}')
    assert error_code(exc) == "ExecutionAlreadyExists"


def test_list_executions_pages_over_250(sfn: Any) -> None:
    arn = _machine(sfn, "many", PASS)
    started = {sfn.start_execution(stateMachineArn=arn, name=f"e{i:03}")["executionArn"]
               for i in range(250)}
    for execution in list(started)[-3:]:
        wait_status(sfn, execution)
    seen, token, pages = [], None, 0
    while True:
        kwargs = {"nextToken": token} if token else {}
        page = sfn.list_executions(stateMachineArn=arn, maxResults=100, **kwargs)
        pages += 1
        seen += [e["executionArn"] for e in page["executions"]]
        token = page.get("nextToken")
        if not token:
            break
    assert pages == 3 and len(seen) == 250 and set(seen) == started
    paginator = sfn.get_paginator("list_executions")
    assert sum(len(p["executions"]) for p in paginator.paginate(stateMachineArn=arn)) == 250
    wait_status(sfn, seen[-1])
    succeeded = sfn.list_executions(stateMachineArn=arn, statusFilter="SUCCEEDED",
                                    maxResults=1000)["executions"]
    assert all(e["status"] == "SUCCEEDED" for e in succeeded)
    assert sfn.list_executions(stateMachineArn=arn, statusFilter="FAILED")["executions"] == []
    with pytest.raises(ClientError) as exc:
        sfn.list_executions(stateMachineArn=arn, nextToken="not-a-token")
    assert error_code(exc) == "InvalidToken"


def test_start_sync_execution(sfn: Any) -> None:
    arn = _machine(sfn, "express", PASS, "EXPRESS")
    result = sfn.start_sync_execution(stateMachineArn=arn, input='{"x": 2}')
    assert result["status"] == "SUCCEEDED"
    assert json.loads(result["output"]) == {"x": 2, "a": {"ok": True}}
    assert ":express:express:" in result["executionArn"]
    assert result["billingDetails"]["billedDurationInMilliseconds"] >= 100
    failing = _machine(sfn, "express-fails", FAIL, "EXPRESS")
    result = sfn.start_sync_execution(stateMachineArn=failing)
    assert (result["status"], result["error"], result["cause"]) == ("FAILED", "Boom", "it broke")
    standard = _machine(sfn, "not-express", PASS)
    with pytest.raises(ClientError) as exc:
        sfn.start_sync_execution(stateMachineArn=standard)
    assert error_code(exc) == "StateMachineTypeNotSupported"
    with pytest.raises(ClientError) as exc:
        sfn.list_executions(stateMachineArn=arn)
    assert error_code(exc) == "StateMachineTypeNotSupported"

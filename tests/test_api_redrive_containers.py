"""RedriveExecution of a failed Map / Parallel (asl-inventory §13.4): the children that
succeeded keep their result, only the failed ones run again, on both runners (the embedded
server and the server over real Celery workers)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any, Iterator

import pytest

from api_support import REPO, ROLE, definition, running_server, wait_status

FUNCTIONS = str(REPO / "tests" / "functions" / "redrive_fns.py")
WORK = {"Type": "Task", "Resource": "flaky", "End": True}
MAP = definition({"Each": {
    "Type": "Map", "ItemsPath": "$.items", "End": True,
    "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "Work", "States": {
        "Work": {**WORK, "Parameters": {
            "value.$": "$", "fail": [3], "redrive.$": "$$.Execution.RedriveCount"}}}}}})


def _branch(value: int) -> dict[str, Any]:
    params = {"value": value, "fail": [2], "redrive.$": "$$.Execution.RedriveCount"}
    name = f"Work{value}"
    return {"StartAt": name, "States": {name: {**WORK, "Parameters": params}}}


PARALLEL = definition({"All": {"Type": "Parallel", "End": True,
                               "Branches": [_branch(1), _branch(2), _branch(3)]}})


@pytest.fixture(scope="module", params=["embedded", "celery"])
def sfn(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    tmp: Path = tmp_path_factory.mktemp(f"redrive-{request.param}")
    if request.param == "embedded":
        with running_server(tmp, "--functions", FUNCTIONS) as srv:
            yield srv.client()
        return
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    from celery_support import RedisServer, Stack
    redis_server = RedisServer(tmp).start()
    stack = Stack(tmp, redis_server.url(0), virtual=False, workers=1, concurrency=4)
    try:
        stack.start()
        env = {k: stack.env[k] for k in ("SFN_BROKER_URL", "SFN_STORE_URL")}
        with running_server(tmp, "--functions", FUNCTIONS, env=env) as srv:
            yield srv.client()
    finally:
        stack.stop()
        redis_server.stop()


def _fail_then_redrive(sfn: Any, name: str, text: str, data: Any,
                       output: list[int]) -> list[dict[str, Any]]:
    """Run to FAILED, redrive to SUCCEEDED with ``output``; the events from ExecutionRedriven."""
    machine = sfn.create_state_machine(name=name, definition=text,
                                       roleArn=ROLE)["stateMachineArn"]
    arn = sfn.start_execution(stateMachineArn=machine, input=json.dumps(data))["executionArn"]
    assert wait_status(sfn, arn, timeout=30)["status"] == "FAILED"
    sfn.redrive_execution(executionArn=arn)
    done = wait_status(sfn, arn, timeout=30)
    assert (done["status"], done["redriveCount"]) == ("SUCCEEDED", 1), done
    assert json.loads(done["output"]) == output
    events = sfn.get_execution_history(executionArn=arn, maxResults=1000)["events"]
    assert [e["id"] for e in events] == list(range(1, len(events) + 1))
    types = [e["type"] for e in events]
    return events[types.index("ExecutionRedriven"):]


def test_map_redrive_reruns_only_the_failed_iteration(sfn: Any) -> None:
    after = _fail_then_redrive(sfn, "redrive-map", MAP, {"items": [1, 2, 3, 4, 5]},
                               [10, 20, 30, 40, 50])
    started = [e for e in after if e["type"] == "MapIterationStarted"]
    assert [e["mapIterationStartedEventDetails"]["index"] for e in started] == [2]
    assert [e["type"] for e in after].count("TaskStateEntered") == 1
    assert [e["type"] for e in after][-1] == "ExecutionSucceeded"


def test_parallel_redrive_reruns_only_the_failed_branch(sfn: Any) -> None:
    after = _fail_then_redrive(sfn, "redrive-parallel", PARALLEL, {}, [10, 20, 30])
    types = [e["type"] for e in after]
    entered = [e["stateEnteredEventDetails"]["name"] for e in after
               if e["type"] == "TaskStateEntered"]
    assert entered == ["Work2"]
    assert "ParallelStateSucceeded" in types and types[-1] == "ExecutionSucceeded"

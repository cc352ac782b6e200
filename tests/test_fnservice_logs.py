"""Functions service, stages 7 and 8: each invocation's log framed as Lambda frames it and
stored; `sfn functions logs [--follow | --execution]`; `sfn functions stats`; `sfn cost`."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Iterator

import pytest
from click.testing import CliRunner
from fnservice_helpers import tree

import workflow
from conftest import REPO
from workflow.cli import cli
from workflow.functions.invoke import InvocationRequest
from workflow.functions.service import Registry, ServiceInvoker, open_function_store
from workflow.functions.service.metering import DEFAULT_PRICES, percentile
from workflow.runner import start_execution
from workflow.runner.tasks import task_handler
from workflow.store import SqliteStore

CODE = {"app.py": """
    import logging
    print("loading")
    def handler(event, context):
        print("line one")
        logging.getLogger().info("logged %s", event.get("n"))
        if event.get("fail"):
            raise RuntimeError("nope")
        return event.get("n")
"""}
REPORT = re.compile(r"^REPORT RequestId: (\S+)\tDuration: \d+\.\d\d ms\tBilled Duration: (\d+) ms\t"
                    r"Memory Size: 256 MB\tMax Memory Used: \d+ MB(\tInit Duration: \d+\.\d\d ms)?$")


@pytest.fixture
def service(tmp_path: Path) -> Iterator[tuple[Any, ServiceInvoker, list[str]]]:
    store = open_function_store(str(tmp_path / "functions.db"))
    Registry(store).create("logger", tree(tmp_path / "src", CODE), handler="app.handler",
                           runtime="python3.11", memory_mb=256)
    invoker = ServiceInvoker(store, cache_dir=tmp_path / "cache")
    yield store, invoker, ["--store", f"sqlite:///{tmp_path / 'functions.db'}"]
    invoker.close()
    store.close()


def test_invocations_are_framed_and_stored(service) -> None:
    store, invoker, options = service
    first = invoker.invoke(InvocationRequest("logger", {"n": 1}))
    second = invoker.invoke(InvocationRequest("logger", {"n": 2}))
    assert first.logs[0] == "loading"                        # init output precedes START
    assert first.logs[1] == f"START RequestId: {first.request_id} Version: $LATEST"
    assert first.logs[2] == "line one"
    assert re.match(rf"\[INFO\]\t\S+Z\t{first.request_id}\tlogged 1$", first.logs[3])
    assert first.logs[4] == f"END RequestId: {first.request_id}"
    cold, warm = REPORT.match(first.logs[5]), REPORT.match(second.logs[-1])
    assert cold and cold.group(3) and warm and not warm.group(3)
    assert "loading" not in second.logs
    stored = store.invocations("logger")
    assert [r.request_id for r in stored] == [first.request_id, second.request_id]
    assert stored[0].log.splitlines() == first.logs
    shown = CliRunner().invoke(cli, ["functions", "logs", "logger", *options])
    assert shown.exit_code == 0
    assert shown.output.count("START RequestId:") == 2 and "logged 2" in shown.output


def test_logs_follow_prints_new_invocations(service, tmp_path: Path) -> None:
    _, invoker, options = service
    env = {k: v for k, v in os.environ.items() if k != "SFN_BROKER_URL"}
    follower = subprocess.Popen([sys.executable, "-m", "workflow.cli", "functions", "logs",
                                 "logger", "--follow", *options], cwd=tmp_path, text=True,
                                env=dict(env, PYTHONPATH=str(REPO)), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, start_new_session=True)
    try:
        time.sleep(1.0)                          # let it print the (empty) backlog first
        result = invoker.invoke(InvocationRequest("logger", {"n": 3}))
        deadline, seen = time.monotonic() + 20, []
        while time.monotonic() < deadline:
            line = follower.stdout.readline()
            seen.append(line)
            if line.startswith(f"END RequestId: {result.request_id}"):
                break
        assert f"START RequestId: {result.request_id} Version: $LATEST\n" in seen
        assert "line one\n" in seen
    finally:
        follower.kill()
        follower.wait(10)


def run_execution(invoker: ServiceInvoker, tmp_path: Path) -> Any:
    machine = workflow.load({"StartAt": "One", "States": {
        "One": {"Type": "Task", "Resource": "logger", "Parameters": {"n": 1},
                "ResultPath": "$.one", "Next": "Two"},
        "Two": {"Type": "Task", "Resource": "logger", "Parameters": {"fail": True},
                "Retry": [{"ErrorEquals": ["RuntimeError"], "MaxAttempts": 1,
                           "IntervalSeconds": 1}],
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "End"}], "End": True},
        "End": {"Type": "Pass", "End": True}}})
    with SqliteStore(tmp_path / "sfn.db") as store:
        return start_execution(machine, {}, tasks=task_handler(invoker), store=store,
                               name="costly")


def test_logs_per_execution_state_stats_and_cost(service, tmp_path: Path) -> None:
    store, invoker, options = service
    execution = run_execution(invoker, tmp_path)
    assert execution.status == "SUCCEEDED"
    invoker.invoke(InvocationRequest("logger", {"n": 5}))
    runner = CliRunner()
    shown = runner.invoke(cli, ["functions", "logs", "--execution", execution.execution_arn,
                                *options])
    assert shown.output.count("== One -> logger:$LATEST") == 1
    assert shown.output.count("== Two -> logger:$LATEST") == 2      # the try and its retry
    stats = json.loads(runner.invoke(cli, ["functions", "stats", "logger", *options]).output)
    records = store.invocations("logger")
    assert (stats["Invocations"], stats["Errors"], stats["Throttles"]) == (4, 2, 0)
    durations = [r.duration_ms for r in records]
    assert stats["DurationP50Ms"] == round(percentile(durations, 0.5), 3) > 0
    assert stats["DurationP99Ms"] == round(max(durations), 3)
    assert stats["GBSeconds"] == pytest.approx(sum(r.billed_ms for r in records) / 1000 / 4)
    bill = json.loads(runner.invoke(cli, ["cost", "costly", "--json", "--db",
                                          str(tmp_path / "sfn.db"), *options]).output)
    assert bill["workflow"]["stateTransitions"] == 4          # One, Two, its retry, End
    mine = [r for r in records if r.execution == execution.execution_arn]
    assert bill["functions"]["requests"] == 3
    assert bill["functions"]["billedMs"] == sum(r.billed_ms for r in mine)
    expected = (4 * DEFAULT_PRICES["standard_per_transition"] + 3 * 0.2 / 1e6
                + sum(r.billed_ms for r in mine) / 1000 * 0.25 * 0.0000166667)
    assert bill["total"] == pytest.approx(expected)
    cheap = json.loads(runner.invoke(cli, [
        "cost", "costly", "--json", "--db", str(tmp_path / "sfn.db"),
        "--prices", '{"standard_per_transition": 0}', *options]).output)
    assert cheap["workflow"]["cost"] == 0
    text = runner.invoke(cli, ["cost", "costly", "--db", str(tmp_path / "sfn.db"), *options])
    assert "state transitions" in text.output and "2025-12-01" in text.output


def test_transitions_and_express_pricing() -> None:
    from types import SimpleNamespace

    from workflow.functions.service.metering import execution_cost, state_transitions
    from workflow.functions.service.records import InvocationRecord
    events = [{"type": t} for t in ("ExecutionStarted", "TaskStateEntered", "TaskScheduled",
                                    "TaskFailed", "TaskScheduled", "TaskSucceeded",
                                    "TaskStateExited", "MapStateEntered", "PassStateEntered",
                                    "PassStateEntered", "ExecutionSucceeded")]
    assert state_transitions(events) == 5          # four states entered and one retry
    express = SimpleNamespace(execution_arn="arn:x", type="EXPRESS", start_date=10.0,
                              stop_date=10.25)
    calls = [InvocationRecord("f", "r1", 0.0, billed_ms=3, memory_mb=1024),
             InvocationRecord("f", "r2", 0.0, throttled=True)]
    bill = execution_cost(express, [], calls)
    assert bill["workflow"]["gbSeconds"] == pytest.approx(0.3 * 64 / 1024)
    lambda_cost = 0.2e-6 + 0.003 * 0.0000166667
    assert bill["functions"] == {"requests": 1, "throttled": 1, "billedMs": 3,
                                 "gbSeconds": 0.003, "cost": pytest.approx(lambda_cost)}
    assert bill["total"] == pytest.approx(1e-6 + 0.3 * 64 / 1024 * 0.00001667 + lambda_cost)

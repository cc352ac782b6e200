"""The pure core's outside events for activities and redrive: ``TaskStarted`` (a worker took
an activity task) and ``Redrive`` (RedriveExecution), fed to ``advance`` directly."""
from __future__ import annotations

import itertools
import json
from typing import Any

import workflow
from workflow.interpreter import protocol as p
from workflow.interpreter.core import advance
from workflow.interpreter.run import RunState
from workflow.runner.clock import VirtualClock
from workflow.runner.redrive import kept_children, plan

ACTIVITY = "arn:aws:states:us-east-1:000000000000:activity:work"
IDS = itertools.count()


def _env(redrives: int = 0) -> p.Env:
    info = p.ExecutionInfo("arn:x", "x", "arn:sm", "sm", {}, "2024-01-01T00:00:00Z",
                           redrive_count=redrives)
    return p.Env(info, VirtualClock(), lambda: f"id{next(IDS)}")


def _machine(states: dict[str, Any]) -> Any:
    return workflow.load(json.dumps({"StartAt": next(iter(states)), "States": states}))


def _types(step: p.Step) -> list[str]:
    return [event["type"] for event in step.events]


def _timers(step: p.Step) -> list[str]:
    return [c.purpose for c in step.commands if isinstance(c, p.StartTimer)]


def test_activity_started_records_the_worker_and_starts_the_heartbeat_clock() -> None:
    machine = _machine({"Work": {"Type": "Task", "Resource": ACTIVITY, "HeartbeatSeconds": 5,
                                 "TimeoutSeconds": 60, "End": True}})
    env = _env()
    run, step = advance(machine, RunState("", ""), p.Start({}), env)
    assert _types(step)[-1] == "ActivityScheduled" and _timers(step) == ["timeout"]
    task = run.waiting.id                                      # type: ignore[union-attr]
    run, step = advance(machine, run, p.TaskStarted(task, "w1"), env)
    assert step.events[0]["type"] == "ActivityStarted"
    assert step.events[0]["workerName"] == "w1" and _timers(step) == ["heartbeat"]
    again, step = advance(machine, run, p.TaskStarted(task, "w2"), env)
    assert (step.events, step.commands) == ([], [])          # started once
    run, step = advance(machine, run, p.TaskSucceeded(task, 1), env)
    assert _types(step)[0] == "ActivitySucceeded" and run.status == "SUCCEEDED"


def test_task_started_means_nothing_to_other_task_families() -> None:
    machine = _machine({"Ask": {"Type": "Task", "HeartbeatSeconds": 5, "End": True,
                                "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken"}})
    env = _env()
    run, step = advance(machine, RunState("", ""), p.Start({}), env)
    assert _timers(step) == ["heartbeat"]                     # from the start, as before
    _, step = advance(machine, run, p.TaskStarted(run.waiting.id, "w"), env)  # type: ignore
    assert (step.events, step.commands) == ([], [])


def test_redrive_re_enters_the_failed_state_once() -> None:
    machine = _machine({"Work": {"Type": "Task", "Resource": ACTIVITY, "End": True}})
    run, _ = advance(machine, RunState("", ""), p.Start({"a": 1}), _env())
    run, _ = advance(machine, run, p.TaskFailed(run.waiting.id, "Boom"), _env())  # type: ignore
    assert run.status == "FAILED"
    env = _env(redrives=1)
    redriven, step = advance(machine, run, p.Redrive(1), env)
    assert _types(step)[:3] == ["ExecutionRedriven", "TaskStateEntered", "ActivityScheduled"]
    assert step.events[0]["redriveCount"] == 1 and step.events[1]["input"] == {"a": 1}
    assert redriven.status == "RUNNING" and redriven.redrive_count == 1
    failed, _ = advance(machine, redriven, p.TaskFailed(redriven.waiting.id, "Boom"), env)  # type: ignore
    _, step = advance(machine, failed, p.Redrive(1), env)    # a duplicate of the first
    assert step.events == [] and step.commands == []


MAP = {"Each": {"Type": "Map", "End": True, "ItemProcessor": {
    "ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "W",
    "States": {"W": {"Type": "Task", "Resource": ACTIVITY, "End": True}}}}}


def _failed_map() -> tuple[Any, RunState, str]:
    machine = _machine(MAP)
    run, step = advance(machine, RunState("", ""), p.Start([1, 2, 3, 4, 5]), _env())
    prefix = run.children
    assert prefix and len(step.commands[-1].children) == 5     # type: ignore[union-attr]
    run, _ = advance(machine, run, p.ChildrenDone(error="Boom", cause="c"), _env())
    assert (run.status, run.children) == ("FAILED", prefix)
    return machine, run, prefix


def test_map_redrive_starts_only_the_children_not_kept() -> None:
    machine, run, old = _failed_map()
    kept = [[0, "a"], [1, "b"], [3, "d"], [4, "e"]]
    run, step = advance(machine, run, p.Redrive(1, kept), _env(1))
    start = step.commands[-1]
    assert isinstance(start, p.StartChildren)
    assert [spec.index for spec in start.children] == [2] and start.kept == kept
    new = start.children[0].run_id.rpartition(".")[0]
    assert start.total == 5 and run.children.split() == [new, old]
    run, step = advance(machine, run, p.ChildrenDone(results=["a", "b", "c", "d", "e"]),
                        _env(1))
    assert run.status == "SUCCEEDED" and run.output == ["a", "b", "c", "d", "e"]


def test_map_redrive_with_every_child_kept_needs_no_children() -> None:
    machine, run, _ = _failed_map()
    kept = [[i, i * 10] for i in range(5)]
    run, step = advance(machine, run, p.Redrive(1, kept), _env(1))
    assert not any(isinstance(c, p.StartChildren) for c in step.commands)
    assert run.status == "SUCCEEDED" and run.output == [0, 10, 20, 30, 40]


class _Runs:
    """The two store reads the redrive plan makes."""

    def __init__(self, runs: list[RunState]) -> None:
        self.runs = {run.run_id: run for run in runs}

    def load_run(self, arn: str, run_id: str) -> tuple[RunState, int] | None:
        return (self.runs[run_id], 3) if run_id in self.runs else None

    def load_runs(self, arn: str) -> list[tuple[RunState, int]]:
        return [(run, 1) for run in self.runs.values()]


def _child(run_id: str, status: str, output: Any = None) -> RunState:
    return RunState(run_id, "/States/Each", kind="iteration", status=status, parent="",
                    index=int(run_id.rpartition(".")[2]), output=output)


def test_plan_keeps_each_childs_latest_success() -> None:
    top = RunState("", "", status="FAILED", state="Each", children="new old")
    store = _Runs([top, _child("old.0", "SUCCEEDED", "a"), _child("old.1", "FAILED"),
                   _child("old.2", "SUCCEEDED", "c"), _child("new.1", "SUCCEEDED", "b"),
                   _child("new.2", "ABORTED"), _child("older.3", "SUCCEEDED", "x")])
    assert kept_children(store, "arn:x", top) == [[0, "a"], [1, "b"]]
    run, version, event = plan(store, "arn:x", 2)             # type: ignore[misc]
    assert (run, version, event) == (top, 3, p.Redrive(2, [[0, "a"], [1, "b"]]))
    assert plan(_Runs([RunState("", "", status="FAILED")]), "arn:x", 1) is None

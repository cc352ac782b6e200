"""Execution overlays from real executions (embedded runner, virtual clock): each state's status
derived from the history, the taken path, retries, catches, Map and Parallel counts."""
from __future__ import annotations

import copy
import shutil
import xml.etree.ElementTree as ET
from typing import Any

import pytest

import workflow
from visualizer import dot, model
from visualizer.status import derive
from visualizer.styles import Status
from visualizer_cases import ALL_TYPES, PARALLEL_IN_MAP, fns

from test_visualizer_render import check_golden

RETRY_CATCH: dict[str, Any] = {
    "StartAt": "Charge", "States": {
        "Charge": {"Type": "Task", "Resource": "flaky",
                   "Parameters": {"fails.$": "$.fails", "retry.$": "$$.State.RetryCount"},
                   "Retry": [{"ErrorEquals": ["Boom"], "MaxAttempts": 2, "IntervalSeconds": 3}],
                   "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error",
                              "Next": "Recover"}],
                   "Next": "Done"},
        "Recover": {"Type": "Pass", "Next": "Done"},
        "Done": {"Type": "Succeed"}}}


def run(definition: dict[str, Any], data: Any, *names: str) -> Any:
    from workflow.runner import VirtualClock
    return workflow.run(definition, data, functions=fns(*names), clock=VirtualClock())


def overlay(definition: dict[str, Any], events: list[dict[str, Any]]) -> model.Diagram:
    machine = workflow.load(definition)
    return model.build(machine, derive(events, machine))


def taken(diagram: model.Diagram) -> set[tuple[str, str, str]]:
    names = {node.id: node.name for node in diagram.nodes}
    return {(names[e.source], names[e.target], e.kind) for e in diagram.edges if e.taken}


def test_succeeded_execution() -> None:
    execution = run(ALL_TYPES, {}, "ok")
    assert execution.status == "SUCCEEDED"
    diagram = overlay(ALL_TYPES, execution.history)
    view = diagram.execution
    assert view is not None and view.status is Status.SUCCEEDED and view.current == []
    assert diagram.node("Done").status is Status.SUCCEEDED
    assert diagram.node("Give up").status is Status.SKIPPED
    assert diagram.node("Pause").duration == "5.0 s"
    assert view.elapsed == 6.0                       # Pause 5 s + Right 1 s
    assert diagram.node("Fan out").counts == "branches: 2/2 succeeded"
    assert diagram.node("Each").counts == "items: 2/2 succeeded"
    assert diagram.node("Item").counts == "2 runs: 2 succeeded"
    path = taken(diagram)
    assert {("Start", "Prepare", "start"), ("Route", "Pause", "choice"),
            ("Fan out", "Left", "branch"), ("Each", "Item", "processor")} <= path
    assert ("Route", "Give up", "choice") not in path
    faded = {e.kind for e in diagram.edges if e.faded}
    assert "default" in faded


def test_failed_execution() -> None:
    definition = copy.deepcopy(ALL_TYPES)
    definition["States"]["Prepare"]["Result"] = {"fails": 5}
    execution = run(definition, {}, "ok")
    assert execution.status == "FAILED"
    diagram = overlay(definition, execution.history)
    failed = diagram.node("Give up")
    assert failed.status is Status.FAILED and failed.error == "TooManyFailures"
    assert diagram.node("Work").status is Status.SUCCEEDED
    assert diagram.node("Pause").status is Status.SKIPPED
    assert diagram.execution.error == "TooManyFailures"
    assert "✕ Failed" in dot.to_dot(diagram)


def test_caught_after_retries() -> None:
    execution = run(RETRY_CATCH, {"fails": 5}, "flaky")
    assert execution.status == "SUCCEEDED"
    diagram = overlay(RETRY_CATCH, execution.history)
    charge = diagram.node("Charge")
    assert charge.status is Status.CAUGHT and charge.error == "Boom"
    assert charge.counts == "2 retries"
    assert charge.duration == "9.0 s"                   # backoff 3 s, then 6 s
    path = taken(diagram)
    assert ("Charge", "Recover", "catch") in path and ("Charge", "Charge", "retry") in path
    assert ("Charge", "Done", "next") not in path
    retry = next(e for e in diagram.edges if e.kind == "retry")
    assert retry.taken == 2
    check_golden("overlay_caught", dot.to_dot(diagram))


def test_retrying_while_running_then_succeeded() -> None:
    execution = run(RETRY_CATCH, {"fails": 1}, "flaky")
    events = execution.history
    first_failure = next(i for i, e in enumerate(events) if e["type"].endswith("Failed"))
    running = overlay(RETRY_CATCH, events[:first_failure + 1])
    charge = running.node("Charge")
    assert charge.status is Status.RETRYING and charge.status_text == "↻ Retrying 1/2"
    assert charge.current and running.execution.status is Status.RUNNING
    assert running.node("Done").status is Status.NOT_STARTED
    done = overlay(RETRY_CATCH, events)
    assert done.node("Charge").status is Status.SUCCEEDED
    assert done.node("Charge").counts == "1 retry"
    assert done.node("Recover").status is Status.SKIPPED


def test_waiting_then_aborted() -> None:
    execution = run(ALL_TYPES, {}, "ok")
    events = execution.history
    entered = next(i for i, e in enumerate(events) if e["type"] == "WaitStateEntered")
    waiting = overlay(ALL_TYPES, events[:entered + 1])
    assert waiting.node("Pause").status is Status.WAITING
    assert waiting.execution.current == ["Pause"]
    aborted = events[:entered + 1] + [{"type": "ExecutionAborted", "run": "", "id": 999,
                                       "timestamp": events[entered]["timestamp"] + 2}]
    diagram = overlay(ALL_TYPES, aborted)
    assert diagram.node("Pause").status is Status.ABORTED
    assert diagram.node("Pause").duration == "2.0 s"
    assert diagram.execution.status is Status.ABORTED


def test_execution_timed_out() -> None:
    definition = {"TimeoutSeconds": 3, "StartAt": "Sleep", "States": {
        "Sleep": {"Type": "Wait", "Seconds": 10, "End": True}}}
    execution = run(definition, {})
    assert execution.status == "TIMED_OUT"
    diagram = overlay(definition, execution.history)
    assert diagram.node("Sleep").status is Status.TIMED_OUT
    assert diagram.execution.status is Status.TIMED_OUT


def test_map_counts_with_tolerated_failures() -> None:
    definition = {"StartAt": "Each", "States": {"Each": {
        "Type": "Map", "ItemsPath": "$.items", "ToleratedFailureCount": 5, "End": True,
        "ItemSelector": {"fails.$": "$$.Map.Item.Value"},
        "ItemProcessor": {"StartAt": "Work", "States": {"Work": {
            "Type": "Task", "Resource": "flaky", "End": True,
            "Parameters": {"fails.$": "$.fails", "retry.$": "$$.State.RetryCount"}}}}}}}
    items = [0] * 17 + [1] * 3
    execution = run(definition, {"items": items}, "flaky")
    assert execution.status == "SUCCEEDED"
    diagram = overlay(definition, execution.history)
    assert diagram.node("Each").counts == "items: 17/20 succeeded, 3 failed"
    work = diagram.node("Work")
    assert work.status is Status.FAILED and work.counts == "20 runs: 17 succeeded, 3 failed"


def test_nested_parallel_in_map_failure() -> None:
    definition = copy.deepcopy(PARALLEL_IN_MAP)
    definition["States"]["Items"]["MaxConcurrency"] = 1
    execution = run(definition, {"items": [1, 5], "tags": ["a", "b"]}, "flaky")
    assert execution.status == "FAILED" and execution.error == "Boom"
    diagram = overlay(definition, execution.history)
    assert diagram.node("Items").counts == "items: 1/2 succeeded, 1 failed"
    check = diagram.node("Check")
    assert check.status is Status.FAILED and check.error == "Boom"
    assert check.counts == "2 runs: 1 succeeded, 1 failed\n2 retries"
    assert diagram.node("Split").counts.startswith("branches: 3/4 succeeded, 1 failed")
    assert diagram.node("Tag").counts == "4 runs: 4 succeeded"
    assert diagram.node("Finished").status is Status.SKIPPED


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot is required")
def test_overlay_renders_to_svg() -> None:
    execution = run(RETRY_CATCH, {"fails": 5}, "flaky")
    svg = dot.render(dot.to_dot(overlay(RETRY_CATCH, execution.history)), "svg")
    root = ET.fromstring(svg)
    classes = " ".join(el.get("class", "") for el in root.iter())
    assert "sfn-status-caught" in classes and "sfn-taken" in classes
    assert "⤷ Error caught" in svg.decode("utf-8")


def test_redriven_execution_is_running_again() -> None:
    definition = copy.deepcopy(RETRY_CATCH)
    definition["States"]["Charge"]["Catch"][0]["ErrorEquals"] = ["NotThisOne"]
    execution = run(definition, {"fails": 5}, "flaky")
    assert execution.status == "FAILED"
    events = execution.history
    last = events[-1]
    redriven = events + [{"type": "ExecutionRedriven", "run": "", "redriveCount": 1,
                          "id": last["id"] + 1, "previousEventId": last["id"],
                          "timestamp": last["timestamp"] + 60}]
    failed, again = overlay(definition, events), overlay(definition, redriven)
    assert failed.execution.status is Status.FAILED
    assert again.execution.status is Status.RUNNING and again.execution.stopped is None
    assert again.node("Charge").status is Status.FAILED      # what happened before stays
    assert again.node("Done").status is Status.NOT_STARTED

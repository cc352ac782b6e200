"""The Celery runner under faults, with real processes and the real clock: a worker killed
mid-flight, duplicated messages, the timer service restarted during a Wait, Redis restarted
while executions wait on timers."""
from __future__ import annotations

import signal
import time
from pathlib import Path
from typing import Any, Iterator

import pytest

from celery_support import RedisServer, Stack, wait_until
from workflow.interpreter import protocol as p

FUNCTIONS = '''
import time

def work(event, context):
    time.sleep(0.1)
    return {"n": event["n"] + 1}
'''
TWO_TASKS = {"StartAt": "One", "States": {
    "One": {"Type": "Task", "Resource": "work", "Next": "Two"},
    "Two": {"Type": "Task", "Resource": "work", "Next": "Done"},
    "Done": {"Type": "Pass", "End": True}}}
TWO_TASKS_EVENTS = (["ExecutionStarted"] + [
    "TaskStateEntered", "LambdaFunctionScheduled", "LambdaFunctionStarted",
    "LambdaFunctionSucceeded", "TaskStateExited"] * 2
    + ["PassStateEntered", "PassStateExited", "ExecutionSucceeded"])
CALLBACK = {"StartAt": "Ask", "States": {
    "Ask": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "Parameters": {"MessageBody": {"token.$": "$$.Task.Token"}}, "End": True}}}


def wait_seconds(seconds: int) -> dict[str, Any]:
    return {"StartAt": "W", "States": {
        "W": {"Type": "Wait", "Seconds": seconds, "Next": "Done"},
        "Done": {"Type": "Pass", "End": True}}}


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    tmp = tmp_path_factory.mktemp("celery-faults")
    server = RedisServer(tmp).start()
    # One worker: the one (a) kills. A short visibility timeout brings its messages back soon.
    stack = Stack(tmp, server.url(15), virtual=False, workers=1, visibility_timeout=3)
    try:
        yield stack.start()
    finally:
        stack.stop()
        server.stop()


@pytest.fixture(scope="module")
def functions(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    path = tmp_path_factory.mktemp("fns") / "fns.py"
    path.write_text(FUNCTIONS)
    return {"work": f"{path}:work"}


def check_history(history: list[dict[str, Any]]) -> None:
    """Ids 1..n without gaps, each pointing back at an earlier event."""
    assert [event["id"] for event in history] == list(range(1, len(history) + 1))
    assert all(0 <= event["previousEventId"] < event["id"] for event in history)


def test_worker_killed_mid_flight_loses_and_duplicates_nothing(stack: Stack,
                                                               functions: dict[str, str]) -> None:
    runner = stack.runner()
    arns = [runner.start(TWO_TASKS, {"n": i}, functions=functions) for i in range(50)]
    wait_until(lambda: _succeeded(runner, arns) >= 5, 30, "some executions to finish")
    assert _succeeded(runner, arns) < 50, "too late to kill anything mid-flight"
    Stack.kill(stack.workers[-1], signal.SIGKILL, group=True)
    assert runner.rt.redis.hlen("unacked"), "the killed worker held no message"
    stack.start_worker()
    for i, arn in enumerate(arns):
        execution = runner.wait(arn, timeout=60)
        assert (execution.status, execution.output) == ("SUCCEEDED", {"n": i + 2})
        assert execution.event_types() == TWO_TASKS_EVENTS
        check_history(execution.history)


def _succeeded(runner: Any, arns: list[str]) -> int:
    return sum(runner.store.get_execution(arn).status == "SUCCEEDED" for arn in arns)


def test_duplicated_messages_are_no_ops(stack: Stack) -> None:
    runner = stack.runner()
    arn = runner.start(CALLBACK, {"a": 1})
    wait_until(lambda: "TaskStarted" in _types(runner, arn), 30, "the callback task")
    run, _ = runner.store.load_run(arn, "")
    task_id = run.waiting.id
    for _ in range(2):
        runner.send(arn, "", p.Start({"again": True}))
        runner.send(arn, "", p.TaskSucceeded(task_id, {"ok": 1}))
    execution = runner.wait(arn, timeout=30)
    _drain(runner)
    again = runner.wait(arn, timeout=5)
    assert (execution.status, execution.output) == ("SUCCEEDED", {"ok": 1})
    assert again.history == execution.history
    assert execution.event_types() == ["ExecutionStarted", "TaskStateEntered", "TaskScheduled",
                                       "TaskStarted", "TaskSucceeded", "TaskStateExited",
                                       "ExecutionSucceeded"]
    check_history(execution.history)


def test_commands_of_a_step_whose_worker_died_before_dispatching_are_dispatched_later(
        stack: Stack, functions: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    from workers import advance
    runner = stack.runner()
    monkeypatch.setattr(runner.rt, "publish", lambda *args, **kwargs: None)
    monkeypatch.setattr(runner, "_first_step", lambda *args: None)   # only the message
    arn = runner.start(TWO_TASKS, {"n": 0}, functions=functions)
    monkeypatch.undo()

    def die(*args: Any) -> None:
        raise SystemExit("worker died after the commit")
    monkeypatch.setattr(advance, "dispatch", die)
    start = advance.Delivery(arn, "", p.to_message(p.Start({"n": 0})))
    with pytest.raises(SystemExit):
        advance.deliver(runner.rt, start)
    monkeypatch.undo()
    assert "TaskStateEntered" in _types(runner, arn)          # committed, never dispatched
    advance.deliver(runner.rt, start)                          # the redelivered message
    execution = runner.wait(arn, timeout=30)
    assert (execution.status, execution.output) == ("SUCCEEDED", {"n": 2})
    assert execution.event_types() == TWO_TASKS_EVENTS


def _types(runner: Any, arn: str) -> list[str]:
    return [event["type"] for event in runner.history(arn)]


def _drain(runner: Any) -> None:
    from workers.clock import RedisClock
    clock = RedisClock(runner.rt.redis)
    wait_until(lambda: clock.idle() and (time.sleep(0.05) or clock.idle()), 30, "no messages")


def test_timer_service_restarted_during_a_wait(stack: Stack) -> None:
    runner = stack.runner()
    arn = runner.start(wait_seconds(3), {})
    wait_until(lambda: "WaitStateEntered" in _types(runner, arn), 30, "the Wait")
    time.sleep(0.5)
    Stack.kill(stack.timers, signal.SIGKILL, group=True)
    time.sleep(1.0)
    stack.start_timers()
    execution = runner.wait(arn, timeout=30)
    entered, exited = (next(e["timestamp"] for e in execution.history if e["type"] == kind)
                       for kind in ("WaitStateEntered", "WaitStateExited"))
    assert execution.status == "SUCCEEDED"
    assert 3.0 <= exited - entered < 3.6, exited - entered


def test_redis_restarted_while_executions_wait_on_timers(tmp_path: Path) -> None:
    server = RedisServer(tmp_path, aof=True).start()
    stack = Stack(tmp_path, server.url(0), virtual=False, workers=1)
    try:
        stack.start()
        runner = stack.runner()
        arns = [runner.start(wait_seconds(3), {"i": i}) for i in range(5)]
        for arn in arns:
            wait_until(lambda: "WaitStateEntered" in _types(runner, arn), 30, "the Waits")
        server.stop()
        time.sleep(1.0)
        server.start()
        for i, arn in enumerate(arns):
            execution = runner.wait(arn, timeout=60)
            assert (execution.status, execution.output) == ("SUCCEEDED", {"i": i})
            check_history(execution.history)
    finally:
        stack.stop()
        server.stop()

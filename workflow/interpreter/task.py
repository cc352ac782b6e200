"""Task states: schedule the work, then turn its result or error into the state's outcome."""
from __future__ import annotations

from dataclasses import replace
from typing import Any

from workflow.errors import StatesError
from workflow.interpreter import dataflow as df
from workflow.interpreter import protocol as p
from workflow.interpreter.core import BLOCKED, Failure, Outcome, Turn
from workflow.interpreter.handlers import finish_with_result, jsonata_states
from workflow.interpreter.resources import ACTIVITY, LAMBDA, Resource, classify
from workflow.interpreter.run import Waiting
from workflow.model import states as s

MAX_TIMEOUT = 99_999_999


def execute_task(turn: Turn, state: s.TaskState) -> Outcome:
    resource = classify(state.resource)
    token = turn.env.new_id() + turn.env.new_id() if resource.callback else None
    payload = _payload(turn, state, token)
    timeout = _seconds(turn, state, state.timeout_seconds, "TimeoutSeconds")
    heartbeat = _seconds(turn, state, state.heartbeat_seconds, "HeartbeatSeconds")
    task_id = turn.env.new_id()
    _emit_scheduled(turn, resource, payload, timeout, heartbeat)
    run = turn.run
    turn.command(p.InvokeTask(task_id, run.run_id, state.name, state.resource, payload,
                              timeout, heartbeat, token, run.retry_count))
    now = turn.env.now().timestamp()
    waiting = Waiting("task", task_id, heartbeat_seconds=heartbeat)
    if timeout:
        waiting.timeout_timer = turn.env.new_id()
        turn.command(p.StartTimer(waiting.timeout_timer, run.run_id, now + timeout, "timeout"))
    if heartbeat and resource.family != ACTIVITY:   # an activity's clock starts with its worker
        waiting.heartbeat_timer = turn.env.new_id()
        turn.command(p.StartTimer(waiting.heartbeat_timer, run.run_id, now + heartbeat,
                                  "heartbeat"))
    run.waiting = waiting
    return BLOCKED


def _payload(turn: Turn, state: s.TaskState, token: str | None) -> Any:
    raw, variables = turn.run.input, turn.variables
    ctx = turn.context(token)
    if state.jsonata:
        if state.parameters is None:
            return raw
        states = {"input": raw, "context": ctx}
        return state.parameters.evaluate(states, variables, state_name=state.name,
                                         field="Arguments")
    return df.jsonpath_effective_input(state, raw, ctx, variables)


def _seconds(turn: Turn, state: s.TaskState, value: Any, field: str) -> int | None:
    if value is None:
        return None
    states = jsonata_states(turn) if state.jsonata else None
    data = turn.run.input
    if not state.jsonata and not isinstance(value, int):
        data = df.select(state.input_path, data, turn.context(), turn.variables)
    seconds = df.resolve_dynamic(value, data=data, ctx=turn.context(), variables=turn.variables,
                                 states=states, state_name=state.name, field=field)
    if isinstance(seconds, float) and seconds.is_integer():
        seconds = int(seconds)
    if isinstance(seconds, bool) or not isinstance(seconds, int) or not 0 < seconds <= MAX_TIMEOUT:
        kind = "States.QueryEvaluationError" if state.jsonata else "States.Runtime"
        raise StatesError(kind, f"The {field} of state '{state.name}' must be a positive "
                                f"integer, not {seconds!r}.")
    return seconds


def _emit_scheduled(turn: Turn, resource: Resource, payload: Any, timeout: int | None,
                    heartbeat: int | None) -> None:
    if resource.family == LAMBDA:
        turn.emit("LambdaFunctionScheduled", resource=resource.arn, input=payload,
                  timeoutInSeconds=timeout)
        turn.emit("LambdaFunctionStarted")
    elif resource.family == ACTIVITY:
        turn.emit("ActivityScheduled", resource=resource.arn, input=payload,
                  timeoutInSeconds=timeout, heartbeatInSeconds=heartbeat)
    else:
        env = turn.env.execution
        turn.emit("TaskScheduled", resourceType=resource.resource_type,
                  resource=resource.action, region=env.region, parameters=payload,
                  timeoutInSeconds=timeout, heartbeatInSeconds=heartbeat)
        turn.emit("TaskStarted", resourceType=resource.resource_type, resource=resource.action)


def task_done(turn: Turn, event: p.TaskSucceeded | p.TaskFailed,
              heartbeat: bool = False) -> Outcome:
    state = turn.state
    resource = classify(state.resource)  # type: ignore[attr-defined]
    turn.run.waiting = None
    if isinstance(event, p.TaskSucceeded):
        _emit_result(turn, resource, "Succeeded", output=event.output)
        df.check_size(event.output, state.name, "task")
        return finish_with_result(turn, state, event.output)
    suffix = "TimedOut" if event.timed_out else "Failed"
    _emit_result(turn, resource, suffix, error=event.error, cause=event.cause)
    return Failure(event.error, event.cause, heartbeat=heartbeat)


def _emit_result(turn: Turn, resource: Resource, suffix: str, **details: Any) -> None:
    if resource.family == LAMBDA:
        turn.emit(f"LambdaFunction{suffix}", **details)
    elif resource.family == ACTIVITY:
        turn.emit(f"Activity{suffix}", **details)
    else:
        turn.emit(f"Task{suffix}", resourceType=resource.resource_type,
                  resource=resource.action, **details)


def restart_heartbeat(turn: Turn) -> None:
    waiting = turn.run.waiting
    if waiting is None or not waiting.heartbeat_timer or not waiting.heartbeat_seconds:
        return
    turn.command(p.CancelTimer(waiting.heartbeat_timer))
    timer = turn.env.new_id()
    turn.run.waiting = replace(waiting, heartbeat_timer=timer)   # records are copy-on-write
    due = turn.env.now().timestamp() + waiting.heartbeat_seconds
    turn.command(p.StartTimer(timer, turn.run.run_id, due, "heartbeat"))


def task_started(turn: Turn, event: p.TaskStarted) -> None:
    """A worker took an activity task: ``ActivityStarted {workerName}`` (once), and its
    HeartbeatSeconds clock starts now, as AWS's does. Other families ignore it: their
    Started event is recorded when they are scheduled."""
    waiting = turn.run.waiting
    state = turn.state
    if waiting is None or waiting.started or \
            classify(state.resource).family != ACTIVITY:  # type: ignore[attr-defined]
        return
    turn.emit("ActivityStarted", workerName=event.worker_name)
    started = replace(waiting, started=True)
    if waiting.heartbeat_seconds:
        started.heartbeat_timer = turn.env.new_id()
        due = turn.env.now().timestamp() + waiting.heartbeat_seconds
        turn.command(p.StartTimer(started.heartbeat_timer, turn.run.run_id, due, "heartbeat"))
    turn.run.waiting = started

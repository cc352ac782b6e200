"""How runs begin and end, and how outside events reach the blocked state."""
from __future__ import annotations

from typing import Any

from workflow.interpreter import protocol as p
from workflow.interpreter.core import Exit, Failure, Turn
from workflow.interpreter.run import RUNNING, RunState

TIMEOUT = "States.Timeout"


def execution_timer_id(run: RunState) -> str:
    return f"{run.run_id}#execution-timeout"


def start_run(turn: Turn, data: Any) -> None:
    run = turn.run
    if run.parent is None:
        turn.emit("ExecutionStarted", input=data, roleArn=turn.env.execution.role_arn)
        timeout = turn.machine.timeout_seconds
        if timeout:
            due = turn.env.now().timestamp() + timeout
            turn.command(p.StartTimer(execution_timer_id(run), run.run_id, due, "execution"))
    elif _is_iteration(turn):
        turn.emit("MapIterationStarted", name=run.parent_state, index=run.index)


def _is_iteration(turn: Turn) -> bool:
    return turn.run.kind == "iteration"


def _finish(turn: Turn, status: str, **result: Any) -> None:
    run = turn.run
    run.status = status
    run.waiting = None
    for key, value in result.items():
        setattr(run, key, value)
    if run.parent is None and turn.machine.timeout_seconds:
        turn.command(p.CancelTimer(execution_timer_id(run)))
    turn.command(p.RunFinished(run.run_id, status, run.output, run.error, run.cause))


def succeed_run(turn: Turn, output: Any) -> None:
    if turn.run.parent is None:
        turn.emit("ExecutionSucceeded", output=output)
    elif _is_iteration(turn):
        turn.emit("MapIterationSucceeded", name=turn.run.parent_state, index=turn.run.index)
    _finish(turn, "SUCCEEDED", output=output)


def fail_run(turn: Turn, error: str | None, cause: str | None) -> None:
    error, cause = error or None, cause or None       # a Fail state may give neither
    if turn.run.parent is None:
        turn.emit("ExecutionFailed", error=error, cause=cause)
    elif _is_iteration(turn):
        turn.emit("MapIterationFailed", name=turn.run.parent_state, index=turn.run.index)
    _finish(turn, "FAILED", error=error, cause=cause)


def abort_run(turn: Turn, stop: p.Stop) -> None:
    run = turn.run
    _cancel_waiting(turn)
    state = turn.state if run.state else None
    if run.parent is None:
        if stop.status == "TIMED_OUT":
            turn.emit("ExecutionTimedOut", error=stop.error or TIMEOUT, cause=stop.cause or "")
        elif stop.status == "FAILED":          # the runner ended it (history limit)
            turn.emit("ExecutionFailed", error=stop.error, cause=stop.cause)
        else:
            turn.emit("ExecutionAborted", error=stop.error, cause=stop.cause)
    else:
        if state is not None and state.type in ("Task", "Wait", "Parallel", "Map"):
            turn.emit(f"{state.type}StateAborted", name=state.name)
        if _is_iteration(turn):
            turn.emit("MapIterationAborted", name=run.parent_state, index=run.index)
    _finish(turn, stop.status, error=stop.error, cause=stop.cause)


def redrive_run(turn: Turn, event: p.Redrive) -> None:
    """RedriveExecution: the closed run goes on from the state where it stopped, re-entered
    with the input it had; a Parallel/Map there keeps the results of its succeeded children
    (``event.kept``) and starts only the others again."""
    run = turn.run
    if run.state is None or event.redrive_count <= run.redrive_count:
        return                                    # never started, or a duplicate Redrive
    run.status, run.redrive_count, run.waiting = RUNNING, event.redrive_count, None
    run.output = run.error = run.cause = None
    if run.parent is None:
        turn.emit("ExecutionRedriven", redriveCount=event.redrive_count)
    if event.kept:
        turn.redrive_kept = (event.kept, run.children)
    outcome = turn.enter(run.state, run.input)
    turn.redrive_kept = None
    turn.drive(outcome)


def _cancel_waiting(turn: Turn) -> None:
    waiting = turn.run.waiting
    if waiting is None:
        return
    for timer in (waiting.timeout_timer, waiting.heartbeat_timer):
        if timer:
            turn.command(p.CancelTimer(timer))
    if waiting.kind in ("wait", "retry"):
        turn.command(p.CancelTimer(waiting.id))
    if waiting.kind == "children":
        turn.command(p.CancelChildren(turn.run.run_id))


def dispatch(turn: Turn, event: p.Event) -> None:
    waiting = turn.run.waiting
    if isinstance(event, p.Stop):
        abort_run(turn, event)
    elif isinstance(event, p.TimerFired) and event.timer_id == execution_timer_id(turn.run):
        abort_run(turn, p.Stop(TIMEOUT, "", "TIMED_OUT"))
    elif waiting is None:
        return                                    # nothing is waiting: a stale event
    elif isinstance(event, (p.TaskSucceeded, p.TaskFailed)) and waiting.kind == "task" \
            and event.task_id == waiting.id:
        _cancel_waiting(turn)
        turn.drive(turn.guarded(lambda: handlers.task_done(turn, event)))
    elif isinstance(event, p.TaskHeartbeat) and waiting.kind == "task" \
            and event.task_id == waiting.id:
        handlers.restart_heartbeat(turn)
    elif isinstance(event, p.TaskStarted) and waiting.kind == "task" \
            and event.task_id == waiting.id:
        handlers.task_started(turn, event)
    elif isinstance(event, p.TimerFired):
        _timer(turn, event.timer_id)
    elif isinstance(event, p.ChildrenDone) and waiting.kind == "children":
        turn.drive(turn.guarded(lambda: handlers.children_done(turn, event)))


def _timer(turn: Turn, timer_id: str) -> None:
    waiting = turn.run.waiting
    assert waiting is not None
    if waiting.kind in ("wait", "retry") and timer_id == waiting.id:
        turn.drive(turn.guarded(lambda: handlers.timer_done(turn)))
    elif waiting.kind == "task" and timer_id in (waiting.timeout_timer, waiting.heartbeat_timer):
        heartbeat = timer_id == waiting.heartbeat_timer
        _cancel_waiting(turn)
        failed = p.TaskFailed(waiting.id, TIMEOUT, _timeout_cause(heartbeat), timed_out=True)
        turn.drive(turn.guarded(lambda: handlers.task_done(turn, failed, heartbeat=heartbeat)))


def _timeout_cause(heartbeat: bool) -> str:
    return "The task did not send a heartbeat in time." if heartbeat else \
        "The task did not complete within its TimeoutSeconds."


__all__ = ["start_run", "succeed_run", "fail_run", "abort_run", "redrive_run", "dispatch",
           "Exit", "Failure"]


from workflow.interpreter import handlers  # noqa: E402  (imports this module's names)

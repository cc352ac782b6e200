"""What each state type does when entered, and when the thing it waits for arrives."""
from __future__ import annotations

from typing import Any, Callable

from workflow.errors import StatesError
from workflow.interpreter import dataflow as df
from workflow.interpreter import protocol as p
from workflow.interpreter.core import BLOCKED, Exit, Failure, Outcome, Turn
from workflow.interpreter.run import Waiting
from workflow.model import states as s
from workflow.model.choice import _rfc3339

RUNTIME = "States.Runtime"
QUERY = "States.QueryEvaluationError"


def execute(turn: Turn, state: s.State) -> Outcome:
    return _EXECUTE[state.type](turn, state)


def _next(state: s.State) -> str | None:
    return None if state.end else state.next


def jsonata_states(turn: Turn, **extra: Any) -> dict[str, Any]:
    return {"input": turn.run.input, "context": turn.context(), **extra}


def finish_with_result(turn: Turn, state: Any, result: Any) -> Exit:
    """Task / Parallel / Map success: result → output and Assign, in either language."""
    raw, variables = turn.run.input, turn.variables
    if state.jsonata:
        states = jsonata_states(turn, result=result)
        assigned = df.evaluate_assign(state.assign, True, states, None, variables, state.name)
        return Exit(df.jsonata_output(state, states, variables, result), _next(state), assigned)
    ctx = turn.context()
    # Assign sees the raw result, before ResultSelector (asl-inventory §5.1).
    assigned = df.evaluate_assign(state.assign, False, result, ctx, variables, state.name)
    return Exit(df.jsonpath_output(state, raw, result, ctx, variables), _next(state), assigned)


# ---- Pass, Succeed, Fail ---------------------------------------------------------------------

def _jsonata_exit(turn: Turn, state: Any) -> Exit:
    """Pass and Wait in JSONata: Output (default: the input) and Assign over $states."""
    raw, variables = turn.run.input, turn.variables
    states = jsonata_states(turn)
    assigned = df.evaluate_assign(state.assign, True, states, None, variables, state.name)
    return Exit(df.jsonata_output(state, states, variables, raw), _next(state), assigned)


def _pass(turn: Turn, state: s.PassState) -> Outcome:
    if state.jsonata:
        return _jsonata_exit(turn, state)
    raw, variables = turn.run.input, turn.variables
    ctx = turn.context()
    effective = df.jsonpath_effective_input(state, raw, ctx, variables)
    result = state.result if state.has_result else effective
    assigned = df.evaluate_assign(state.assign, False, result, ctx, variables, state.name)
    combined = df.apply_result_path(state.result_path, raw, result)
    return Exit(df.select(state.output_path, combined, ctx, variables), _next(state), assigned)


def _succeed(turn: Turn, state: s.SucceedState) -> Outcome:
    raw, variables = turn.run.input, turn.variables
    if state.jsonata:
        return Exit(df.jsonata_output(state, jsonata_states(turn), variables, raw), None)
    ctx = turn.context()
    effective = df.select(state.input_path, raw, ctx, variables)
    return Exit(df.select(state.output_path, effective, ctx, variables), None)


def _fail(turn: Turn, state: s.FailState) -> Outcome:
    error = _fail_field(turn, state, state.error, "Error")
    cause = _fail_field(turn, state, state.cause, "Cause")
    return Failure(error or "", cause or "", handle=False)


def _fail_field(turn: Turn, state: s.FailState, value: Any, field: str) -> str | None:
    states = jsonata_states(turn) if state.jsonata else None
    result = df.resolve_dynamic(value, data=turn.run.input, ctx=turn.context(),
                                variables=turn.variables, states=states,
                                state_name=state.name, field=field)
    if result is not None and not isinstance(result, str):
        kind = QUERY if state.jsonata else RUNTIME
        raise StatesError(kind, f"The value of the field '{field}' of state '{state.name}' "
                                f"must be a string, not {type(result).__name__}.")
    return result


# ---- Choice ------------------------------------------------------------------------------

def _choice(turn: Turn, state: s.ChoiceState) -> Outcome:
    raw, variables, ctx = turn.run.input, turn.variables, turn.context()
    if state.jsonata:
        states = jsonata_states(turn)
        for rule in state.choices:
            if rule.condition.matches((states, ctx, variables)):
                return _choice_exit(turn, rule, states, variables, raw, rule.next)
        if state.default is None:
            return _no_match()
        return _choice_exit(turn, state, states, variables, raw, state.default)
    effective = df.select(state.input_path, raw, ctx, variables)
    env = (effective, ctx, variables)
    for rule in state.choices:
        if rule.condition.matches(env):
            return _jsonpath_choice_exit(state, rule.assign, env, rule.next)
    if state.default is None:
        return _no_match()
    return _jsonpath_choice_exit(state, state.assign, env, state.default)


def _no_match() -> Failure:
    return Failure("States.NoChoiceMatched", "No Choice Rules matched and no Default was "
                   "specified.", handle=False)


def _choice_exit(turn: Turn, source: Any, states: dict[str, Any], variables: Any, raw: Any,
                 target: str) -> Exit:
    """JSONata: a matched rule's Output/Assign, or the state's when Default is taken."""
    name = turn.run.state or ""
    assigned = df.evaluate_assign(source.assign, True, states, None, variables, name)
    output = raw if source.output is None else source.output.evaluate(
        states, variables, state_name=name, field="Output")
    return Exit(output, target, assigned)


def _jsonpath_choice_exit(state: s.ChoiceState, assign: Any, env: tuple[Any, Any, Any],
                          target: str) -> Exit:
    effective, ctx, variables = env
    assigned = df.evaluate_assign(assign, False, effective, ctx, variables, state.name)
    return Exit(df.select(state.output_path, effective, ctx, variables), target, assigned)


# ---- Wait --------------------------------------------------------------------------------

def _wait(turn: Turn, state: s.WaitState) -> Outcome:
    due = _wait_due(turn, state)
    now = turn.env.now().timestamp()
    if due <= now:
        return wait_exit(turn, state)
    timer = turn.env.new_id()
    turn.run.waiting = Waiting("wait", timer)
    turn.command(p.StartTimer(timer, turn.run.run_id, due, "wait"))
    return BLOCKED


def _wait_due(turn: Turn, state: s.WaitState) -> float:
    raw, variables, ctx = turn.run.input, turn.variables, turn.context()
    states = jsonata_states(turn) if state.jsonata else None
    data = raw if state.jsonata else df.select(state.input_path, raw, ctx, variables)
    kind = QUERY if state.jsonata else RUNTIME
    if state.seconds is not None:
        seconds = df.resolve_dynamic(state.seconds, data=data, ctx=ctx, variables=variables,
                                     states=states, state_name=state.name, field="Seconds")
        if isinstance(seconds, bool) or not isinstance(seconds, int) or seconds < 0:
            if isinstance(seconds, float) and seconds.is_integer() and seconds >= 0:
                seconds = int(seconds)
            else:
                raise StatesError(kind, f"The Seconds of Wait state '{state.name}' must be a "
                                        f"non-negative integer, not {seconds!r}.")
        return turn.env.now().timestamp() + seconds
    stamp = df.resolve_dynamic(state.timestamp, data=data, ctx=ctx, variables=variables,
                               states=states, state_name=state.name, field="Timestamp")
    moment = _rfc3339(stamp)
    if moment is None:
        raise StatesError(kind, f"The Timestamp of Wait state '{state.name}' is not an "
                                f"RFC 3339 timestamp: {stamp!r}.")
    return moment.timestamp()


def wait_exit(turn: Turn, state: s.WaitState) -> Exit:
    if state.jsonata:
        return _jsonata_exit(turn, state)
    raw, variables = turn.run.input, turn.variables
    ctx = turn.context()
    effective = df.select(state.input_path, raw, ctx, variables)
    assigned = df.evaluate_assign(state.assign, False, effective, ctx, variables, state.name)
    return Exit(df.select(state.output_path, effective, ctx, variables), _next(state), assigned)


def timer_done(turn: Turn) -> Outcome:
    waiting = turn.run.waiting
    turn.run.waiting = None
    state = turn.state
    if waiting is not None and waiting.kind == "retry":
        return execute(turn, state)          # a new attempt: no new Entered event
    return wait_exit(turn, state)  # type: ignore[arg-type]


# Imported last: task and containers build on the helpers above.
from workflow.interpreter import containers, task  # noqa: E402

_EXECUTE: dict[str, Callable[[Turn, Any], Outcome]] = {
    "Pass": _pass, "Succeed": _succeed, "Fail": _fail, "Choice": _choice, "Wait": _wait,
    "Task": task.execute_task, "Parallel": containers.execute_parallel,
    "Map": containers.execute_map,
}
task_done = task.task_done
restart_heartbeat = task.restart_heartbeat
task_started = task.task_started
children_done = containers.children_done

__all__ = ["execute", "finish_with_result", "task_done", "timer_done", "children_done",
           "restart_heartbeat", "task_started"]

"""Retry and Catch once a Task, Parallel or Map state has failed (asl-inventory §11)."""
from __future__ import annotations

from typing import Any, Literal

from workflow.interpreter import dataflow as df
from workflow.interpreter import protocol as p
from workflow.interpreter.core import BLOCKED, Exit, Failure, Outcome, Turn
from workflow.interpreter.errors import find_catcher, find_retrier, retry_delay
from workflow.interpreter.run import Waiting
from workflow.model import states as s


def handle_error(turn: Turn, failure: Failure) -> Outcome | Literal[False]:
    """A retry (blocked on its backoff timer), a catch (an Exit), or False: unhandled."""
    state = turn.state
    errors: s.ErrorHandling | None = getattr(state, "errors", None)
    if errors is None:
        return False
    index = find_retrier(errors.retry, failure.error, failure.heartbeat)
    if index is not None and _retry(turn, errors.retry[index], index):
        return BLOCKED
    catcher = find_catcher(errors.catch, failure.error, failure.heartbeat)
    if catcher is None:
        return False
    outcome = turn.guarded(lambda: _catch(turn, state, catcher, failure))
    if isinstance(outcome, Failure):      # the catcher's own data flow failed: not caught again
        return Failure(outcome.error, outcome.cause, handle=False)
    return outcome


def _retry(turn: Turn, retrier: s.Retrier, index: int) -> bool:
    run = turn.run
    attempts = run.retry_counts[index]
    if attempts >= retrier.max_attempts:
        return False                      # no fall-through to later retriers (§11.1)
    run.retry_counts[index] = attempts + 1
    run.retry_count += 1
    run.transitions += 1
    delay = retry_delay(retrier, attempts + 1, turn.env.random)
    timer = turn.env.new_id()
    run.waiting = Waiting("retry", timer)
    turn.command(p.StartTimer(timer, run.run_id, turn.env.now().timestamp() + delay, "retry"))
    return True


def _catch(turn: Turn, state: Any, catcher: s.Catcher, failure: Failure) -> Outcome:
    error_output = {"Error": failure.error, "Cause": failure.cause}
    raw, variables = turn.run.input, turn.variables
    if state.jsonata:
        states = {"input": raw, "context": turn.context(), "errorOutput": error_output}
        assigned = df.evaluate_assign(catcher.assign, True, states, None, variables, state.name)
        output = error_output if catcher.output is None else catcher.output.evaluate(
            states, variables, state_name=state.name, field="Output")
        return Exit(output, catcher.next, assigned)
    ctx = turn.context()
    assigned = df.evaluate_assign(catcher.assign, False, error_output, ctx, variables,
                                  state.name)
    return Exit(df.apply_result_path(catcher.result_path, raw, error_output), catcher.next,
                assigned)

"""Parallel and Map states: compute each child run's input, start them, join their results.

The core only describes the children (``StartChildren``); the runner runs them as runs of
their own and reports back one ``ChildrenDone``, so the same semantics hold in process and
across Celery workers. ``JoinPolicy`` is the shared, pure rule for when a join is over.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from workflow.errors import StatesError
from workflow.interpreter import dataflow as df
from workflow.interpreter import protocol as p
from workflow.interpreter.core import BLOCKED, Failure, Outcome, Turn
from workflow.interpreter.handlers import finish_with_result, jsonata_states
from workflow.interpreter.run import Waiting
from workflow.model import states as s

TOLERANCE_EXCEEDED = "States.ExceedToleratedFailureThreshold"
INLINE_MAP_LIMIT = 40   # AWS caps inline Map concurrency at 40 whatever MaxConcurrency says


@dataclass(frozen=True)
class JoinPolicy:
    total: int
    tolerated_count: int | None = None
    tolerated_percentage: float | None = None

    def exceeded(self, failed: int) -> bool:
        """True once failures pass either threshold; with neither set, any failure does."""
        if failed == 0:
            return False
        if self.tolerated_count is None and self.tolerated_percentage is None:
            return True
        if self.tolerated_count is not None and failed > self.tolerated_count:
            return True
        if self.tolerated_percentage is not None and self.total:
            return failed * 100.0 / self.total > self.tolerated_percentage
        return False


def _children(turn: Turn, state: Any, inputs: list[tuple[str, Any]], kind: str,
              **limits: Any) -> Outcome:
    prefix = turn.env.new_id()
    specs = tuple(p.ChildSpec(f"{prefix}.{i}", machine, data, i)
                  for i, (machine, data) in enumerate(inputs))
    kept, specs, previous = _redriven(turn, specs)
    # Every attempt's prefix since the state was entered, newest first: a later redrive
    # finds each child's latest run among them.
    turn.run.children = f"{prefix} {previous}" if kept else prefix
    if not specs:
        return children_done(turn, p.ChildrenDone(results=[output for _, output in kept]))
    turn.command(p.StartChildren(turn.run.run_id, state.name, kind, specs, kept=kept,
                                 **limits))
    turn.run.waiting = Waiting("children", prefix)
    return BLOCKED


def _redriven(turn: Turn, specs: tuple[p.ChildSpec, ...]
              ) -> tuple[list[list[Any]], tuple[p.ChildSpec, ...], str]:
    """On a redrive: the kept ``[index, output]`` (of children this attempt has too), the
    specs still to run, and the previous attempts' prefixes. Otherwise nothing is kept."""
    carried, turn.redrive_kept = turn.redrive_kept, None
    if not carried:
        return [], specs, ""
    pairs, previous = carried
    outputs = {int(index): output for index, output in pairs if 0 <= int(index) < len(specs)}
    kept = [[index, outputs[index]] for index in sorted(outputs)]
    return kept, tuple(spec for spec in specs if spec.index not in outputs), previous


# ---- Parallel ----------------------------------------------------------------------------

def execute_parallel(turn: Turn, state: s.ParallelState) -> Outcome:
    data = _container_input(turn, state)
    turn.emit("ParallelStateStarted")
    inputs = [(branch.location, data) for branch in state.branches]
    return _children(turn, state, inputs, "parallel")


def _container_input(turn: Turn, state: Any) -> Any:
    raw, variables = turn.run.input, turn.variables
    if state.jsonata:
        if state.parameters is None:
            return raw
        return state.parameters.evaluate(jsonata_states(turn), variables,
                                         state_name=state.name, field="Arguments")
    return df.jsonpath_effective_input(state, raw, turn.context(), variables)


def children_done(turn: Turn, event: p.ChildrenDone) -> Outcome:
    state = turn.state
    turn.run.waiting = None
    if event.error is not None:
        # States.Runtime ends the whole execution at once: AWS records no *StateFailed for the
        # container, only ExecutionFailed (measured, floci-io/floci#2868).
        if event.error != "States.Runtime":
            turn.emit(f"{state.type}StateFailed")
        return Failure(event.error, event.cause)
    turn.emit(f"{state.type}StateSucceeded")
    return finish_with_result(turn, state, event.results or [])


# ---- Map -----------------------------------------------------------------------------------

def execute_map(turn: Turn, state: s.MapState) -> Outcome:
    items, effective = _items(turn, state)
    inputs = [_item_input(turn, state, effective, i, item) for i, item in enumerate(items)]
    limits = _limits(turn, state, effective, len(items))
    turn.emit("MapStateStarted", length=len(items))
    if not items:
        return children_done(turn, p.ChildrenDone(results=[]))
    assert state.processor is not None
    machine = state.processor.location
    return _children(turn, state, [(machine, data) for data in inputs], "map", **limits)


def _items(turn: Turn, state: s.MapState) -> tuple[list[Any], Any]:
    raw, variables = turn.run.input, turn.variables
    if state.jsonata:
        items = raw if state.items is None else state.items.evaluate(
            jsonata_states(turn), variables, state_name=state.name, field="Items")
        if not isinstance(items, list):
            raise StatesError("States.QueryEvaluationError",
                              f"The field 'Items' of state '{state.name}' returned an "
                              f"unexpected result type. Expected 'array'.")
        return items, raw
    ctx = turn.context()
    effective = df.select(state.input_path, raw, ctx, variables)
    items = state.items_path.evaluate(effective, ctx, variables) if state.items_path else effective
    if not isinstance(items, list):
        path = state.items_path.text if state.items_path else "$"
        raise StatesError("States.Runtime", f"Reference path \"{path}\" must point to array.")
    return items, effective


def _item_input(turn: Turn, state: s.MapState, effective: Any, index: int, item: Any) -> Any:
    if state.item_selector is None:
        return item
    ctx = turn.context(item={"Index": index, "Value": item})
    if state.jsonata:
        states = {"input": turn.run.input, "context": ctx}
        return state.item_selector.evaluate(states, turn.variables, state_name=state.name,
                                            field="ItemSelector")
    return state.item_selector.evaluate(effective, ctx, turn.variables)


def _limits(turn: Turn, state: s.MapState, effective: Any, total: int) -> dict[str, Any]:
    concurrency = _number(turn, state, effective, state.max_concurrency, "MaxConcurrency")
    count = _number(turn, state, effective, state.tolerated_failure_count,
                    "ToleratedFailureCount")
    percentage = _number(turn, state, effective, state.tolerated_failure_percentage,
                         "ToleratedFailurePercentage", integer=False)
    if percentage is not None and not 0 <= percentage <= 100:
        raise StatesError(_error_kind(state), f"ToleratedFailurePercentage of state "
                                              f"'{state.name}' must be between 0 and 100.")
    concurrency = concurrency or 0
    mode = state.processor.processor_mode if state.processor else "INLINE"
    if mode != "DISTRIBUTED":
        concurrency = min(concurrency or INLINE_MAP_LIMIT, INLINE_MAP_LIMIT)
    elif count is None and percentage is None:
        # A Map Run tolerates no failure unless told to: one failed child fails it with
        # States.ExceedToleratedFailureThreshold (AWS state-map-distributed, failure threshold).
        count = 0
    return {"max_concurrency": concurrency, "tolerated_failure_count": count,
            "tolerated_failure_percentage": percentage}


def _error_kind(state: s.State) -> str:
    return "States.QueryEvaluationError" if state.jsonata else "States.Runtime"


def _number(turn: Turn, state: s.MapState, effective: Any, value: Any, field: str,
            integer: bool = True) -> Any:
    if value is None:
        return None
    states = jsonata_states(turn) if state.jsonata else None
    number = df.resolve_dynamic(value, data=effective, ctx=turn.context(),
                                variables=turn.variables, states=states,
                                state_name=state.name, field=field)
    valid = isinstance(number, (int, float)) and not isinstance(number, bool) and number >= 0
    if valid and integer:
        valid = float(number).is_integer()
        number = int(number) if valid else number
    if not valid or (isinstance(number, float) and math.isnan(number)):
        raise StatesError(_error_kind(state), f"The {field} of state '{state.name}' must be a "
                                              f"non-negative number, not {number!r}.")
    return number

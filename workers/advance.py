"""One event for one run, as a worker applies it: load the run, re-dispatch a leftover outbox,
feed the event to the pure core, commit events + run with the version check (the outbox
written just before), dispatch the commands, clear the outbox.

A redelivered or duplicated message finds the version moved on and the core ignoring the
event (it checks the task/timer ids it waits for), so it changes nothing.
"""
from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass
from typing import Any

from workflow.interpreter import protocol as p
from workflow.interpreter.core import advance
from workflow.interpreter.run import RunState
from workflow.store import VersionConflict
from workers import outbox
from workers.dispatch import dispatch
from workers.joins import Joins
from workers.outbox import StepContext
from workers.runtime import ExecutionContext, Runtime

MAX_ATTEMPTS = 12
log = logging.getLogger("sfn.advance")


class Contended(Exception):
    """The run kept changing under us; the task is retried."""


@dataclass(frozen=True)
class Delivery:
    arn: str
    run_id: str
    message: dict[str, Any]
    guard: dict[str, Any] | None = None    # {"join": prefix} | {"child": True}


def deliver(rt: Runtime, delivery: Delivery) -> None:
    context = rt.execution(delivery.arn)
    if context is None:
        log.warning("dropping an event for unknown execution %s", delivery.arn)
        return
    for attempt in range(MAX_ATTEMPTS):
        try:
            return _attempt(rt, context, delivery)
        except VersionConflict:
            time.sleep(random.uniform(0, 0.002 * 2 ** min(attempt, 6)))
    raise Contended(f"{delivery.arn} run {delivery.run_id!r}: too many version conflicts")


def _attempt(rt: Runtime, context: ExecutionContext, delivery: Delivery) -> None:
    event = p.from_message(delivery.message)
    loaded = rt.store.load_run(delivery.arn, delivery.run_id)
    if loaded is None:
        loaded, event = _first(rt, delivery, event)
        if loaded is None:
            return
    run, version = loaded
    leftover = outbox.entry(run, version) if version else None
    new, step = run, None
    if _applies(run, delivery.guard):
        new, step = advance(context.machine, run, event, rt.env(context),
                            rt.outer(delivery.arn, run))
    if step is None or (not step.events and not step.commands and new == run):
        if leftover:
            _redispatch(rt, delivery.arn, leftover)
        return
    _commit(rt, context, (run, version), new, step, delivery.guard, leftover)


def _first(rt: Runtime, delivery: Delivery, event: p.Event) -> tuple[Any, p.Event]:
    """A child run's first event: Start creates it from its join; Stop leaves a tombstone so
    a Start still on its way cannot run it."""
    if delivery.run_id == "" or not delivery.guard or not delivery.guard.get("child"):
        return None, event
    if isinstance(event, p.Stop):
        return (RunState(delivery.run_id, "", kind="iteration", status="ABORTED"), 0), event
    if not isinstance(event, p.Start):
        return None, event
    child = Joins(rt.redis, delivery.arn).child(delivery.run_id)
    if child is None:
        return None, event
    kind = "branch" if child["kind"] == "parallel" else "iteration"
    run = RunState(delivery.run_id, child["machine"], kind=kind, index=child["index"],
                   parent=child["parent"], parent_state=child["state"])
    return (run, 0), p.Start(child["input"])


def _applies(run: RunState, guard: dict[str, Any] | None) -> bool:
    """ChildrenDone names its join: a late duplicate must not end the next Parallel/Map."""
    join = (guard or {}).get("join")
    if join is None:
        return True
    return run.waiting is not None and run.waiting.kind == "children" and run.waiting.id == join


def _redispatch(rt: Runtime, arn: str, field: str) -> None:
    found = outbox.take(rt.redis, arn, field)
    if found is not None:
        _dispatch_leftover(rt, arn, found)
        outbox.drop(rt.redis, arn, field)


def _dispatch_leftover(rt: Runtime, arn: str, found: outbox.Outbox) -> None:
    log.info("re-dispatching a step of %s whose worker died before dispatching it", arn)
    dispatch(rt, arn, *found)


def _commit(rt: Runtime, context: ExecutionContext, loaded: tuple[RunState, int],
            new: RunState, step: p.Step, guard: dict[str, Any] | None,
            leftover: str | None) -> None:
    """Commit the step; a leftover outbox entry of the loaded version (its worker died after
    committing) is dispatched before the new step's commands, so effects keep their order."""
    arn, (run, version) = context.arn, loaded
    waited = run.waiting.id if run.waiting and run.waiting.kind == "children" else None
    closes = (guard or {}).get("join")
    step_context = StepContext(new.run_id, waited, closes)
    field = outbox.entry(new, version + 1) if step.commands or closes else None
    found = outbox.swap(rt.redis, arn, leftover, field, step.commands, step_context)
    try:
        ids = rt.store.commit(arn, runs=[(new, version)], events=step.events,
                              execution=_execution_update(new, step))
    except VersionConflict:
        outbox.drop(rt.redis, arn, field)
        raise
    if found is not None:
        _dispatch_leftover(rt, arn, found)
    if field:
        dispatch(rt, arn, step.commands, step_context)
    outbox.drop(rt.redis, arn, leftover if found else None, field)
    _limit_history(rt, arn, ids)


def _execution_update(run: RunState, step: p.Step) -> dict[str, Any] | None:
    if run.parent is not None or run.run_id != "" or not run.finished:
        return None
    return {"status": run.status, "output": run.output, "error": run.error,
            "cause": run.cause,
            "stop_date": step.events[-1]["timestamp"] if step.events else None}


def _limit_history(rt: Runtime, arn: str, ids: list[int]) -> None:
    limit = rt.settings.max_history_events
    if ids and ids[-1] >= limit:
        stop = p.Stop("States.Runtime", f"The execution reached the maximum number of "
                                         f"history events ({limit}).", "FAILED")
        rt.publish(arn, "", p.to_message(stop))

"""What an execution's history says about each state: a pure function of the events.

``derive(events, machine)`` reads the flat history events (``{type, timestamp, run, id,
previousEventId, name?, ...}``) once, in order, and returns an ``ExecutionView``: each visited
state's status (styles.Status), attempts, retry position, durations, last error and cause,
counts of its visits per status (a state inside a Map runs once per item), the item or
branch counts of Map and Parallel states, the transitions taken (consecutive Exited →
Entered of one run), and the execution's own status. ``machine`` is optional; it only
supplies the retriers' MaxAttempts for the "retrying n/max" label.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable

from visualizer.styles import Status

EXECUTION_STATUSES = {"RUNNING": Status.RUNNING, "SUCCEEDED": Status.SUCCEEDED,
                      "FAILED": Status.FAILED, "TIMED_OUT": Status.TIMED_OUT,
                      "ABORTED": Status.ABORTED, "PENDING_REDRIVE": Status.FAILED}
ACTIVE = (Status.RUNNING, Status.RETRYING, Status.WAITING)
# Among finished visits of one state, the one that names the state's colour.
PRECEDENCE = (Status.RUNNING, Status.RETRYING, Status.WAITING, Status.FAILED,
              Status.TIMED_OUT, Status.ABORTED, Status.CAUGHT, Status.SUCCEEDED)
FLOW, CATCH, RETRY = "flow", "catch", "retry"


@dataclass
class Visit:
    """One entry into one state by one run (top level, branch or Map iteration)."""
    state: str
    run: str
    entered: float
    status: Status = Status.RUNNING
    ended: float | None = None
    attempts: int = 0                  # Scheduled (Task) / Started (Parallel, Map) events
    retries: int = 0                   # attempts that followed a failure
    retry_at: tuple[int, int | None] | None = None   # (n, MaxAttempts) while retrying
    failed: bool = False               # the last attempt failed and nothing resolved it yet
    timed_out: bool = False
    error: str | None = None
    cause: str | None = None

    def duration(self, now: float) -> float:
        return (self.ended if self.ended is not None else now) - self.entered


@dataclass
class StateView:
    """Everything the renderers show for one state, summed over its visits."""
    name: str
    status: Status
    visits: int = 0
    counts: Counter[Status] = field(default_factory=Counter)
    attempts: int = 0                  # of the last visit
    retries: int = 0                   # over all visits
    retry_at: tuple[int, int | None] | None = None
    duration: float = 0.0              # of the last visit (a single visit: its duration)
    total_duration: float = 0.0
    max_duration: float = 0.0
    error: str | None = None
    cause: str | None = None
    items: Counter[Status] = field(default_factory=Counter)   # Map iterations / branches
    item_total: int | None = None      # MapStateStarted length (or the number of branches)
    first_entered: float | None = None


@dataclass
class ExecutionView:
    status: Status
    states: dict[str, StateView]
    taken: Counter[tuple[str, str, str]]     # (source, target, flow|catch|retry) -> times
    current: list[str]
    started: float | None = None
    stopped: float | None = None
    now: float | None = None                 # the last event's time
    error: str | None = None
    cause: str | None = None
    output: Any = None
    event_count: int = 0

    def state(self, name: str) -> StateView | None:
        return self.states.get(name)

    def status_of(self, name: str) -> Status:
        """A state's status; one never entered is "not started" while the execution runs and
        "not taken" once it has finished."""
        found = self.states.get(name)
        if found is not None:
            return found.status
        return Status.SKIPPED if self.status.finished else Status.NOT_STARTED

    @property
    def elapsed(self) -> float | None:
        if self.started is None:
            return None
        end = self.stopped if self.stopped is not None else self.now
        return None if end is None else end - self.started


def derive(events: Iterable[dict[str, Any]], machine: Any = None,
           now: float | None = None) -> ExecutionView:
    """The ExecutionView of a history (complete, or the prefix seen so far). ``now`` is the
    time open visits are measured to (default: the last event's timestamp)."""
    from visualizer._derive import Deriver
    deriver = Deriver(machine)
    for event in events:
        deriver.feed(event)
    return summarise(deriver, now)


def summarise(deriver: Any, now: float | None) -> ExecutionView:
    deriver.finish()
    clock = now if now is not None else deriver.last_time
    states: dict[str, StateView] = {}
    for visit in deriver.visits:
        view = states.get(visit.state)
        if view is None:
            view = states[visit.state] = StateView(visit.state, visit.status,
                                                   first_entered=visit.entered)
        _add_visit(view, visit, clock)
    for name, items in deriver.items.items():
        view = states.get(name)
        if view is not None:
            view.items = items
            view.item_total = deriver.item_totals.get(name)
    current = [v.state for v in deriver.visits if v.status in ACTIVE]
    return ExecutionView(deriver.status, states, deriver.taken, list(dict.fromkeys(current)),
                         deriver.started, deriver.stopped, clock, deriver.error,
                         deriver.cause, deriver.output, deriver.count)


def _add_visit(view: StateView, visit: Visit, now: float) -> None:
    view.visits += 1
    view.counts[visit.status] += 1
    view.status = min(view.status, visit.status, key=PRECEDENCE.index)
    view.attempts = visit.attempts
    view.retries += visit.retries
    if visit.retry_at is not None:
        view.retry_at = visit.retry_at
    duration = visit.duration(now)
    view.duration = duration
    view.total_duration += duration
    view.max_duration = max(view.max_duration, duration)
    if visit.error is not None or visit.cause is not None:
        view.error, view.cause = visit.error, visit.cause


def retry_position(machine: Any, visit: Visit) -> tuple[int, int | None]:
    """``(n, MaxAttempts)`` of the retry a failed attempt waits for: n counts this visit's
    retries including the coming one; MaxAttempts is that of the retrier the error matches."""
    attempt = visit.retries + 1
    if machine is None or visit.error is None:
        return attempt, None
    from workflow.interpreter.errors import find_retrier
    try:
        errors = getattr(machine.state(visit.state), "errors", None)
    except KeyError:
        return attempt, None
    retriers = errors.retry if errors is not None else ()
    index = find_retrier(retriers, visit.error)
    return attempt, retriers[index].max_attempts if index is not None else None


def container_of(machine: Any, name: str) -> str | None:
    """The Parallel / Map state whose branch or processor holds state ``name`` (from the
    compiled graph's scopes), for child runs whose first event does not tell."""
    if machine is None or name not in machine.graph:
        return None
    scope = machine.graph.nodes[name].get("scope") or ()
    if not scope:
        return None
    return str(scope[-2] if isinstance(scope[-1], int) else scope[-1])


def branch_count(machine: Any, name: str) -> int | None:
    """Branches of Parallel state ``name`` (None without the machine)."""
    if machine is None or name not in machine.graph:
        return None
    return len(getattr(machine.graph.nodes[name].get("state"), "branches", ())) or None


def with_record(view: ExecutionView, record: Any) -> ExecutionView:
    """Completes ``view`` with the execution record: an EXPRESS execution keeps no history,
    so only its record tells that (and how) it ended."""
    if view.started is None:
        view.started = record.start_date
    status = EXECUTION_STATUSES.get(record.status)
    if view.status is Status.RUNNING and status is not None and record.status != "RUNNING":
        view.status, view.stopped = status, record.stop_date
        view.error, view.cause, view.output = record.error, record.cause, record.output
    return view

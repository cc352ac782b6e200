"""The event-by-event reading behind ``visualizer.status.derive`` (asl-inventory §14)."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable

from visualizer.status import (CATCH, FLOW, RETRY, Visit, branch_count, container_of,
                               retry_position)
from visualizer.styles import Status

SCHEDULED = {"TaskScheduled", "LambdaFunctionScheduled", "ActivityScheduled",
             "ParallelStateStarted", "MapStateStarted"}
STARTED = {"TaskStarted", "LambdaFunctionStarted", "ActivityStarted", "TaskSubmitted"}
SUCCEEDED = {"TaskSucceeded", "LambdaFunctionSucceeded", "ActivitySucceeded",
             "ParallelStateSucceeded", "MapStateSucceeded"}
FAILED = {"TaskFailed", "LambdaFunctionFailed", "ActivityFailed", "TaskStartFailed",
          "TaskSubmitFailed", "LambdaFunctionScheduleFailed", "LambdaFunctionStartFailed",
          "ActivityScheduleFailed", "EvaluationFailed", "ParallelStateFailed",
          "MapStateFailed", "MapRunFailed"}
TIMED_OUT = {"TaskTimedOut", "LambdaFunctionTimedOut", "ActivityTimedOut"}
EXECUTION_ENDS = {"ExecutionSucceeded": Status.SUCCEEDED, "ExecutionFailed": Status.FAILED,
                  "ExecutionTimedOut": Status.TIMED_OUT, "ExecutionAborted": Status.ABORTED}
ITERATIONS = {"MapIterationSucceeded": Status.SUCCEEDED, "MapIterationFailed": Status.FAILED,
              "MapIterationAborted": Status.ABORTED}


@dataclass
class Run:
    run_id: str
    parent_state: str | None = None
    visit: Visit | None = None             # the open visit
    last: Visit | None = None              # the last closed visit (for the next transition)
    ended: bool = False
    entered_any: bool = False
    children: list[str] = field(default_factory=list)


class Deriver:
    def __init__(self, machine: Any = None) -> None:
        self.machine = machine
        self.runs: dict[str, Run] = {}
        self.run_of_event: dict[int, str] = {}
        self.visits: list[Visit] = []
        self.taken: Counter[tuple[str, str, str]] = Counter()
        self.items: dict[str, Counter[Status]] = {}
        self.item_totals: dict[str, int | None] = {}
        self.status = Status.RUNNING
        self.started: float | None = None
        self.stopped: float | None = None
        self.last_time = 0.0
        self.error: str | None = None
        self.cause: str | None = None
        self.output: Any = None
        self.count = 0
        self._handlers: dict[str, Callable[[Run, dict[str, Any]], None] | None] = {}

    # ---- reading ---------------------------------------------------------------------

    def feed(self, event: dict[str, Any]) -> None:
        kind = event.get("type", "")
        self.count += 1
        self.last_time = float(event.get("timestamp") or self.last_time)
        run = self._run(event)
        handler = self._handlers.get(kind)
        if handler is None and kind not in self._handlers:
            handler = self._handlers[kind] = self._handler(kind)
        if handler is not None:
            handler(run, event)

    def _handler(self, kind: str) -> Callable[[Run, dict[str, Any]], None] | None:
        if kind.endswith("StateEntered"):
            return self._entered
        if kind.endswith("StateExited"):
            return self._exited
        if kind.endswith("StateAborted"):
            return self._aborted
        if kind.startswith("Execution"):
            return self._execution
        if kind.startswith("MapIteration"):
            return self._iteration
        for kinds, handler in ((SCHEDULED, self._scheduled), (STARTED, self._started),
                               (SUCCEEDED, self._succeeded), (FAILED, self._failed),
                               (TIMED_OUT, self._failed)):
            if kind in kinds:
                return handler
        return None

    def _run(self, event: dict[str, Any]) -> Run:
        run_id = str(event.get("run", ""))
        if isinstance(event.get("id"), int):
            self.run_of_event[event["id"]] = run_id
        run = self.runs.get(run_id)
        if run is None:
            run = self.runs[run_id] = Run(run_id, self._container(event, run_id))
        return run

    def _container(self, event: dict[str, Any], run_id: str) -> str | None:
        """The Parallel or Map state that started a child run: named by MapIterationStarted,
        else the open state of the run its first event follows (previousEventId)."""
        if not run_id:
            return None
        parent_id = self.run_of_event.get(event.get("previousEventId") or 0)
        parent = self.runs.get(parent_id) if parent_id is not None else None
        if parent is not None:
            parent.children.append(run_id)
        if event.get("type") == "MapIterationStarted" and event.get("name"):
            return str(event["name"])
        return parent.visit.state if parent is not None and parent.visit else None

    # ---- states ----------------------------------------------------------------------

    def _entered(self, run: Run, event: dict[str, Any]) -> None:
        name = str(event.get("name", ""))
        time = self.last_time
        if run.visit is not None:            # no Exited event: close the previous one
            self._close(run.visit, Status.SUCCEEDED)
            run.last = run.visit
        if run.run_id and run.parent_state is None:
            run.parent_state = container_of(self.machine, name)
        self._transition(run, name)
        visit = Visit(name, run.run_id, time)
        kind = event["type"]
        if kind.startswith("Wait"):
            visit.status = Status.WAITING
        elif kind.startswith("Succeed"):
            visit.status = Status.SUCCEEDED
        elif kind.startswith("Fail"):
            visit.status, visit.ended = Status.FAILED, time
        run.visit, run.last = visit, None
        self.visits.append(visit)

    def _transition(self, run: Run, name: str) -> None:
        """Consecutive Exited → Entered of one run; a run's first state is reached from the
        start marker (top level) or from its Parallel / Map state."""
        if run.last is not None:
            kind = CATCH if run.last.status is Status.CAUGHT else FLOW
            self.taken[run.last.state, name, kind] += 1
        elif not run.entered_any:
            source = "" if not run.run_id else run.parent_state
            if source is not None:
                self.taken[source, name, FLOW] += 1
        run.entered_any = True

    def _exited(self, run: Run, event: dict[str, Any]) -> None:
        visit = run.visit
        if visit is None:
            return
        self._close(visit, Status.CAUGHT if visit.failed else Status.SUCCEEDED)
        run.visit, run.last = None, visit

    def _aborted(self, run: Run, event: dict[str, Any]) -> None:
        if run.visit is not None:
            self._close(run.visit, Status.ABORTED)
            run.visit = None

    def _close(self, visit: Visit, status: Status) -> None:
        if visit.ended is None:
            visit.ended = self.last_time
        if visit.status is not Status.FAILED or status is not Status.SUCCEEDED:
            visit.status = status
        visit.failed, visit.retry_at = False, None

    # ---- attempts --------------------------------------------------------------------

    def _scheduled(self, run: Run, event: dict[str, Any]) -> None:
        visit = run.visit
        if visit is None:
            return
        if event["type"] == "MapStateStarted" and isinstance(event.get("length"), int):
            known = self.item_totals.get(visit.state) or 0
            self.item_totals[visit.state] = known + event["length"]
        if visit.failed:
            visit.retries += 1
            self.taken[visit.state, visit.state, RETRY] += 1
        visit.attempts += 1
        visit.failed, visit.retry_at = False, None
        waits = event["type"] == "ActivityScheduled"
        visit.status = Status.WAITING if waits else Status.RUNNING

    def _started(self, run: Run, event: dict[str, Any]) -> None:
        visit = run.visit
        if visit is None:
            return
        callback = str(event.get("resource", "")).endswith(".waitForTaskToken")
        submitted = event["type"] == "TaskSubmitted"
        visit.status = Status.WAITING if callback or submitted else Status.RUNNING

    def _succeeded(self, run: Run, event: dict[str, Any]) -> None:
        if run.visit is not None:
            run.visit.failed = False

    def _failed(self, run: Run, event: dict[str, Any]) -> None:
        visit = run.visit
        if visit is None:
            return
        visit.failed = True
        visit.timed_out = event["type"] in TIMED_OUT
        if event.get("error") is not None or event.get("cause") is not None:
            visit.error, visit.cause = event.get("error"), event.get("cause")
        elif visit.timed_out:
            visit.error = "States.Timeout"
        visit.status = Status.RETRYING
        visit.retry_at = retry_position(self.machine, visit)
        if event["type"] in ("ParallelStateFailed", "MapStateFailed"):
            self._end_children(run, visit.state, Status.FAILED)

    def _end_children(self, run: Run, state: str, outcome: Status) -> None:
        """A Parallel / Map state failed: its runs are over; the first child error found
        becomes the container's when its own event carries none."""
        parent = run.visit
        for child_id in run.children:
            child = self.runs[child_id]
            if child.parent_state != state:
                continue
            if not child.ended:
                self._end_run(child, outcome)
            last = child.last
            if parent is not None and parent.error is None and last is not None and last.error:
                parent.error, parent.cause = last.error, last.cause

    # ---- runs and the execution ------------------------------------------------------

    def _iteration(self, run: Run, event: dict[str, Any]) -> None:
        name = str(event.get("name") or run.parent_state or "")
        items = self.items.setdefault(name, Counter())
        if event["type"] == "MapIterationStarted":
            items[Status.RUNNING] += 1
            return
        outcome = ITERATIONS.get(event["type"])
        if outcome is not None:
            items[Status.RUNNING] -= 1
            items[outcome] += 1
            self._end_run(run, outcome)

    def _end_run(self, run: Run, outcome: Status, error: Any = None, cause: Any = None) -> None:
        """A run is over: its open visit, and its children's, resolve to how it ended."""
        run.ended = True
        for child_id in run.children:
            if not self.runs[child_id].ended:
                self._end_run(self.runs[child_id], outcome)
        visit = run.visit
        if visit is None:
            return
        if visit.error is None and visit.status is Status.FAILED:
            visit.error, visit.cause = error, cause       # a Fail state: the run's error
        if visit.ended is not None and not visit.failed:
            return
        status = outcome
        if outcome is Status.FAILED:
            failed = Status.TIMED_OUT if visit.timed_out else Status.FAILED
            status = failed if visit.failed else Status.ABORTED
        self._close(visit, status)
        run.visit, run.last = None, visit

    def _execution(self, run: Run, event: dict[str, Any]) -> None:
        kind = event["type"]
        if kind in ("ExecutionStarted", "ExecutionRedriven"):
            self.started = self.started if self.started is not None else self.last_time
            self.status, self.stopped, self.error, self.cause = Status.RUNNING, None, None, None
            run.ended = False               # a redrive resumes the top-level run
            return
        outcome = EXECUTION_ENDS.get(kind)
        if outcome is None:
            return
        self.status, self.stopped = outcome, self.last_time
        self.error, self.cause = event.get("error"), event.get("cause")
        self.output = event.get("output")
        for other in self.runs.values():
            if not other.ended:
                self._end_run(other, outcome, self.error, self.cause)

    def finish(self) -> None:
        """Settle the counts: Map iterations still running, and Parallel branches (which
        have no events of their own) by the status of each branch run's last visit."""
        for name, items in self.items.items():
            items[Status.RUNNING] = max(0, items[Status.RUNNING])
            if not items[Status.RUNNING]:
                del items[Status.RUNNING]
        maps = set(self.items)
        visits = Counter(visit.state for visit in self.visits)
        for run in self.runs.values():
            if run.parent_state is None or run.parent_state in maps:
                continue
            last = run.visit or run.last
            status = last.status if last is not None else Status.RUNNING
            self.items.setdefault(run.parent_state, Counter())[status] += 1
        for name in set(self.items) - maps:
            branches = branch_count(self.machine, name)
            self.item_totals[name] = branches * visits[name] if branches else None

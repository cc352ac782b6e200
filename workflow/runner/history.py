"""Where the embedded runner puts what the core produced: an in-memory history (EXPRESS, and
the result object) and, for STANDARD executions, one atomic store commit per core step."""
from __future__ import annotations

from typing import Any

from workflow.interpreter.run import RunState


class HistoryWriter:
    """Assigns AWS's ``id`` / ``previousEventId`` (previous event of the same run; a child
    run's first event points at its parent's last event) and keeps the events in order."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self.last: dict[str, int] = {}
        self.parents: dict[str, str | None] = {}

    @property
    def count(self) -> int:
        return len(self.events)

    def new_run(self, run: RunState) -> None:
        self.parents[run.run_id] = run.parent

    def _previous(self, run_id: str) -> int:
        if run_id in self.last:
            return self.last[run_id]
        parent = self.parents.get(run_id)
        return self._previous(parent) if parent is not None else 0

    def number(self, events: list[dict[str, Any]]) -> None:
        for event in events:
            run_id = event["run"]
            event["id"] = len(self.events) + 1
            event["previousEventId"] = self._previous(run_id)
            self.last[run_id] = event["id"]
            self.events.append(event)

    def commit(self, run: RunState, events: list[dict[str, Any]]) -> None:
        self.number(events)

    def flush(self) -> None:
        """Make what was committed durable (a no-op in memory)."""


class StoreHistoryWriter(HistoryWriter):
    """STANDARD: the core steps taken between two waits are written as ONE store transaction
    (events, run records with their version checks, execution status). Atomicity and
    at-most-once hold per batch; batching turns a 1,000-item Map from 1,000 commits into a
    handful. Nothing outside this process observes the execution between two flushes: the
    loop flushes before it waits for anything (a task, a timer, a callback, a stop)."""

    def __init__(self, store: Any, execution_arn: str) -> None:
        super().__init__()
        self.store = store
        self.arn = execution_arn
        self.versions: dict[str, int] = {}
        self._runs: dict[str, RunState] = {}
        self._events: list[dict[str, Any]] = []
        self._update: dict[str, Any] | None = None

    def commit(self, run: RunState, events: list[dict[str, Any]]) -> None:
        self.number(events)
        self._runs[run.run_id] = run
        self._events.extend(events)
        if run.parent is None and run.finished:
            self._update = {"status": run.status, "output": run.output, "error": run.error,
                            "cause": run.cause,
                            "stop_date": events[-1]["timestamp"] if events else None}

    def flush(self) -> None:
        if not self._runs and not self._events:
            return
        runs = [(run, self.versions.get(run_id, 0)) for run_id, run in self._runs.items()]
        self.store.commit(self.arn, runs=runs, events=self._events, execution=self._update)
        for run_id in self._runs:
            self.versions[run_id] = self.versions.get(run_id, 0) + 1
        self._runs, self._events, self._update = {}, [], None

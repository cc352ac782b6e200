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


class StoreHistoryWriter(HistoryWriter):
    """STANDARD: each core step is one transaction (events + run record + execution status),
    applied only if the run's version is the one we last wrote."""

    def __init__(self, store: Any, execution_arn: str) -> None:
        super().__init__()
        self.store = store
        self.arn = execution_arn
        self.versions: dict[str, int] = {}

    def commit(self, run: RunState, events: list[dict[str, Any]]) -> None:
        self.number(events)
        version = self.versions.get(run.run_id, 0)
        update = None
        if run.parent is None and run.finished:
            update = {"status": run.status, "output": run.output, "error": run.error,
                      "cause": run.cause,
                      "stop_date": events[-1]["timestamp"] if events else None}
        self.store.commit(self.arn, runs=[(run, version)], events=events, execution=update)
        self.versions[run.run_id] = version + 1

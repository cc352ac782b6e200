"""Following an execution in a store: its record, the machine it runs, its history page by
page, and the Diagram of all of it (``Tracker``), for ``sfn watch`` and, later, the dashboard."""
from __future__ import annotations

import json
import time
from typing import Any

from workflow.errors import DefinitionError, InputError

HISTORY_PAGE = 1000


def load_definition(source: Any, where: str) -> Any:
    import workflow
    try:
        return workflow.load(source)
    except DefinitionError as exc:
        raise InputError(f"{where}: invalid definition: {exc}") from None


def stored_machine(store: Any, name: str) -> Any:
    """A state machine of the store, by ARN or by name."""
    record = store.get_state_machine(name)
    if record is None:
        matches = [r for r in store.list_state_machines() if r.name == name]
        record = matches[0] if len(matches) == 1 else None
    if record is None:
        raise InputError(f"{name}: no such file, and no state machine of that ARN or name "
                         "in the store")
    return load_definition(json.loads(record.definition), record.name)


def find_execution(store: Any, execution: str) -> Any:
    from workflow.cli.executions_cmd import _find
    return _find(store, execution)


def read_history(store: Any, arn: str, after_id: int = 0) -> list[dict[str, Any]]:
    """Every event after ``after_id``, page by page."""
    events: list[dict[str, Any]] = []
    while True:
        page = store.history(arn, after_id=after_id, limit=HISTORY_PAGE)
        events.extend(page)
        if len(page) < HISTORY_PAGE:
            return events
        after_id = page[-1]["id"]


class Tracker:
    """Follows one execution in the store: new events since the last poll, the record, the
    machine it runs, and the Diagram of all of it."""

    def __init__(self, store: Any, execution: str) -> None:
        self.store = store
        self.record = find_execution(store, execution)
        self.machine = load_definition(json.loads(self.record.definition), self.record.name)
        self.events: list[dict[str, Any]] = []

    def poll(self) -> Any:
        from visualizer import model
        from visualizer.status import derive, with_record
        after = self.events[-1]["id"] if self.events else 0
        self.events += read_history(self.store, self.record.execution_arn, after)
        self.record = self.store.get_execution(self.record.execution_arn) or self.record
        running = self.record.status == "RUNNING"
        now = max(time.time(), self.events[-1]["timestamp"]) if running and self.events else None
        view = with_record(derive(self.events, self.machine, now), self.record)
        return model.build(self.machine, view)

    @property
    def finished(self) -> bool:
        return bool(self.record.status != "RUNNING")

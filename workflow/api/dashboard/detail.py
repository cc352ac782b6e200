"""What the execution page shows, computed from the store: the record, the visualizer's
per-state statuses (``visualizer.status.derive``, the one derivation every view shares), the
graph as Graphviz SVG with a status class per node, and the error-first banner."""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

from visualizer import dot, labels, model
from visualizer.follow import read_history
from visualizer.status import ExecutionView, derive, with_record
from visualizer.styles import Status
from workflow.store.base import ExecutionRecord

FAILURES = (Status.FAILED, Status.TIMED_OUT)


@dataclass
class Snapshot:
    """One reading of an execution: its record, every event so far and what they mean."""
    record: ExecutionRecord
    machine: Any
    events: list[dict[str, Any]] = field(default_factory=list)
    view: ExecutionView | None = None
    diagram: model.Diagram | None = None

    @property
    def last_id(self) -> int:
        return int(self.events[-1]["id"]) if self.events else 0


def machine_of(api: Any, record: ExecutionRecord) -> Any:
    return api.compiled(record.definition)


def refresh(api: Any, snap: Snapshot) -> list[dict[str, Any]]:
    """Read the events after the last seen one and the record; re-derive the view when
    either changed. Returns the new events."""
    new = read_history(api.store, snap.record.execution_arn, snap.last_id) \
        if snap.record.type == "STANDARD" else []
    snap.events += new
    before = snap.record
    snap.record = api.store.get_execution(snap.record.execution_arn) or snap.record
    if not new and snap.view is not None and _same(before, snap.record):
        return new
    running = snap.record.status == "RUNNING"
    now = max(time.time(), snap.events[-1]["timestamp"]) if running and snap.events else None
    snap.view = with_record(derive(snap.events, snap.machine, now), snap.record)
    snap.diagram = model.build(snap.machine, snap.view)
    return new


def _same(a: ExecutionRecord, b: ExecutionRecord) -> bool:
    return (a.status, a.stop_date, a.redrive_count) == (b.status, b.stop_date, b.redrive_count)


def svg(diagram: model.Diagram) -> str:
    """The diagram as an inline ``<svg>`` element (no XML prolog, doctype or comments before
    it). Every name in it went through ``visualizer.dot``'s escaping."""
    text = dot.render(dot.to_dot(diagram), "svg").decode("utf-8")
    return text[text.index("<svg"):]


def states(diagram: model.Diagram) -> list[dict[str, Any]]:
    """Per-state status for the page: node id, name, type, status and its text."""
    out = []
    for node in diagram.nodes:
        if node.type == "Start":
            continue
        status = node.status or Status.NOT_STARTED
        text = node.status_text or status.style.text()
        out.append({"id": node.id, "name": node.name, "type": node.type,
                    "status": status.value, "statusText": text,
                    "label": text[len(status.style.icon) + 1:],
                    "current": node.current, "error": node.error,
                    "duration": node.duration, "counts": node.counts})
    return out


def banner(snap: Snapshot) -> dict[str, Any] | None:
    """The error-first summary: the execution's error and cause, the uncaught failing state
    (the last one to fail, the deepest in nesting order) and the errors Catch handled."""
    view = snap.view
    if view is None:
        return None
    failing = [s for s in view.states.values() if s.status in FAILURES and s.error]
    caught = [{"state": s.name, "error": s.error, "cause": s.cause}
              for s in view.states.values() if s.status is Status.CAUGHT]
    if view.error is None and not failing and not caught:
        return None
    state = failing[-1] if failing else None
    return {"status": snap.record.status, "error": view.error or (state and state.error),
            "cause": view.cause or (state and state.cause),
            "state": state.name if state else None,
            "stateError": state.error if state else None,
            "stateCause": state.cause if state else None, "caught": caught}


def summary(snap: Snapshot) -> dict[str, Any]:
    view = snap.view
    entered = sum(1 for e in snap.events if e["type"].endswith("StateEntered"))
    return {"status": view.status.value if view else "running",
            "statusText": view.status.style.text() if view else "",
            "elapsed": labels.duration(view.elapsed) if view and view.elapsed else "",
            "events": len(snap.events), "stateEntries": entered,
            "current": list(view.current) if view else []}


def payload(snap: Snapshot, with_svg: bool = True) -> dict[str, Any]:
    """Everything the page re-renders on an update (the SVG only when asked)."""
    assert snap.diagram is not None
    out: dict[str, Any] = {"executionStatus": snap.record.status,
                           "stopDate": snap.record.stop_date, "summary": summary(snap),
                           "states": states(snap.diagram), "banner": banner(snap),
                           "lastEventId": snap.last_id}
    if with_svg:
        out["svg"] = svg(snap.diagram)
    return out


def signature(data: dict[str, Any]) -> str:
    """What changes the picture: statuses, texts, counts (not the running durations)."""
    keep = ("status", "statusText", "current", "error", "counts")
    return json.dumps([data["executionStatus"],
                       [[s[k] for k in keep] for s in data["states"]]])

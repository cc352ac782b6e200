"""The terminal view of an execution (``sfn watch``), drawn with rich from the same Diagram
and status styles as the Graphviz renderer: the states with their status icon and label, the
current state, elapsed time, the latest events, and the final output or error."""
from __future__ import annotations

import json
from typing import Any

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from visualizer import labels
from visualizer.model import Diagram, Node
from visualizer.styles import STYLES, Status, rich_style

MAX_ROWS = 40
EVENT_TAIL = 12
OUTPUT_CHARS = 2000


def frame(diagram: Diagram, record: Any, events: list[dict[str, Any]]) -> RenderableType:
    """One complete frame for an execution record, its Diagram and the events so far."""
    parts: list[RenderableType] = [_header(diagram, record), _states(diagram)]
    parts.append(_events(events, diagram.execution.started if diagram.execution else None))
    ending = _ending(diagram, record)
    if ending is not None:
        parts.append(ending)
    return Group(*parts)


def _header(diagram: Diagram, record: Any) -> RenderableType:
    view = diagram.execution
    status = view.status if view is not None else Status.RUNNING
    text = Text()
    text.append(f"{STYLES[status].icon} {STYLES[status].label}", style=rich_style(status))
    text.append(f"   {record.name}", style="bold")
    elapsed = view.elapsed if view is not None else None
    if elapsed is not None:
        text.append(f"   elapsed {labels.duration(elapsed)}")
    if view is not None:
        text.append(f"   {view.event_count} events")
        if view.current:
            text.append("\ncurrent: ")
            text.append(", ".join(labels.clean(name, 80) for name in view.current),
                        style="bold")
    text.append(f"\n{record.execution_arn}", style="dim")
    return Panel(text, title="sfn watch", title_align="left", expand=True)


def _states(diagram: Diagram) -> RenderableType:
    table = Table(expand=True, show_edge=False, pad_edge=False)
    for column, kwargs in (("status", {"no_wrap": True}), ("state", {"ratio": 2}),
                           ("type", {"no_wrap": True}), ("detail", {"ratio": 2}),
                           ("time", {"no_wrap": True, "justify": "right"})):
        table.add_column(column, **kwargs)
    nodes = in_reading_order(diagram)
    shown = _rows(nodes)
    depth = _depths(diagram)
    for node in shown:
        table.add_row(*_row(node, depth.get(node.cluster, 0)))
    if len(shown) < len(nodes):
        table.add_row("", Text(f"… {len(nodes) - len(shown)} more states not reached",
                               style="dim"), "", "", "")
    return table


def in_reading_order(diagram: Diagram) -> list[Node]:
    """States in definition order, each Parallel / Map followed by its branches' states."""
    members: dict[str | None, list[Node]] = {}
    for node in diagram.nodes:
        if node.type != "Start":
            members.setdefault(node.cluster, []).append(node)
    inside: dict[str, list[str]] = {}
    for cluster in diagram.clusters:
        inside.setdefault(cluster.container, []).append(cluster.id)
    ordered: list[Node] = []

    def walk(cluster: str | None) -> None:
        for node in members.get(cluster, ()):
            ordered.append(node)
            for child in inside.get(node.name, ()):
                walk(child)
    walk(None)
    return ordered


def _rows(nodes: list[Node]) -> list[Node]:
    """Every state when they fit; else the reached ones first, up to MAX_ROWS."""
    if len(nodes) <= MAX_ROWS:
        return nodes
    reached = [n for n in nodes if n.status not in (None, Status.NOT_STARTED, Status.SKIPPED)]
    return reached[:MAX_ROWS]


def _depths(diagram: Diagram) -> dict[str | None, int]:
    parents = {cluster.id: cluster.parent for cluster in diagram.clusters}
    depths: dict[str | None, int] = {None: 0}
    for cluster in diagram.clusters:
        depth = 0
        current: str | None = cluster.id
        while current is not None:
            depth, current = depth + 1, parents.get(current)
        depths[cluster.id] = depth
    return depths


def _row(node: Node, depth: int) -> tuple[Text, Text, str, Text, str]:
    status = node.status or Status.NOT_STARTED
    badge = Text(node.status_text or STYLES[status].text(), style=rich_style(status))
    name = Text("  " * depth + labels.clean(node.name, 80),
                style="bold" if node.current else "")
    detail_lines = [line for line in (node.detail, node.counts) if line]
    if node.error and status in (Status.FAILED, Status.CAUGHT, Status.RETRYING,
                                 Status.TIMED_OUT):
        detail_lines.append(f"{node.error}")
    detail = Text(labels.clean(" · ".join(detail_lines).replace("\n", " · "), 160))
    return badge, name, node.type, detail, node.duration


def _events(events: list[dict[str, Any]], started: float | None) -> RenderableType:
    table = Table(title="latest events", title_justify="left", expand=True, show_edge=False,
                  pad_edge=False)
    for column in ("id", "at", "type", "details"):
        table.add_column(column, no_wrap=column != "details",
                         justify="right" if column in ("id", "at") else "left")
    for event in events[-EVENT_TAIL:]:
        offset = (event.get("timestamp") or 0) - (started or 0)
        table.add_row(str(event.get("id", "")), f"+{labels.duration(max(0.0, offset))}",
                      str(event.get("type", "")), _event_details(event))
    return table


def _event_details(event: dict[str, Any]) -> Text:
    parts = []
    if event.get("name") is not None:
        parts.append(labels.clean(str(event["name"]), 80))
    elif event.get("resource"):
        parts.append(labels.clean(str(event["resource"]), 80))
    if event.get("index") is not None:
        parts.append(f"#{event['index']}")
    if event.get("error") is not None:
        parts.append(f"{event['error']}: {event.get('cause') or ''}")
    style = "red" if event.get("error") is not None else ""
    return Text(labels.clean(" ".join(parts), 160), style=style)


def _ending(diagram: Diagram, record: Any) -> RenderableType | None:
    view = diagram.execution
    if view is None or not view.status.finished:
        return None
    status = view.status
    if status is Status.SUCCEEDED:
        body = json.dumps(record.output, indent=2, ensure_ascii=False)
        if len(body) > OUTPUT_CHARS:
            body = body[:OUTPUT_CHARS] + "\n…"
        return Panel(Text(body), title="output", title_align="left")
    error = record.error or view.error or "(no error name)"
    cause = record.cause or view.cause or ""
    text = Text(f"{error}\n", style="bold")
    text.append(labels.clean(cause, OUTPUT_CHARS) if cause else "")
    return Panel(text, title=f"{STYLES[status].icon} {STYLES[status].label}",
                 title_align="left", border_style=rich_style(status))

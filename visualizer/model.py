"""The one neutral graph model every renderer draws (Graphviz now, the terminal and the
dashboard too): built from a StateMachine's compiled networkx graph and, for an execution,
the ExecutionView of its history. Names stay raw here; renderers escape them."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from visualizer import labels
from visualizer.status import CATCH, FLOW, RETRY, ExecutionView
from visualizer.styles import Status

START_ID = "start"
SHAPES = {"Task": "task", "Pass": "pass", "Choice": "choice", "Wait": "wait",
          "Succeed": "succeed", "Fail": "fail", "Parallel": "parallel", "Map": "map"}


@dataclass
class Node:
    id: str                         # a stable, ASCII id ("s0", "s1", ...; "start")
    name: str                       # the state's name, raw
    type: str                       # ASL type, or "Start" for the start marker
    shape: str                      # start, task, pass, choice, wait, succeed, fail, ...
    detail: str = ""                # e.g. "λ validate_order", "wait 5 s"
    cluster: str | None = None
    status: Status | None = None    # None: a definition, no execution
    status_text: str = ""           # "↻ Retrying 2/3"
    counts: str = ""                # "812/1000 succeeded, 3 failed"
    duration: str = ""
    error: str | None = None
    cause: str | None = None
    current: bool = False


@dataclass
class Cluster:
    id: str
    label: str
    kind: str                       # branch (Parallel) or processor (Map)
    container: str                  # the Parallel / Map state's name
    parent: str | None = None


@dataclass
class Edge:
    source: str                     # node ids
    target: str
    kind: str                       # start, next, choice, default, catch, retry, branch, ...
    label: str = ""
    taken: int = 0                  # times traversed in the execution
    faded: bool = False             # an execution never took it


@dataclass
class Diagram:
    title: str
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    clusters: list[Cluster] = field(default_factory=list)
    execution: ExecutionView | None = None

    def node(self, name: str) -> Node:
        return self._by_name[name]

    @property
    def _by_name(self) -> dict[str, Node]:
        return {node.name: node for node in self.nodes if node.type != "Start"}


def build(machine: Any, view: ExecutionView | None = None, title: str = "") -> Diagram:
    """The Diagram of ``machine`` (a workflow StateMachine), overlaid with ``view``."""
    graph = machine.graph
    diagram = Diagram(title or machine.source, execution=view)
    ids: dict[str, str] = {}
    clusters: dict[tuple[Any, ...], Cluster] = {}
    for index, (name, data) in enumerate(graph.nodes(data=True)):
        if data.get("kind") == "start":
            ids[name] = START_ID
            diagram.nodes.append(Node(START_ID, "Start", "Start", "start"))
            continue
        ids[name] = f"s{index}"
        cluster = _cluster(clusters, tuple(data.get("scope", ())))
        node = _state_node(ids[name], data["state"], machine.definition, cluster)
        if view is not None:
            overlay_node(node, view)
        diagram.nodes.append(node)
    diagram.clusters = list(clusters.values())
    for source, target, data in graph.edges(data=True):
        for attrs in (data, *data.get("also", ())):
            diagram.edges.append(_edge(ids[source], ids[target], source, target, attrs, view))
    return diagram


def _cluster(clusters: dict[tuple[Any, ...], Cluster], scope: tuple[Any, ...]) -> str | None:
    """The cluster of a scope (``(..., Parallel, index)`` or ``(..., Map)``), made with its
    parents on first use; clusters are numbered in order of appearance."""
    if not scope:
        return None
    found = clusters.get(scope)
    if found is not None:
        return found.id
    branch = isinstance(scope[-1], int)
    parent_scope = scope[:-2] if branch else scope[:-1]
    parent = _cluster(clusters, parent_scope)
    container = str(scope[-2] if branch else scope[-1])
    label = (f"{container} · branch {scope[-1] + 1}" if branch
             else f"{container} · item processor")
    cluster = Cluster(f"c{len(clusters)}", label, "branch" if branch else "processor",
                      container, parent)
    clusters[scope] = cluster
    return cluster.id


def _state_node(node_id: str, state: Any, definition: Any, cluster: str | None) -> Node:
    raw = labels.pointer(definition, state.location)
    return Node(node_id, state.name, state.type, SHAPES.get(state.type, "task"),
                labels.state_detail(state, raw), cluster)


def overlay_node(node: Node, view: ExecutionView) -> None:
    node.status = view.status_of(node.name)
    found = view.state(node.name)
    attempt = max_attempts = None
    if found is not None and node.status is Status.RETRYING and found.retry_at:
        attempt, max_attempts = found.retry_at
    node.status_text = node.status.style.text(attempt, max_attempts)
    if found is None:
        return
    node.current = node.name in view.current
    node.error, node.cause = found.error, found.cause
    node.counts = _counts_text(node, found)
    if found.visits > 1:
        node.duration = (f"avg {labels.duration(found.total_duration / found.visits)}, "
                         f"max {labels.duration(found.max_duration)}")
    else:
        node.duration = labels.duration(found.duration)


def _counts_text(node: Node, found: Any) -> str:
    parts = []
    if found.items or found.item_total:
        noun = "items: " if node.type == "Map" else "branches: "
        items = found.items or Counter()
        parts.append(labels.counts(items, found.item_total, noun) or f"{noun}0")
    if found.visits > 1:
        parts.append(f"{found.visits} runs: " + labels.counts(found.counts))
    if found.retries:
        parts.append(f"{found.retries} retr{'y' if found.retries == 1 else 'ies'}")
    return "\n".join(parts)


def _edge(source_id: str, target_id: str, source: str, target: str, attrs: dict[str, Any],
          view: ExecutionView | None) -> Edge:
    kind = str(attrs.get("kind", "next"))
    edge = Edge(source_id, target_id, kind, labels.edge_label(kind, attrs))
    if view is not None:
        group = CATCH if kind == "catch" else RETRY if kind == "retry" else FLOW
        edge.taken = view.taken.get((source, target, group), 0)
        edge.faded = not edge.taken
    return edge

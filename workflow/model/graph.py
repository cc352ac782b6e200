"""The compiled machine as a ``networkx.DiGraph``: one node per state (names are unique across
the whole definition), typed edges, and each Parallel branch / Map processor as its own
subgraph reachable from its container node through ``branch`` / ``processor`` edges.

Edge ``kind`` values: next, choice (rule index + summary), default, catch (error names),
retry (a self-loop with the retrier's annotation), branch (index), processor.
"""
from __future__ import annotations

import networkx as nx

from workflow.model import states as s

START = ""   # no state is named "" (names are 1-80 characters), so this id never collides


def build_graph(root: s.Machine) -> nx.DiGraph:
    builder = _Builder()
    builder.node(START, kind="start", scope=())
    builder.edge(START, root.start_at, kind="start")
    builder.machine(root, scope=())
    graph = nx.DiGraph(machines=builder.machines)
    _fill(graph, builder.nodes, builder.edges)
    return graph


class _Builder:
    """Collects nodes and edges with ``add_node`` / ``add_edge`` semantics (a node takes its
    place where it first appears, as a node or as an edge end; adding again updates the
    attributes), so that the graph can be filled in one go with the same order and data."""

    def __init__(self) -> None:
        self.machines: dict[str, s.Machine] = {}
        self.nodes: dict[str, dict[str, object]] = {}
        self.edges: dict[tuple[str, str], dict[str, object]] = {}

    def node(self, name: str, **attrs: object) -> None:
        found = self.nodes.get(name)
        if found is None:
            self.nodes[name] = attrs
        else:
            found.update(attrs)

    def edge(self, source: str, target: str, **attrs: object) -> None:
        found = self.edges.get((source, target))
        if found is not None:
            found.update(attrs)
            return
        nodes = self.nodes
        if source not in nodes:
            nodes[source] = {}
        if target not in nodes:
            nodes[target] = {}
        self.edges[source, target] = attrs

    def merge_edge(self, source: str, target: str, **attrs: object) -> None:
        """Two kinds of transition between the same pair of states share one DiGraph edge: the
        edge keeps its first kind and lists the others under ``also``."""
        found = self.edges.get((source, target))
        if found is None:
            self.edge(source, target, **attrs)
        else:
            found.setdefault("also", []).append(attrs)  # type: ignore[union-attr]

    def machine(self, machine: s.Machine, scope: tuple[str | int, ...]) -> None:
        self.machines[machine.location] = machine
        states = machine.states.values()
        start_at = machine.start_at
        for state in states:
            self.node(state.name, kind="state", type=state.type, state=state, scope=scope,
                      start=state.name == start_at)
        for state in states:
            self.transitions(state)
            if isinstance(state, s.ParallelState):
                for index, branch in enumerate(state.branches):
                    self.edge(state.name, branch.start_at, kind="branch", index=index)
                    self.machine(branch, scope + (state.name, index))
            elif isinstance(state, s.MapState) and state.processor is not None:
                self.edge(state.name, state.processor.start_at, kind="processor")
                self.machine(state.processor, scope + (state.name,))

    def transitions(self, state: s.State) -> None:
        name = state.name
        if isinstance(state, s.ChoiceState):
            for index, rule in enumerate(state.choices):
                attrs = self.edges.get((name, rule.next))
                if attrs is None:
                    self.edge(name, rule.next, kind="choice", rules=[])
                    attrs = self.edges[name, rule.next]
                attrs.setdefault("rules", []).append(  # type: ignore[union-attr]
                    (index, rule.condition.summary()))
            if state.default:
                self.merge_edge(name, state.default, kind="default")
        elif state.next:
            self.edge(name, state.next, kind="next")
        errors = getattr(state, "errors", None)
        if errors is None:
            return
        for index, catcher in enumerate(errors.catch):
            self.merge_edge(name, catcher.next, kind="catch", index=index,
                            errors=list(catcher.error_equals))
        if errors.retry:
            self.edge(name, name, kind="retry", retriers=[
                {"errors": list(r.error_equals), "max_attempts": r.max_attempts,
                 "interval_seconds": r.interval_seconds, "backoff_rate": r.backoff_rate}
                for r in errors.retry])


def _fill(graph: nx.DiGraph, nodes: dict[str, dict[str, object]],
          edges: dict[tuple[str, str], dict[str, object]]) -> None:
    """``add_nodes_from`` + ``add_edges_from``. A plain, empty DiGraph is filled through the
    dict-of-dicts it is made of (``_node``, ``_succ``, ``_pred``: the layout networkx documents
    for subclasses), about ten times faster than its per-item methods; the result is the same
    (nodes in the same order in all three dicts, one attribute dict per edge shared by its
    successor and predecessor entries)."""
    plain = (type(graph) is nx.DiGraph and not graph._node and graph._succ is graph._adj
             and graph.node_dict_factory is dict and graph.node_attr_dict_factory is dict
             and graph.adjlist_outer_dict_factory is dict
             and graph.adjlist_inner_dict_factory is dict
             and graph.edge_attr_dict_factory is dict)
    if not plain:
        graph.add_nodes_from(nodes.items())
        graph.add_edges_from((u, v, attrs) for (u, v), attrs in edges.items())
        return
    if None in nodes:
        raise ValueError("None cannot be a node")
    node, succ, pred = graph._node, graph._succ, graph._pred
    for name, attrs in nodes.items():
        node[name] = attrs
        succ[name] = {}
        pred[name] = {}
    for (u, v), attrs in edges.items():
        succ[u][v] = attrs
        pred[v][u] = attrs


def reachable(graph: nx.DiGraph) -> set[str]:
    return set(nx.descendants(graph, START))

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
    graph = nx.DiGraph(machines={})
    graph.add_node(START, kind="start", scope=())
    graph.add_edge(START, root.start_at, kind="start")
    _add_machine(graph, root, scope=())
    return graph


def _add_machine(graph: nx.DiGraph, machine: s.Machine, scope: tuple[str | int, ...]) -> None:
    graph.graph["machines"][machine.location] = machine
    for state in machine.states.values():
        graph.add_node(state.name, kind="state", type=state.type, state=state, scope=scope,
                       start=state.name == machine.start_at)
    for state in machine.states.values():
        _add_edges(graph, state)
        if isinstance(state, s.ParallelState):
            for index, branch in enumerate(state.branches):
                graph.add_edge(state.name, branch.start_at, kind="branch", index=index)
                _add_machine(graph, branch, scope + (state.name, index))
        elif isinstance(state, s.MapState) and state.processor is not None:
            graph.add_edge(state.name, state.processor.start_at, kind="processor")
            _add_machine(graph, state.processor, scope + (state.name,))


def _add_edges(graph: nx.DiGraph, state: s.State) -> None:
    if isinstance(state, s.ChoiceState):
        for index, rule in enumerate(state.choices):
            if not graph.has_edge(state.name, rule.next):
                graph.add_edge(state.name, rule.next, kind="choice", rules=[])
            graph.edges[state.name, rule.next].setdefault("rules", []).append(
                (index, rule.condition.summary()))
        if state.default:
            _merge_edge(graph, state.name, state.default, kind="default")
    elif state.next:
        graph.add_edge(state.name, state.next, kind="next")
    errors = getattr(state, "errors", None)
    if errors is None:
        return
    for index, catcher in enumerate(errors.catch):
        _merge_edge(graph, state.name, catcher.next, kind="catch", index=index,
                    errors=list(catcher.error_equals))
    if errors.retry:
        graph.add_edge(state.name, state.name, kind="retry", retriers=[
            {"errors": list(r.error_equals), "max_attempts": r.max_attempts,
             "interval_seconds": r.interval_seconds, "backoff_rate": r.backoff_rate}
            for r in errors.retry])


def _merge_edge(graph: nx.DiGraph, source: str, target: str, **attrs: object) -> None:
    """Two kinds of transition between the same pair of states share one DiGraph edge: the
    edge keeps its first kind and lists the others under ``also``."""
    if graph.has_edge(source, target):
        graph.edges[source, target].setdefault("also", []).append(attrs)
    else:
        graph.add_edge(source, target, **attrs)


def reachable(graph: nx.DiGraph) -> set[str]:
    return set(nx.descendants(graph, START))

"""``StateMachine``: the one compiled artefact the interpreter, renderer and checks share."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator

import networkx as nx

from workflow._gc import collector_paused
from workflow.diagnostics import Diagnostic
from workflow.model import states as s
from workflow.model.compile import compile_document
from workflow.model.graph import build_graph


@dataclass(frozen=True)
class StateMachine:
    definition: dict[str, Any]
    root: s.Machine
    graph: nx.DiGraph = field(repr=False, compare=False)
    warnings: tuple[Diagnostic, ...] = ()
    source: str = "<definition>"

    @classmethod
    def from_document(cls, document: dict[str, Any], warnings: tuple[Diagnostic, ...] = (),
                      source: str = "<definition>") -> "StateMachine":
        with collector_paused():
            root = compile_document(document)
            return cls(document, root, build_graph(root), warnings, source)

    @property
    def query_language(self) -> str:
        return self.definition.get("QueryLanguage", s.JSONPATH)

    @property
    def start_at(self) -> str:
        return self.root.start_at

    @property
    def timeout_seconds(self) -> int | None:
        return self.root.timeout_seconds

    def machine(self, location: str) -> s.Machine:
        """A machine by its JSON pointer: "" (top level), a Parallel branch
        (``/States/P/Branches/0``) or a Map processor (``/States/M/ItemProcessor``)."""
        return self._machines[location]

    @property
    def _machines(self) -> dict[str, s.Machine]:
        return self.graph.graph["machines"]

    def state(self, name: str) -> s.State:
        """Any state, at any nesting level (names are unique across the definition)."""
        return self.graph.nodes[name]["state"]

    def states(self) -> Iterator[s.State]:
        for node, data in self.graph.nodes(data=True):
            if data.get("kind") == "state":
                yield data["state"]

    def __len__(self) -> int:
        return self.graph.number_of_nodes() - 1

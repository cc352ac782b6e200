"""One walk over a (possibly malformed) definition document, shared by every check.

It yields each nested machine (the top level, each Parallel branch, each Map processor) and
each state with its JSON pointer and effective query language. It never assumes the document
is well-formed: anything of the wrong type is skipped here (the schema stage reports it).
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any, Iterator, NamedTuple

from workflow.diagnostics import escape_token, pointer

JSONPATH = "JSONPath"
JSONATA = "JSONata"


@dataclass(frozen=True)
class Scope:
    """A machine: the top-level one, a Parallel branch or a Map processor."""

    node: dict[str, Any]
    location: str                      # pointer of the machine object ('' for the top level)
    parent_state: str | None           # the Parallel/Map state owning it; None at the top level
    depth: int                         # 0 at the top level
    kind: str                          # "top", "branch" or "processor"
    ancestors: tuple[str, ...] = ()    # owning states, outermost first

    @property
    def states(self) -> dict[str, Any]:
        states = self.node.get("States")
        return states if isinstance(states, dict) else {}

    @property
    def start_at(self) -> Any:
        return self.node.get("StartAt")


class StateRef(NamedTuple):
    """One state (immutable; a named tuple because a large definition makes thousands)."""

    name: str
    node: dict[str, Any]
    location: str                      # pointer of the state object, e.g. /States/A
    scope: Scope
    query_language: str                # effective: the state's own, else the top level's
    type: Any                          # the Type field as written (None when absent)
    kind: str | None                   # the Type when it is a string, else None

    def at(self, *tokens: str | int) -> str:
        return self.location + pointer(*tokens)


@dataclass
class Walk:
    document: dict[str, Any]
    scopes: list[Scope] = field(default_factory=list)
    states: list[StateRef] = field(default_factory=list)
    # Facts derived from the walk that several checks need, computed once by the first asker.
    shared: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def top_query_language(self) -> str:
        ql = self.document.get("QueryLanguage", JSONPATH)
        return ql if ql in (JSONPATH, JSONATA) else JSONATA if isinstance(ql, str) else JSONPATH


def effective_language(state: dict[str, Any], top: str) -> str:
    # asl-inventory §6.7: any present value other than exactly "JSONPath" counts as JSONata for
    # field checks; nested states inherit the top level, never the container.
    ql = state.get("QueryLanguage")
    if ql is None:
        return top
    return JSONPATH if ql == JSONPATH else JSONATA


def nested_machines(state: StateRef) -> Iterator[tuple[dict[str, Any], str, str]]:
    """(machine object, pointer, kind) of each branch / processor directly inside ``state``."""
    node = state.node
    if node.get("Type") == "Parallel" and isinstance(node.get("Branches"), list):
        for i, branch in enumerate(node["Branches"]):
            if isinstance(branch, dict):
                yield branch, state.at("Branches", i), "branch"
    elif node.get("Type") == "Map":
        for key in ("ItemProcessor", "Iterator"):
            proc = node.get(key)
            if isinstance(proc, dict):
                yield proc, state.at(key), "processor"


def walk(document: dict[str, Any]) -> Walk:
    """Breadth-first over machines, states in document order within each machine."""
    result = Walk(document)
    top_ql = result.top_query_language
    pending = deque([Scope(document, "", None, 0, "top")])
    states = result.states
    while pending:
        scope = pending.popleft()
        result.scopes.append(scope)
        prefix = scope.location + "/States/"
        for name, node in scope.states.items():
            if not isinstance(node, dict):
                continue
            ql = node.get("QueryLanguage")     # effective_language, inlined
            state_type = node.get("Type")
            ref = StateRef(name, node, prefix + escape_token(name), scope,
                           top_ql if ql is None else JSONPATH if ql == JSONPATH else JSONATA,
                           state_type, state_type if isinstance(state_type, str) else None)
            states.append(ref)
            if state_type in _CONTAINERS:
                for machine, loc, kind in nested_machines(ref):
                    pending.append(Scope(machine, loc, name, scope.depth + 1, kind,
                                         scope.ancestors + (name,)))
    return result


_CONTAINERS = ("Parallel", "Map")

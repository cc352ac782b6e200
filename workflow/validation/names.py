"""State names and Map labels (asl-inventory §1.2, §3.9, §16): length, characters, uniqueness."""
from __future__ import annotations

import re
from itertools import chain
from typing import Iterator

from workflow.diagnostics import (DUPLICATE_LABEL_NAME, DUPLICATE_STATE_NAME,
                                  INVALID_LABEL_NAME, INVALID_STATE_NAME, Diagnostic, error)
from workflow.validation.walk import StateRef, Walk, nested_machines

MAX_STATE_NAME = 80
# The 40-character Label limit is a plain maxLength: the schema stage reports it.
# §3.9: no whitespace, none of these characters, no control characters.
_LABEL_FORBIDDEN = re.compile(r"[\s?*<>{}\[\]:;,\\|^~$#%&`\"\x00-\x1f\x7f-\x9f]")


def document_order(w: Walk) -> list[StateRef]:
    """Every state depth-first in document order (a branch's states before the next sibling),
    so "the second occurrence" means the one a reader meets second."""
    by_scope: dict[str, list[StateRef]] = {}
    for state in w.states:
        by_scope.setdefault(state.scope.location, []).append(state)
    ordered: list[StateRef] = []
    stack = [iter(by_scope.get("", ()))]
    while stack:
        state = next(stack[-1], None)
        if state is None:
            stack.pop()
            continue
        ordered.append(state)
        inner = [by_scope.get(loc, ()) for _m, loc, _k in nested_machines(state)]
        stack.append(iter(list(chain.from_iterable(inner))))
    return ordered


def _name_problem(name: str) -> str | None:
    if not name:
        return "State name must not be empty"
    if len(name) > MAX_STATE_NAME:
        return (f"State name '{name[:20]}...' is {len(name)} characters long; "
                f"the limit is {MAX_STATE_NAME}")
    return None


def _second_occurrences(items: list[tuple[str, StateRef]],
                        w: Walk) -> list[tuple[str, StateRef, str]]:
    """(key, state, first location) for each repeated key, in document order. The document
    order is only computed when something repeats (the walk itself is breadth-first)."""
    keys = [key for key, _state in items]
    if len(set(keys)) == len(keys):
        return []
    rank = {id(state): i for i, state in enumerate(document_order(w))}
    first: dict[str, str] = {}
    repeated = []
    for key, state in sorted(items, key=lambda item: rank[id(item[1])]):
        if key in first:
            repeated.append((key, state, first[key]))
        else:
            first[key] = state.location
    return repeated


def check_state_names(w: Walk) -> Iterator[Diagnostic]:
    """Names are 1-80 characters and unique across every nesting level."""
    for state in w.states:
        problem = None if 0 < len(state.name) <= MAX_STATE_NAME else _name_problem(state.name)
        if problem:
            yield error(INVALID_STATE_NAME, problem, state.location, state.name)
    for name, state, first in _second_occurrences([(s.name, s) for s in w.states], w):
        yield error(DUPLICATE_STATE_NAME,
                    f"Duplicate State name: '{name}' (first defined at {first}); state names "
                    "must be unique in the whole state machine", state.location, name)


def _label_problem(label: str) -> str | None:
    if not label:
        return "The Map 'Label' must not be empty"
    bad = _LABEL_FORBIDDEN.search(label)
    if bad:
        return (f"The Map 'Label' contains the character {bad.group()!r}, which is not allowed "
                "(no whitespace, control characters or any of ? * < > { } [ ] : ; , \\ | ^ ~ "
                "$ # % & ` \")")
    return None


def check_labels(w: Walk) -> Iterator[Diagnostic]:
    labelled = [(s.node["Label"], s) for s in w.states
                if s.type == "Map" and isinstance(s.node.get("Label"), str)]
    for label, state in labelled:
        problem = _label_problem(label)
        if problem:
            yield error(INVALID_LABEL_NAME, problem, state.at("Label"), state.name)
    for label, state, first in _second_occurrences(labelled, w):
        yield error(DUPLICATE_LABEL_NAME, f"Duplicate Map label: '{label}' (first used at {first})",
                    state.at("Label"), state.name)

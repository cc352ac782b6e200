"""Workflow variables (asl-inventory §7): Assign names and their scopes."""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Iterator

from workflow.diagnostics import SCHEMA_VALIDATION_FAILED, Diagnostic, error
from workflow.validation.support import (ASSIGNING_TYPES, catchers, choice_rules, kind,
                                         parent_scopes)
from workflow.validation.walk import JSONPATH, StateRef, Walk

MAX_VARIABLE_NAME = 80
RESERVED = "states"

Tokens = tuple[str | int, ...]


def assign_blocks(state: StateRef) -> Iterator[tuple[Tokens, dict[str, Any]]]:
    """Every Assign object of a state: its own, its Choice rules', its Catchers'.

    All of them assign in the state's own scope: a Catcher's Assign on a Parallel/Map runs in
    the scope holding that Parallel/Map, which is where the state itself lives (§7).
    """
    node = state.node
    if "Assign" not in node and "Choices" not in node and "Catch" not in node:
        return
    if kind(state) not in ASSIGNING_TYPES:
        return       # Assign on Succeed/Fail is an unsupported field: the schema stage says so
    own = node.get("Assign")
    if isinstance(own, dict):
        yield ("Assign",), own
    for i, rule in choice_rules(state):
        if isinstance(rule.get("Assign"), dict):
            yield ("Choices", i, "Assign"), rule["Assign"]
    for i, catcher in catchers(state):
        if isinstance(catcher.get("Assign"), dict):
            yield ("Catch", i, "Assign"), catcher["Assign"]


def variable_name(state: StateRef, key: str) -> str:
    # In JSONPath states "x.$" assigns the variable x from a path.
    if state.query_language == JSONPATH and key.endswith(".$"):
        return key[:-2]
    return key


def is_identifier(name: str) -> bool:
    """Unicode identifier: ID_Start then ID_Continue (UAX #31). Python's rules are the same
    apart from also letting '_' start a name, which ID_Start does not."""
    return name.isidentifier() and not name.startswith("_")


@lru_cache(maxsize=4096)
def name_problem(name: str) -> str | None:
    if name == RESERVED:
        return "The variable name 'states' is reserved"
    if len(name) > MAX_VARIABLE_NAME:
        return (f"The variable name '{name[:20]}...' is {len(name)} characters long; the limit "
                f"is {MAX_VARIABLE_NAME}")
    if not is_identifier(name):
        return (f"The variable name '{name}' is not valid: it must start with a letter and "
                "continue with letters, digits or '_'")
    return None


def check_variable_names(w: Walk) -> Iterator[Diagnostic]:
    for state in w.states:
        for tokens, block in assign_blocks(state):
            for key in block:
                problem = name_problem(variable_name(state, key))
                if problem:
                    yield error(SCHEMA_VALIDATION_FAILED, problem, state.at(*tokens, key),
                                state.name)


def _assigned_by_scope(w: Walk) -> dict[str, dict[str, str]]:
    """scope location -> {variable name: state that first assigns it}."""
    assigned: dict[str, dict[str, str]] = {}
    for state in w.states:
        for _tokens, block in assign_blocks(state):
            names = assigned.setdefault(state.scope.location, {})
            for key in block:
                names.setdefault(variable_name(state, key), state.name)
    return assigned


def _outer_names(w: Walk, assigned: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """scope location -> names assigned in any enclosing scope (with the assigning state)."""
    parents = parent_scopes(w)
    outer: dict[str, dict[str, str]] = {"": {}}
    # Sibling scopes see the same names: merge once per parent and share the (read-only) dict,
    # or a Parallel/Map-heavy machine would copy the outer names once per branch/processor.
    merged: dict[str, dict[str, str]] = {}
    for scope in w.scopes[1:]:           # breadth-first: every parent comes before its children
        parent = parents.get(scope.location) or ""
        names = merged.get(parent)
        if names is None:
            names = merged[parent] = {**assigned.get(parent, {}), **outer.get(parent, {})}
        outer[scope.location] = names
    return outer


def check_variable_scopes(w: Walk) -> Iterator[Diagnostic]:
    """An inner scope (branch, processor) must not assign a name an outer scope assigns."""
    assigned = _assigned_by_scope(w)
    if not any(location for location in assigned):
        return           # nothing is assigned inside a branch or processor
    outer = _outer_names(w, assigned)
    for state in w.states:
        visible = outer.get(state.scope.location)
        if not visible:
            continue
        for tokens, block in assign_blocks(state):
            for key in block:
                name = variable_name(state, key)
                if name in visible:
                    yield error(SCHEMA_VALIDATION_FAILED,
                                f"The variable '{name}' is already assigned in an outer scope "
                                f"(state '{visible[name]}'); variable names must be unique "
                                "across nesting levels", state.at(*tokens, key), state.name)

"""Graph checks (asl-inventory §17.2): transition targets, reachability, terminal states, depth.

Every machine (top level, each Parallel branch, each Map processor) is its own scope: its
transitions may only name states of the same ``States`` object.
"""
from __future__ import annotations

from collections import deque
from typing import Any, Iterator

from workflow.diagnostics import (MISSING_END_STATE, MISSING_TRANSITION_TARGET,
                                  TOO_DEEPLY_NESTED, Diagnostic, error, pointer)
from workflow.validation.support import catchers, choice_rules, kind
from workflow.validation.walk import Scope, StateRef, Walk

# AWS documents no number for TOO_DEEPLY_NESTED. Real workflows nest a handful of machines; the
# loader already refuses JSON deeper than 200 levels (workflow.source.MAX_NESTING) and each
# machine level costs 3-4 JSON levels, so 40 keeps this check reachable from text and from
# dicts built in code, and keeps the recursive compiler/interpreter (a few Python frames per
# level) far below the default recursion limit of 1000.
MAX_MACHINE_DEPTH = 40

_TERMINAL_TYPES = frozenset({"Succeed", "Fail"})


def transitions(state: StateRef) -> list[tuple[str, tuple[str | int, ...]]]:
    """(target, pointer tokens below the state) of every string-valued transition field."""
    node = state.node
    state_type = kind(state)
    found: list[tuple[str, tuple[str | int, ...]]] = []
    if state_type == "Choice":
        for i, rule in choice_rules(state):
            if isinstance(rule.get("Next"), str):
                found.append((rule["Next"], ("Choices", i, "Next")))
        if isinstance(node.get("Default"), str):
            found.append((node["Default"], ("Default",)))
        return found
    if state_type in _TERMINAL_TYPES:
        return found     # Next on Succeed/Fail is an unsupported field: the schema stage says so
    if isinstance(node.get("Next"), str):
        found.append((node["Next"], ("Next",)))
    if "Catch" in node:
        for i, catcher in catchers(state):
            target = catcher.get("Next")
            if isinstance(target, str):
                found.append((target, ("Catch", i, "Next")))
    return found


def all_transitions(w: Walk) -> list[list[tuple[str, tuple[str | int, ...]]]]:
    """``transitions`` of every state of the walk, in ``w.states`` order (computed once)."""
    found = w.shared.get("transitions")
    if found is None:
        found = w.shared["transitions"] = [transitions(state) for state in w.states]
    return found


def is_terminal(state: StateRef) -> bool:
    if kind(state) in _TERMINAL_TYPES:
        return True
    end = state.node.get("End", False)
    # A non-boolean End is the schema stage's finding; counting it as terminal avoids a
    # second, consequential MISSING_END_STATE.
    return kind(state) != "Choice" and (end is True or not isinstance(end, bool))


def _has_states(scope: Scope) -> bool:
    return isinstance(scope.node.get("States"), dict)


def _homes(w: Walk) -> dict[str, list[Scope]]:
    homes: dict[str, list[Scope]] = {}
    for scope in w.scopes:
        for name in scope.states:
            homes.setdefault(name, []).append(scope)
    return homes


def _describe(scope: Scope) -> str:
    if scope.kind == "top":
        return "the top-level States"
    kind = "Parallel branch" if scope.kind == "branch" else "Map processor"
    return f"the {kind} at {scope.location}"


def _missing(target: str, location: str, state: str | None, here: Scope,
             homes: dict[str, list[Scope]]) -> Diagnostic:
    message = f"Missing 'Next' target: {target}"
    elsewhere = [s for s in homes.get(target, ()) if s.location != here.location]
    if elsewhere:
        message += (f" (a state of that name exists in {_describe(elsewhere[0])}; transitions "
                    "cannot cross into or out of a Parallel branch or Map processor)")
    return error(MISSING_TRANSITION_TARGET, message, location, state)


def check_transitions(w: Walk) -> Iterator[Diagnostic]:
    """StartAt and every Next / Default / Choice rule Next / Catcher Next name a sibling."""
    homes = _homes(w)
    for scope in w.scopes:
        start = scope.start_at
        if _has_states(scope) and isinstance(start, str) and start not in scope.states:
            yield _missing(start, scope.location + pointer("StartAt"), scope.parent_state,
                           scope, homes)
    for state, found in zip(w.states, all_transitions(w)):
        names = state.scope.states
        for target, tokens in found:
            if target not in names:
                yield _missing(target, state.at(*tokens), state.name, state.scope, homes)


def _group_by_scope(w: Walk) -> dict[str, list[StateRef]]:
    groups: dict[str, list[StateRef]] = {}
    for state in w.states:
        groups.setdefault(state.scope.location, []).append(state)
    return groups


def _reachable(start: Any, refs: dict[str, StateRef],
               targets: dict[int, list[tuple[str, tuple[str | int, ...]]]]) -> set[str]:
    if not isinstance(start, str) or start not in refs:
        return set()
    seen = {start}
    queue = deque([start])
    while queue:
        for target, _tokens in targets[id(refs[queue.popleft()])]:
            if target in refs and target not in seen:
                seen.add(target)
                queue.append(target)
    return seen


def check_reachability(w: Walk) -> Iterator[Diagnostic]:
    """A terminal state per machine; then every state reachable from StartAt.

    AWS suppresses the reachability findings of a machine that has no terminal state.
    """
    groups = _group_by_scope(w)
    targets = {id(state): found for state, found in zip(w.states, all_transitions(w))}
    for scope in w.scopes:
        refs = {s.name: s for s in groups.get(scope.location, ())}
        if not refs:
            continue
        if not any(is_terminal(s) for s in refs.values()):
            yield error(MISSING_END_STATE, "Workflow has no terminal state", scope.location,
                        scope.parent_state)
            continue
        reached = _reachable(scope.start_at, refs, targets)
        for name, state in refs.items():
            if name not in reached:
                yield error(MISSING_TRANSITION_TARGET, f'State "{name}" is not reachable.',
                            state.location, name)


def check_nesting(w: Walk) -> Iterator[Diagnostic]:
    """Report the outermost machine of each chain that is nested too deeply (once)."""
    for scope in w.scopes:
        if scope.depth == MAX_MACHINE_DEPTH + 1:
            yield error(TOO_DEEPLY_NESTED,
                        f"Parallel branches and Map processors are nested more than "
                        f"{MAX_MACHINE_DEPTH} levels deep", scope.location, scope.parent_state)

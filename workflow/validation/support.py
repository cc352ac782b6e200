"""Helpers shared by the semantic checks: cached expression parsing, value shapes, iteration.

Every parse goes through an LRU cache so that one check pass parses each distinct expression
text once, however many fields or checks look at it (and re-validating is nearly free).
"""
from __future__ import annotations

import datetime
import re
from functools import lru_cache
from typing import Any, Iterable, Iterator, Union

from workflow.errors import ExpressionSyntaxError
from workflow.expressions import intrinsics, jsonata, jsonpath
from workflow.validation.walk import JSONATA, JSONPATH, StateRef, Walk, nested_machines

Parsed = Union[Any, ExpressionSyntaxError]

TRANSITIONING_TYPES = frozenset({"Task", "Pass", "Wait", "Parallel", "Map"})
RETRYING_TYPES = frozenset({"Task", "Parallel", "Map"})
ASSIGNING_TYPES = frozenset({"Task", "Pass", "Wait", "Parallel", "Map", "Choice"})

_CACHE_SIZE = 8192


@lru_cache(maxsize=_CACHE_SIZE)
def parse_path(text: str) -> Parsed:
    try:
        return jsonpath.parse_path(text)
    except ExpressionSyntaxError as exc:
        return exc.with_traceback(None)


@lru_cache(maxsize=_CACHE_SIZE)
def parse_reference_path(text: str) -> Parsed:
    try:
        return jsonpath.parse_reference_path(text)
    except ExpressionSyntaxError as exc:
        return exc.with_traceback(None)


@lru_cache(maxsize=_CACHE_SIZE)
def parse_intrinsic(text: str) -> Parsed:
    try:
        return intrinsics.parse_intrinsic(text)
    except ExpressionSyntaxError as exc:
        return exc.with_traceback(None)


@lru_cache(maxsize=_CACHE_SIZE)
def parse_jsonata(text: str) -> Parsed:
    try:
        return jsonata.parse_jsonata(text)
    except ExpressionSyntaxError as exc:
        return exc.with_traceback(None)


def is_intrinsic_call(text: str) -> bool:
    return intrinsics.is_intrinsic_call(text)


def is_jsonata(value: Any) -> bool:
    return isinstance(value, str) and jsonata.is_jsonata(value)


def is_failure(parsed: Parsed) -> bool:
    return isinstance(parsed, ExpressionSyntaxError)


# asl-inventory §1.2: RFC 3339 profile: uppercase T, uppercase Z unless a numeric offset is given.
_RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:Z|[+-](\d{2}):(\d{2}))\Z")


def is_rfc3339(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    match = _RFC3339.match(value)
    if not match:
        return False
    year, month, day, hour, minute, second, off_h, off_m = match.groups()
    try:
        datetime.datetime(int(year), int(month), int(day), int(hour), int(minute), int(second))
    except ValueError:
        return False
    return off_h is None or (int(off_h) < 24 and int(off_m) < 60)


def looks_like_path(value: Any) -> bool:
    """The AWS NO_DOLLAR / NO_PATH heuristic: a string that reads like a JSONPath."""
    return isinstance(value, str) and (value.startswith("$.") or value.startswith("$$."))


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def kind(state: StateRef) -> str | None:
    """The state's Type when it is a string (anything else is the schema stage's finding and
    must not reach a set or dict lookup, where an unhashable value would raise)."""
    return state.kind


def indexed_dicts(value: Any) -> Iterable[tuple[int, dict[str, Any]]]:
    """(index, element) of each object in ``value`` when it is a list; nothing otherwise."""
    if not isinstance(value, list):
        return ()
    return [(i, item) for i, item in enumerate(value) if isinstance(item, dict)]


# The three below run for every state in several checks: they return () at once when the
# state cannot have the field, rather than creating a generator.
def retriers(state: StateRef) -> Iterable[tuple[int, dict[str, Any]]]:
    if state.kind in RETRYING_TYPES:
        return indexed_dicts(state.node.get("Retry"))
    return ()


def catchers(state: StateRef) -> Iterable[tuple[int, dict[str, Any]]]:
    if state.kind in RETRYING_TYPES:
        return indexed_dicts(state.node.get("Catch"))
    return ()


def choice_rules(state: StateRef) -> Iterable[tuple[int, dict[str, Any]]]:
    if state.kind == "Choice":
        return indexed_dicts(state.node.get("Choices"))
    return ()


def sub_object(node: dict[str, Any], key: str) -> dict[str, Any] | None:
    value = node.get(key)
    return value if isinstance(value, dict) else None


def dig(node: dict[str, Any], tokens: tuple[str | int, ...]) -> dict[str, Any] | None:
    """The object at ``tokens`` below ``node``, if every step on the way is an object."""
    for token in tokens:
        value = node.get(token)  # type: ignore[call-overload]
        if not isinstance(value, dict):
            return None
        node = value
    return node


def rows_by_type(rows: tuple[Any, ...]) -> dict[str, tuple[Any, ...]]:
    """Index a field table whose rows start with a set of state types, by state type, so a
    check only visits the rows that can apply to a state."""
    index: dict[str, list[Any]] = {}
    for row in rows:
        for state_type in row[0]:
            index.setdefault(state_type, []).append(row)
    return {state_type: tuple(found) for state_type, found in index.items()}


def states_in(w: Walk, language: str) -> Iterator[StateRef]:
    return (s for s in w.states if s.query_language == language)


def jsonpath_states(w: Walk) -> Iterator[StateRef]:
    return states_in(w, JSONPATH)


def jsonata_states(w: Walk) -> Iterator[StateRef]:
    return states_in(w, JSONATA)


def parent_scopes(w: Walk) -> dict[str, str | None]:
    """Location of each machine -> location of the machine that contains it (None at the top)."""
    parents: dict[str, str | None] = {"": None}
    for state in w.states:
        for _machine, location, _kind in nested_machines(state):
            parents[location] = state.scope.location
    return parents

"""All validation stages in order, and the finishing touches: positions, order, sorting."""
from __future__ import annotations

from dataclasses import replace
from typing import Any, Iterable

from workflow._gc import collector_paused
from workflow.diagnostics import Diagnostic, sort_diagnostics, split_pointer
from workflow.source import Source
from workflow.validation.walk import walk


def check_document(document: dict[str, Any]) -> list[Diagnostic]:
    """Every finding of the schema stage and of every semantic check, unsorted."""
    from workflow.validation.schema import check_schema
    from workflow.validation.semantic import SEMANTIC_CHECKS

    w = walk(document)
    found = list(check_schema(w))
    for check in SEMANTIC_CHECKS:
        found.extend(check(w))
    return found


def validate_source(source: Source) -> list[Diagnostic]:
    with collector_paused():
        found = list(source.problems)
        if source.ok and isinstance(source.document, dict):
            found.extend(check_document(source.document))
        return finish(found, source)


def finish(found: Iterable[Diagnostic], source: Source | None = None) -> list[Diagnostic]:
    document = source.document if source else None
    placed = []
    key_positions: dict[int, dict[Any, int]] = {}
    for diag in found:
        order = document_order(document, diag.location, key_positions)
        position = source.position(diag.location) if source and diag.line is None else None
        if position:
            diag = diag.with_position(*position)
        state = diag.state if diag.state is not None else state_of(diag.location)
        placed.append(replace(diag, order=order, state=state))
    return sort_diagnostics(placed)


def document_order(document: Any, location: str,
                   key_positions: dict[int, dict[Any, int]] | None = None) -> tuple[int, ...]:
    """Position of ``location`` in a depth-first, document-order walk, as a sortable tuple.
    ``key_positions`` (id of an object -> {key: index}) lets the findings of one document share
    the key indexes, instead of a list(node).index() per finding (quadratic in the findings)."""
    order: list[int] = []
    node = document
    for token in split_pointer(location):
        if isinstance(node, dict):
            if key_positions is None:
                positions = {key: i for i, key in enumerate(node)}
            else:
                positions = key_positions.get(id(node))     # type: ignore[assignment]
                if positions is None:
                    positions = key_positions[id(node)] = {key: i for i, key in enumerate(node)}
            if token not in node:
                order.append(len(positions))
                break
            order.append(positions[token])
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            order.append(int(token))
            node = node[int(token)]
        else:
            order.append(1 << 30)
            break
    return tuple(order)


def state_of(location: str) -> str | None:
    """The innermost state a pointer is in: the token after the last ``States``."""
    tokens = split_pointer(location)
    for i in range(len(tokens) - 2, -1, -1):
        if tokens[i] == "States" and (i == 0 or tokens[i - 1] != "States"):
            return tokens[i + 1]
    return None

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
    for diag in found:
        order = document_order(document, diag.location)
        position = source.position(diag.location) if source and diag.line is None else None
        if position:
            diag = diag.with_position(*position)
        state = diag.state if diag.state is not None else state_of(diag.location)
        placed.append(replace(diag, order=order, state=state))
    return sort_diagnostics(placed)


def document_order(document: Any, location: str) -> tuple[int, ...]:
    """Position of ``location`` in a depth-first, document-order walk, as a sortable tuple."""
    order: list[int] = []
    node = document
    for token in split_pointer(location):
        if isinstance(node, dict):
            keys = list(node)
            if token not in node:
                order.append(len(keys))
                break
            order.append(keys.index(token))
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

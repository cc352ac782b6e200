"""Definitions through the API: JSON text only (never a path, never YAML), validated with
the engine's validator; errors become InvalidDefinition worded as AWS words it."""
from __future__ import annotations

from typing import Any

from workflow import diagnostics as d
from workflow.api.errors import ApiError
from workflow.diagnostics import Diagnostic
from workflow.source import Source, parse_text
from workflow.validation.pipeline import validate_source


def _source(text: str) -> Source:
    if text.lstrip()[:1] not in ("{", ""):
        # AWS reads JSON only; parse_text would also accept YAML.
        return Source("<definition>", text, None, [d.error(
            d.INVALID_JSON_DESCRIPTION, "The definition must be a JSON object.")])
    return parse_text(text, "<definition>")


def diagnose(text: str) -> list[Diagnostic]:
    return validate_source(_source(text))


def invalid_definition(found: list[Diagnostic]) -> ApiError:
    """``Invalid State Machine Definition: 'CODE: message at /location, CODE: ...'``."""
    parts = [f"{x.code}: {x.message} at {x.location or 'null'}" for x in found if x.is_error]
    return ApiError("InvalidDefinition",
                    f"Invalid State Machine Definition: '{', '.join(parts)}'")


def check_definition(text: str) -> None:
    found = diagnose(text)
    if any(x.is_error for x in found):
        raise invalid_definition(found)


def compile_definition(text: str) -> Any:
    from workflow.model.machine import StateMachine
    source = _source(text)
    found = validate_source(source)
    if any(x.is_error for x in found):
        raise invalid_definition(found)
    return StateMachine.from_document(source.document, tuple(found), "<definition>")

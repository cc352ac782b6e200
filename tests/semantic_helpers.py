"""Shared helpers for the semantic-check tests."""
from __future__ import annotations

from typing import Any

from workflow.diagnostics import Diagnostic, Severity
from workflow.validation.semantic import SEMANTIC_CHECKS
from workflow.validation.walk import walk

END: dict[str, Any] = {"Type": "Pass", "End": True}
SUCCEED: dict[str, Any] = {"Type": "Succeed"}
LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:f"


def machine(states: dict[str, Any], start: str | None = None, **top: Any) -> dict[str, Any]:
    return {"StartAt": start if start is not None else next(iter(states)), "States": states,
            **top}


def one_state(state: dict[str, Any], name: str = "S", **top: Any) -> dict[str, Any]:
    return machine({name: state}, **top)


def run(document: dict[str, Any]) -> list[Diagnostic]:
    w = walk(document)
    return [d for check in SEMANTIC_CHECKS for d in check(w)]


def errors(document: dict[str, Any]) -> list[Diagnostic]:
    return [d for d in run(document) if d.is_error]


def assert_clean(document: dict[str, Any]) -> None:
    found = run(document)
    assert found == [], "\n".join(d.format() for d in found)


def assert_only(document: dict[str, Any], code: str, location: str, state: str | None,
                message: str | None = None,
                severity: Severity = Severity.ERROR) -> Diagnostic:
    """The definition yields exactly one semantic finding, and it is this one."""
    found = run(document)
    assert len(found) == 1, "\n".join(d.format() for d in found) or "no finding"
    return assert_diagnostic(found[0], code, location, state, message, severity)


def assert_has(document: dict[str, Any], code: str, location: str, state: str | None,
               message: str | None = None,
               severity: Severity = Severity.ERROR) -> Diagnostic:
    found = [d for d in run(document) if d.code == code and d.location == location]
    assert len(found) == 1, "\n".join(d.format() for d in run(document))
    return assert_diagnostic(found[0], code, location, state, message, severity)


def assert_diagnostic(found: Diagnostic, code: str, location: str, state: str | None,
                      message: str | None, severity: Severity) -> Diagnostic:
    assert (found.code, found.location, found.state, found.severity) == \
        (code, location, state, severity), found.format()
    if message is not None:
        assert message in found.message, found.message
    return found

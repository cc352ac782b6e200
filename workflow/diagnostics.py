"""Validation findings as values: severity, stable code, message, JSON-pointer location, state."""
from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from typing import Iterable, Sequence


class Severity(str, enum.Enum):
    ERROR = "ERROR"
    WARNING = "WARNING"


# AWS ValidateStateMachineDefinition codes (see asl-inventory §17.1) plus our own, stable names.
SCHEMA_VALIDATION_FAILED = "SCHEMA_VALIDATION_FAILED"
INVALID_JSON_DESCRIPTION = "INVALID_JSON_DESCRIPTION"
MISSING_DESCRIPTION = "MISSING_DESCRIPTION"
MISSING_TRANSITION_TARGET = "MISSING_TRANSITION_TARGET"
MISSING_END_STATE = "MISSING_END_STATE"
DUPLICATE_STATE_NAME = "DUPLICATE_STATE_NAME"
INVALID_STATE_NAME = "INVALID_STATE_NAME"
DUPLICATE_LABEL_NAME = "DUPLICATE_LABEL_NAME"
INVALID_LABEL_NAME = "INVALID_LABEL_NAME"
TOO_DEEPLY_NESTED = "TOO_DEEPLY_NESTED"
INVALID_RESOURCE = "INVALID_RESOURCE"
INVALID_JSONATA_EXPRESSION = "INVALID_JSONATA_EXPRESSION"
UNSUPPORTED_JSONATA_EXPRESSION = "UNSUPPORTED_JSONATA_EXPRESSION"
# Warnings AWS emits.
NO_DOLLAR = "NO_DOLLAR"
NO_PATH = "NO_PATH"
PASS_RESULT_IS_STATIC = "PASS_RESULT_IS_STATIC"


def escape_token(token: str | int) -> str:
    """RFC 6901 escaping of one reference token."""
    text = token if type(token) is str else str(token)
    if "~" in text or "/" in text:
        return text.replace("~", "~0").replace("/", "~1")
    return text


def pointer(*tokens: str | int) -> str:
    return "/" + "/".join(map(escape_token, tokens)) if tokens else ""


def split_pointer(ptr: str) -> list[str]:
    if not ptr:
        return []
    return [t.replace("~1", "/").replace("~0", "~") for t in ptr[1:].split("/")]


@dataclass(frozen=True, order=False)
class Diagnostic:
    """One finding. ``location`` is a JSON pointer into the definition ('' = whole document)."""

    severity: Severity
    code: str
    message: str
    location: str = ""
    state: str | None = None
    line: int | None = None
    column: int | None = None
    # Depth-first document order of the location, filled in by the locator; used for ordering.
    order: tuple[int, ...] = field(default=(), compare=False)

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def with_position(self, line: int | None, column: int | None) -> "Diagnostic":
        return replace(self, line=line, column=column)

    def format(self, filename: str = "<definition>") -> str:
        """``file:line:col: severity code message (at /pointer)``."""
        where = filename
        if self.line is not None:
            where += f":{self.line}:{self.column or 1}"
        at = f" (at {self.location})" if self.location else ""
        state = f" [state {self.state!r}]" if self.state else ""
        return f"{where}: {self.severity.value.lower()} {self.code} {self.message}{at}{state}"

    def to_aws(self) -> dict[str, str]:
        """One entry of ValidateStateMachineDefinition's ``diagnostics`` list."""
        out = {"severity": self.severity.value, "code": self.code, "message": self.message}
        if self.location:
            out["location"] = self.location
        return out


def error(code: str, message: str, location: str = "", state: str | None = None) -> Diagnostic:
    return Diagnostic(Severity.ERROR, code, message, location, state)


def warning(code: str, message: str, location: str = "", state: str | None = None) -> Diagnostic:
    return Diagnostic(Severity.WARNING, code, message, location, state)


def sort_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Errors before warnings, then document order, then code; duplicates dropped."""
    unique = dict.fromkeys(diagnostics)
    return sorted(unique, key=lambda d: (d.severity is not Severity.ERROR, d.order, d.location, d.code))


# Codes that say the document's shape is wrong: they explain later findings, so they lead.
_HEADLINE_RANK = {
    INVALID_JSON_DESCRIPTION: 0,
    MISSING_DESCRIPTION: 0,
    TOO_DEEPLY_NESTED: 1,
    SCHEMA_VALIDATION_FAILED: 2,
    DUPLICATE_STATE_NAME: 3,
    MISSING_END_STATE: 4,
    MISSING_TRANSITION_TARGET: 5,
}


def best_match(diagnostics: Sequence[Diagnostic]) -> Diagnostic | None:
    """The single finding most worth reading first (python-jsonschema's ``best_match`` idea):
    an error before a warning, a structural problem before its consequences, the shallowest
    location, then document order."""
    if not diagnostics:
        return None
    return min(
        diagnostics,
        key=lambda d: (
            not d.is_error,
            _HEADLINE_RANK.get(d.code, 6),
            d.order[:1],
            len(split_pointer(d.location)),
            d.order,
        ),
    )


def aws_result(diagnostics: Sequence[Diagnostic]) -> dict[str, object]:
    """The response shape of ValidateStateMachineDefinition."""
    ok = not any(d.is_error for d in diagnostics)
    return {"result": "OK" if ok else "FAIL", "diagnostics": [d.to_aws() for d in diagnostics],
            "truncated": False}

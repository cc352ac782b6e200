"""The documented exception tree of the ``workflow`` package.

    SfnError                      base of everything this package raises on purpose
    ├── InputError                unreadable or malformed input (file, text, CLI argument); exit 2
    │   └── SourceError           a definition file that is not a JSON/YAML document we accept
    ├── DefinitionError           a definition with validation errors; carries every Diagnostic
    ├── ExpressionSyntaxError     a path, intrinsic call or JSONata text that does not parse
    └── StatesError               a run-time ASL error: ``error`` and ``cause`` exactly as AWS
                                  names them (States.Runtime, States.IntrinsicFailure, ...)

The interpreter core turns a raised StatesError into a value (a failed state / a Catch).
"""
from __future__ import annotations

from typing import Sequence

from workflow.diagnostics import Diagnostic, best_match


class SfnError(Exception):
    """Base class. ``exit_code`` is what the CLI exits with when this reaches it."""

    exit_code = 1


class InputError(SfnError):
    exit_code = 2


class SourceError(InputError):
    """``where`` names the file (or ``<text>``) so the message is one located line."""

    def __init__(self, message: str, where: str = "<definition>") -> None:
        super().__init__(f"{where}: {message}")
        self.where = where
        self.reason = message


class DefinitionError(SfnError):
    """Raised by ``workflow.load`` when the definition has errors; warnings never raise."""

    exit_code = 2

    def __init__(self, diagnostics: Sequence[Diagnostic], where: str = "<definition>") -> None:
        self.diagnostics = list(diagnostics)
        self.where = where
        head = best_match([d for d in self.diagnostics if d.is_error]) or best_match(self.diagnostics)
        count = sum(d.is_error for d in self.diagnostics)
        summary = head.format(where) if head else f"{where}: invalid definition"
        more = f" (and {count - 1} more error{'s' if count > 2 else ''})" if count > 1 else ""
        super().__init__(summary + more)


class ExpressionSyntaxError(SfnError):
    """A path / intrinsic / JSONata expression that does not parse. ``position`` is a 0-based
    character offset into the expression text when known."""

    def __init__(self, message: str, text: str = "", position: int | None = None) -> None:
        super().__init__(message)
        self.text = text
        self.position = position


class StatesError(SfnError):
    """An ASL run-time error. ``error`` is the ASL error name, ``cause`` the human text."""

    def __init__(self, error: str, cause: str = "") -> None:
        super().__init__(f"{error}: {cause}" if cause else error)
        self.error = error
        self.cause = cause

    def as_output(self) -> dict[str, str]:
        """AWS's error output ``{"Error", "Cause"}``."""
        return {"Error": self.error, "Cause": self.cause}

"""The functions service's refusals, named as Lambda names them (lambda-xray.md §2)."""
from __future__ import annotations

from workflow.errors import SfnError


class FunctionServiceError(SfnError):
    """``error`` is Lambda's exception name (``ResourceNotFoundException``), ``status`` its HTTP
    status; the CLI prints ``error: message`` and exits 1 (2 for a bad parameter)."""

    def __init__(self, error: str, message: str, status: int = 400) -> None:
        super().__init__(f"{error}: {message}")
        self.error = error
        self.message = message
        self.status = status
        self.exit_code = 2 if status == 400 else 1


def not_found(what: str) -> FunctionServiceError:
    return FunctionServiceError("ResourceNotFoundException", what, 404)


def conflict(message: str) -> FunctionServiceError:
    return FunctionServiceError("ResourceConflictException", message, 409)


def invalid(message: str) -> FunctionServiceError:
    return FunctionServiceError("InvalidParameterValueException", message, 400)


def precondition(message: str) -> FunctionServiceError:
    return FunctionServiceError("PreconditionFailedException", message, 412)

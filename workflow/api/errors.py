"""AWS-shaped API errors: ``{"__type": "<namespace>#<Name>", "message": ...}`` with the HTTP
status AWS uses. SDKs read the part after ``#`` as the error code (asl-inventory §15.1)."""
from __future__ import annotations

import json
from typing import Any

SFN = "com.amazonaws.swf.service.v2.model"
CORAL = "com.amazon.coral.service"
VALIDATE = "com.amazon.coral.validate"

# Errors that do not live in Step Functions' own namespace, with their HTTP status.
_NAMESPACES: dict[str, tuple[str, int]] = {
    "ValidationException": (VALIDATE, 400),
    "UnknownOperationException": (CORAL, 400),
    "SerializationException": (CORAL, 400),
    "InvalidSignatureException": (CORAL, 400),
    "IncompleteSignatureException": (CORAL, 400),
    "UnrecognizedClientException": (CORAL, 400),
    "MissingAuthenticationTokenException": (CORAL, 400),
    "RequestEntityTooLargeException": (CORAL, 413),
    "InternalFailure": (CORAL, 500),
    "ConflictException": (SFN, 409),
}


class ApiError(Exception):
    """One error response. ``extra`` adds members (e.g. ``reason`` of ValidationException)."""

    def __init__(self, code: str, message: str | None = None, **extra: Any) -> None:
        super().__init__(message or code)
        self.code = code
        self.message = message
        self.extra = extra

    @property
    def status(self) -> int:
        return _NAMESPACES.get(self.code, (SFN, 400))[1]

    def body(self) -> dict[str, Any]:
        namespace = _NAMESPACES.get(self.code, (SFN, 400))[0]
        shape: dict[str, Any] = {"__type": f"{namespace}#{self.code}"}
        if self.message is not None:
            shape["message"] = self.message
        shape.update(self.extra)
        return shape

    def payload(self) -> bytes:
        return json.dumps(self.body(), ensure_ascii=False).encode()


def validation(message: str, reason: str | None = None) -> ApiError:
    return ApiError("ValidationException", message, **({"reason": reason} if reason else {}))


def missing_machine(arn: str) -> ApiError:
    return ApiError("StateMachineDoesNotExist", f"State Machine Does Not Exist: '{arn}'")


def missing_execution(arn: str) -> ApiError:
    return ApiError("ExecutionDoesNotExist", f"Execution Does Not Exist: '{arn}'")


def missing_activity(arn: str) -> ApiError:
    return ApiError("ActivityDoesNotExist", f"Activity Does Not Exist: '{arn}'")


def invalid_arn(arn: str, why: str = "") -> ApiError:
    return ApiError("InvalidArn", f"Invalid Arn: '{why or arn}'")


def invalid_name(name: str) -> ApiError:
    return ApiError("InvalidName", f"Invalid Name: '{name}'")


def invalid_token(token: str) -> ApiError:
    return ApiError("InvalidToken", f"Invalid Token: '{token}'")


def not_found(arn: str) -> ApiError:
    return ApiError("ResourceNotFound", f"Resource not found: '{arn}'", resourceName=arn)

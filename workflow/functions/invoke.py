"""The one invocation interface every function backend implements.

``LocalInvoker`` (in-process handlers) implements it now; the functions service (uploaded code,
versions, aliases, sandboxed runtime processes) will implement it too. Requests and results are
plain dataclasses of JSON values so they can cross a broker. The shapes follow Lambda's Invoke
API (lambda-xray.md §2): a function error is a *successful* invocation (status 200) whose
``function_error`` is set; only a service error (unknown function, bad parameter) has no payload.
"""
from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any, Protocol

REQUEST_RESPONSE = "RequestResponse"
EVENT = "Event"
DRY_RUN = "DryRun"
INVOCATION_TYPES = (REQUEST_RESPONSE, EVENT, DRY_RUN)
LOG_TYPES = ("None", "Tail")
LATEST = "$LATEST"
DEFAULT_TIMEOUT_SECONDS = 3        # Lambda's default function timeout (lambda-xray.md §1)
DEFAULT_MEMORY_MB = 128


def to_json(value: Any) -> str:
    """Serialise a payload as the Python runtime does (default separators, UTF-8 kept);
    raises TypeError/ValueError when ``value`` is not JSON."""
    return json.dumps(value, ensure_ascii=False, allow_nan=False, default=_decimal)


def _decimal(value: Any) -> Any:
    # awslambdaric encodes Decimal as a number (boto3's DynamoDB values are Decimals).
    if isinstance(value, Decimal) and value.is_finite():
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def new_request_id() -> str:
    return str(uuid.uuid4())


@dataclass(frozen=True)
class InvocationRequest:
    """One Invoke call. ``timeout_seconds`` None means the function's configured timeout;
    ``deadline_ms`` (epoch milliseconds, Lambda's ``Lambda-Runtime-Deadline-Ms``) wins over
    both when the caller already knows the deadline."""

    function_name: str
    payload: Any = None
    qualifier: str | None = None
    invocation_type: str = REQUEST_RESPONSE
    timeout_seconds: float | None = None
    request_id: str = field(default_factory=new_request_id)
    deadline_ms: int | None = None
    log_type: str = "None"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "InvocationRequest":
        return cls(**data)


@dataclass(frozen=True)
class ServiceError:
    """The Lambda service refused the call: ``error`` is Lambda's exception name
    (``ResourceNotFoundException``), ``message`` its message; Step Functions prefixes ``Lambda.``."""

    error: str
    message: str
    status_code: int = 400


@dataclass(frozen=True)
class InvocationResult:
    request_id: str
    status_code: int = 200
    payload: Any = None
    function_error: str | None = None     # None, "Unhandled" or "Handled"
    executed_version: str | None = LATEST
    log_result: str | None = None         # base64 of the last 4 KB of the log (LogType Tail)
    duration_ms: float = 0.0
    init_duration_ms: float | None = None  # set on the invocation that loaded the code
    logs: list[str] = field(default_factory=list)
    service_error: ServiceError | None = None
    finished_at: float = 0.0              # epoch seconds, for the HTTP Date header
    payload_text: str | None = None       # the payload exactly as the runtime serialised it

    @property
    def ok(self) -> bool:
        return self.service_error is None and self.function_error is None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "InvocationResult":
        fields = dict(data)
        if fields.get("service_error") is not None:
            fields["service_error"] = ServiceError(**fields["service_error"])
        return cls(**fields)


def service_failure(request: InvocationRequest, error: str, message: str,
                    status_code: int) -> InvocationResult:
    return InvocationResult(request.request_id, status_code=status_code, executed_version=None,
                            service_error=ServiceError(error, message, status_code))


class Invoker(Protocol):
    def invoke(self, request: InvocationRequest) -> InvocationResult: ...

"""The service's records: a function's configuration (``$LATEST`` or a frozen version), an
alias, and one invocation's meter reading. All are plain JSON so any store keeps them as text.

Limits follow Lambda's classic documented ones (lambda-xray.md §1): memory 128-10,240 MB,
timeout 1-900 s, environment ≤ 4 KB with Lambda's reserved names refused.
"""
from __future__ import annotations

import base64
import re
import time
import uuid
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any, Mapping

from workflow.functions.context import function_arn
from workflow.functions.service.errors import invalid

LATEST = "$LATEST"
RUNTIMES = ("python3.11", "python3.12", "nodejs20", "provided")
_RUNTIME_ALIASES = {"nodejs20.x": "nodejs20", "provided.al2": "provided",
                    "provided.al2023": "provided"}
MEMORY_RANGE = (128, 10240)
TIMEOUT_RANGE = (1, 900)
ENV_LIMIT_BYTES = 4096
NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
ALIAS = re.compile(r"^(?!^[0-9]+$)[A-Za-z0-9_-]{1,128}$")
_ENV_KEY = re.compile(r"^[a-zA-Z][a-zA-Z0-9_]*$")
RESERVED_ENV = frozenset({
    "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
    "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR"})
# The fields a published version freezes; publishing again with none changed is a no-op.
FROZEN = ("runtime", "handler", "code_sha256", "memory_mb", "timeout_s", "environment",
          "description")


def now_iso() -> str:
    """Lambda's LastModified format: ``2024-01-02T03:04:05.678+0000``."""
    now = time.time()
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + f".{int(now * 1000) % 1000:03d}+0000"


def check_name(name: str) -> str:
    if not NAME.match(name or ""):
        raise invalid(f"function name {name!r} must be 1-64 letters, digits, '-' or '_'")
    return name


def check_runtime(runtime: str) -> str:
    canonical = _RUNTIME_ALIASES.get(runtime, runtime)
    if canonical not in RUNTIMES:
        raise invalid(f"runtime {runtime!r} is not supported: use one of {', '.join(RUNTIMES)}")
    return canonical


def check_range(what: str, value: int, bounds: tuple[int, int]) -> int:
    if not isinstance(value, int) or not bounds[0] <= value <= bounds[1]:
        raise invalid(f"{what} {value!r} is outside {bounds[0]}-{bounds[1]}")
    return value


def check_environment(env: Mapping[str, str]) -> dict[str, str]:
    for key, value in env.items():
        if not _ENV_KEY.match(key):
            raise invalid(f"environment variable name {key!r} must start with a letter and hold "
                          f"only letters, digits and '_'")
        if key in RESERVED_ENV:
            raise invalid(f"environment variable {key} is reserved by Lambda")
        if not isinstance(value, str):
            raise invalid(f"environment variable {key} must be a string")
    size = sum(len(k.encode()) + len(v.encode()) for k, v in env.items())
    if size > ENV_LIMIT_BYTES:
        raise invalid(f"environment variables take {size} bytes; Lambda allows {ENV_LIMIT_BYTES}")
    return dict(env)


def check_handler(handler: str) -> str:
    if not handler or len(handler) > 128 or any(ch.isspace() for ch in handler):
        raise invalid(f"handler {handler!r} must be 1-128 characters without spaces")
    return handler


def sha_hex(code_sha256: str) -> str:
    """The store key of a code archive: CodeSha256 (base64) as hex."""
    return base64.b64decode(code_sha256).hex()


@dataclass(frozen=True)
class FunctionConfig:
    name: str
    runtime: str
    handler: str
    code_sha256: str                      # base64 SHA-256 of the zip, as Lambda shows it
    code_size: int
    memory_mb: int = 128
    timeout_s: int = 3
    environment: dict[str, str] = field(default_factory=dict)
    description: str = ""
    reserved_concurrency: int | None = None   # function-level: read from $LATEST
    version: str = LATEST
    last_modified: str = ""
    revision_id: str = ""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "FunctionConfig":
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

    def revised(self, **changes: Any) -> "FunctionConfig":
        return replace(self, last_modified=now_iso(), revision_id=str(uuid.uuid4()), **changes)

    def frozen_equal(self, other: "FunctionConfig") -> bool:
        return all(getattr(self, k) == getattr(other, k) for k in FROZEN)

    def arn(self, qualifier: str | None = None) -> str:
        return function_arn(self.name, qualifier)

    def to_api(self) -> dict[str, Any]:
        """GetFunctionConfiguration's shape."""
        shown = {
            "FunctionName": self.name, "FunctionArn": self.arn(
                None if self.version == LATEST else self.version),
            "Runtime": self.runtime, "Handler": self.handler, "CodeSize": self.code_size,
            "CodeSha256": self.code_sha256, "Description": self.description,
            "Timeout": self.timeout_s, "MemorySize": self.memory_mb,
            "LastModified": self.last_modified, "Version": self.version,
            "Environment": {"Variables": dict(self.environment)},
            "RevisionId": self.revision_id, "State": "Active",
            "LastUpdateStatus": "Successful", "PackageType": "Zip"}
        return shown


@dataclass(frozen=True)
class AliasRecord:
    function: str
    name: str
    function_version: str
    weights: dict[str, float] = field(default_factory=dict)   # AdditionalVersionWeights
    description: str = ""
    revision_id: str = ""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "AliasRecord":
        return cls(**dict(data))

    def to_api(self) -> dict[str, Any]:
        shown: dict[str, Any] = {
            "AliasArn": function_arn(self.function, self.name), "Name": self.name,
            "FunctionVersion": self.function_version, "Description": self.description,
            "RevisionId": self.revision_id}
        if self.weights:
            shown["RoutingConfig"] = {"AdditionalVersionWeights": dict(self.weights)}
        return shown


@dataclass
class InvocationRecord:
    """One invocation as metered and logged. ``seq`` is given by the store (for ``--follow``)."""
    function: str
    request_id: str
    started: float
    version: str = LATEST
    duration_ms: float = 0.0
    billed_ms: int = 0
    memory_mb: int = 128
    max_memory_mb: int = 0
    init_ms: float | None = None
    error: str | None = None             # FunctionError (Unhandled / Handled)
    error_type: str | None = None
    throttled: bool = False
    log: str = ""
    execution: str | None = None         # the Step Functions execution that invoked it
    state: str | None = None
    seq: int = 0

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "InvocationRecord":
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

    @property
    def gb_seconds(self) -> float:
        return self.memory_mb / 1024 * self.billed_ms / 1000

"""Where function records live: a small store of its own, beside the execution Store.

``SqliteFunctionStore`` (embedded: one file) and ``RedisFunctionStore`` (distributed: every
worker reads the same functions and code) implement ``FunctionStore``. Writes that must not
race are compare-and-set: ``put_config`` against the revision the caller read, ``add_version``
and ``create`` only if absent. Concurrency slots (reserved concurrency) are leases with an
expiry, so a worker that dies holding one frees it after ``ttl``.
"""
from __future__ import annotations

import os
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any

from workflow.functions.service.records import AliasRecord, FunctionConfig, InvocationRecord

KEEP_INVOCATIONS = 10_000           # per function, for logs and percentiles; totals are kept whole
DEFAULT_DB = os.path.join(".sfn", "functions.db")


class FunctionStore(ABC):
    # ---- code ----------------------------------------------------------------------------
    @abstractmethod
    def put_code(self, key: str, data: bytes) -> None: ...

    @abstractmethod
    def get_code(self, key: str) -> bytes | None: ...

    # ---- configurations ($LATEST and versions) -------------------------------------------
    @abstractmethod
    def create(self, config: FunctionConfig) -> bool:
        """Store a new function's $LATEST; False if the name is taken."""

    @abstractmethod
    def configs(self, name: str, versions: tuple[str, ...]) -> dict[str, FunctionConfig]:
        """The configurations of ``versions`` that exist (one read)."""

    @abstractmethod
    def put_config(self, config: FunctionConfig, expected_revision: str) -> bool:
        """Replace $LATEST if its revision is still ``expected_revision``."""

    @abstractmethod
    def next_version(self, name: str) -> int:
        """The next version number (1, 2, ...): a counter, so numbers are never reused."""

    @abstractmethod
    def add_version(self, config: FunctionConfig) -> bool:
        """Store a published version; False if that number exists."""

    @abstractmethod
    def versions(self, name: str) -> list[FunctionConfig]:
        """$LATEST first, then versions in number order."""

    @abstractmethod
    def names(self) -> list[str]: ...

    @abstractmethod
    def delete(self, name: str, version: str | None = None) -> bool:
        """The whole function (versions, aliases, totals) or one version."""

    # ---- aliases ---------------------------------------------------------------------------
    @abstractmethod
    def put_alias(self, alias: AliasRecord, create: bool) -> bool:
        """create=True: only if absent; else only if present."""

    @abstractmethod
    def aliases(self, name: str) -> list[AliasRecord]: ...

    @abstractmethod
    def delete_alias(self, name: str, alias: str) -> bool: ...

    def alias(self, name: str, alias: str) -> AliasRecord | None:
        return next((a for a in self.aliases(name) if a.name == alias), None)

    # ---- invocations, meters ------------------------------------------------------------------
    @abstractmethod
    def add_invocation(self, record: InvocationRecord) -> int:
        """Append (keeping the last KEEP_INVOCATIONS) and add to the totals; returns seq."""

    @abstractmethod
    def invocations(self, name: str, after: int = 0, limit: int = 1000) -> list[InvocationRecord]:
        """Records with seq > ``after``, oldest first, at most the newest ``limit``."""

    @abstractmethod
    def execution_invocations(self, execution: str) -> list[InvocationRecord]: ...

    @abstractmethod
    def totals(self, name: str) -> dict[str, float]:
        """invocations, errors, throttles, billed_ms, gb_seconds since the function was made."""

    # ---- concurrency slots -------------------------------------------------------------------
    @abstractmethod
    def acquire_slot(self, name: str, slot: str, limit: int, ttl: float) -> bool: ...

    @abstractmethod
    def release_slot(self, name: str, slot: str) -> None: ...

    def close(self) -> None:
        """Release connections."""

    def __enter__(self) -> "FunctionStore":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def open_function_store(url: str | None = None) -> FunctionStore:
    """``url``: ``sqlite:///path``, a plain path, or ``redis://...``. Default: SFN_FUNCTIONS_URL,
    else the distributed runner's Redis when SFN_BROKER_URL is set, else .sfn/functions.db."""
    url = url or os.environ.get("SFN_FUNCTIONS_URL")
    if not url and os.environ.get("SFN_BROKER_URL"):
        url = os.environ.get("SFN_REDIS_URL") or os.environ["SFN_BROKER_URL"]
    if url and url.startswith(("redis://", "rediss://", "unix://")):
        from workflow.functions.service.store_redis import RedisFunctionStore
        return RedisFunctionStore(url)
    from workflow.functions.service.store_sqlite import SqliteFunctionStore
    path = url[len("sqlite://"):] if url and url.startswith("sqlite://") else url
    return SqliteFunctionStore(Path(path or DEFAULT_DB))

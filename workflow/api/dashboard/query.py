"""The execution listing behind the dashboard: AWS's ListExecutions filters (machine, status)
plus a time range and an error name, newest first, paged by the store's keyset tokens.

Machine, status and time range are the store's own indexed filters (``list_executions``), so
a page costs the same at 10 or 10,000 executions. An error name is not indexed: pages of the
store's listing (narrowed to the statuses that carry an error) are scanned until a page of
matches is full or ``SCAN_LIMIT`` records were read; the returned token then points at the
last record read, so the next request goes on from there. Tokens are the store's own:
``[start_date, execution_arn]`` of the last record, valid for either store."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from workflow.store.base import ExecutionRecord, encode_page_token

STATUSES = ("RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE")
ERROR_STATUSES = ("FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE")
SCAN_PAGE = 500
SCAN_LIMIT = 20_000
MAX_PAGE = 1000


class FilterError(ValueError):
    """A filter value the dashboard cannot use (shown to the operator as is)."""


@dataclass(frozen=True)
class Filters:
    machine: str | None = None
    status: str | None = None
    started_after: float | None = None
    started_before: float | None = None
    error: str | None = None


def parse_time(value: str | None, what: str) -> float | None:
    """Epoch seconds from epoch seconds or ISO 8601 (UTC unless it says otherwise)."""
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise FilterError(f"{what}: not a time: {value!r} (use ISO 8601 or epoch seconds)")
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.timestamp()


def parse_filters(params: Any) -> Filters:
    status = params.get("status") or None
    if status is not None and status not in STATUSES:
        raise FilterError(f"status: must be one of {', '.join(STATUSES)}")
    return Filters(params.get("machine") or None, status,
                   parse_time(params.get("from"), "from"), parse_time(params.get("to"), "to"),
                   (params.get("error") or "").strip() or None)


def list_page(store: Any, filters: Filters, limit: int,
              token: str | None) -> tuple[list[ExecutionRecord], str | None]:
    """One page of matching executions (newest first) and the token of the next page."""
    limit = max(1, min(limit, MAX_PAGE))
    if filters.error is None:
        return store.list_executions(  # type: ignore[no-any-return]
            state_machine_arn=filters.machine, status=filters.status, limit=limit,
            next_token=token, started_after=filters.started_after,
            started_before=filters.started_before)
    if filters.status is not None and filters.status not in ERROR_STATUSES:
        return [], None
    return _scan_for_error(store, filters, limit, token)


def _scan_for_error(store: Any, filters: Filters, limit: int,
                    token: str | None) -> tuple[list[ExecutionRecord], str | None]:
    found: list[ExecutionRecord] = []
    read = 0
    last: ExecutionRecord | None = None
    while True:
        page, token = store.list_executions(
            state_machine_arn=filters.machine, status=filters.status, limit=SCAN_PAGE,
            next_token=token, started_after=filters.started_after,
            started_before=filters.started_before)
        for record in page:
            read += 1
            last = record
            if record.error == filters.error:
                found.append(record)
                if len(found) == limit:
                    return found, _after(record) if (token or record is not page[-1]) else None
        if token is None:
            return found, None
        if read >= SCAN_LIMIT and last is not None:
            return found, _after(last)


def _after(record: ExecutionRecord) -> str:
    return encode_page_token([record.start_date, record.execution_arn])

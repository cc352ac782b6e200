"""The execution store interface, its records and exceptions, and backend-neutral helpers.

A store keeps state machines, executions, the runs of each execution (versioned, so every
transition is applied at most once), the history, the log lines of each function invocation,
task tokens and an inbox through which other processes reach a running embedded execution.
Every value is plain JSON, so a backend only needs to keep text.
"""
from __future__ import annotations

import base64
import binascii
import json
from abc import ABC, abstractmethod
from dataclasses import dataclass, field, fields
from typing import Any, Iterable, Mapping

from workflow.errors import SfnError
from workflow.interpreter.run import RunState

TERMINAL_STATUSES = frozenset({"SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"})
# Per function invocation a store keeps the last 64 KiB (UTF-8, a newline per line) of its log
# lines, behind one marker line saying how many were dropped (``bounded_lines``).
LOG_BYTES_LIMIT = 64 * 1024


class StoreError(SfnError):
    """Base of the store's own errors."""


class ExecutionAlreadyExists(StoreError):
    """An execution with this ARN exists; AWS name idempotency is the caller's business."""


class ExecutionDoesNotExist(StoreError):
    """``commit`` was given the ARN of an execution that was never created."""


class VersionConflict(StoreError):
    """A run changed since the caller loaded it; the commit wrote nothing."""


class InvalidToken(StoreError):
    """A ``next_token`` this store did not hand out."""


@dataclass
class StateMachineRecord:
    """A state machine; versions and aliases will be records of another ``kind`` whose
    ``parent_arn`` names the machine (asl-inventory §13.5)."""
    arn: str
    name: str
    definition: str
    type: str = "STANDARD"                       # STANDARD or EXPRESS
    role_arn: str = ""
    creation_date: float = 0.0                   # epoch seconds
    revision_id: str = ""
    status: str = "ACTIVE"                       # ACTIVE or DELETING
    description: str = ""
    tags: dict[str, str] = field(default_factory=dict)
    logging_configuration: dict[str, Any] = field(default_factory=dict)
    tracing_configuration: dict[str, Any] = field(default_factory=dict)
    kind: str = "machine"                        # machine, version or alias
    parent_arn: str | None = None

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "StateMachineRecord":
        # Unknown keys are dropped so a newer writer's records still load.
        return cls(**{k: v for k, v in data.items() if k in _MACHINE_FIELDS})


@dataclass
class ExecutionRecord:
    execution_arn: str
    state_machine_arn: str
    name: str
    status: str = "RUNNING"            # RUNNING SUCCEEDED FAILED TIMED_OUT ABORTED PENDING_REDRIVE
    type: str = "STANDARD"
    input: Any = None                  # JSON value
    output: Any = None                 # JSON value; None when there is none
    error: str | None = None
    cause: str | None = None
    start_date: float = 0.0            # epoch seconds
    stop_date: float | None = None
    definition: str = ""               # the definition text this execution runs with
    redrive_count: int = 0
    redrive_date: float | None = None
    trace_header: str | None = None
    state_machine_version_arn: str | None = None
    state_machine_alias_arn: str | None = None
    event_count: int = 0               # maintained by the store


_MACHINE_FIELDS = frozenset(f.name for f in fields(StateMachineRecord))
EXECUTION_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(ExecutionRecord))
# Fields ``commit(execution=...)`` may change: the ARN is the key, the store owns event_count,
# and an execution keeps its definition for life (even across redrives, §13.4).
UPDATABLE_FIELDS = frozenset(EXECUTION_FIELDS) - {"execution_arn", "event_count", "definition"}

Message = dict[str, Any]


class Store(ABC):
    """What the runners and the HTTP API need from persistence."""

    # ---- state machines ----------------------------------------------------------------

    @abstractmethod
    def put_state_machine(self, rec: StateMachineRecord) -> None:
        """Insert or replace."""

    @abstractmethod
    def get_state_machine(self, arn: str) -> StateMachineRecord | None: ...

    @abstractmethod
    def list_state_machines(self, *, kind: str = "machine",
                            parent_arn: str | None = None) -> list[StateMachineRecord]:
        """Records of ``kind`` (and of ``parent_arn`` when given), ordered by creation."""

    @abstractmethod
    def delete_state_machine(self, arn: str) -> None:
        """Delete the record and the records whose ``parent_arn`` it is; executions stay."""

    # ---- executions --------------------------------------------------------------------

    @abstractmethod
    def create_execution(self, rec: ExecutionRecord, runs: list[RunState]) -> None:
        """Store a new execution and its first runs at version 1; ExecutionAlreadyExists."""

    @abstractmethod
    def commit(self, execution_arn: str, *, runs: list[tuple[RunState, int]],
               events: list[Message], execution: Mapping[str, Any] | None = None,
               first_previous: Mapping[str, int] | None = None) -> list[int]:
        """Apply one transition atomically and return the ids given to ``events``.

        Each ``(run, expected_version)`` must match the stored version (0: not stored yet),
        else VersionConflict and nothing is written; stored versions become expected + 1.
        Events are numbered after the execution's last event; an event's previousEventId is
        the id of the previous event of its ``run``, or for a run's first event
        ``first_previous[run]``, else (for a run in ``runs``) its parent run's last event id,
        else 0. The stored runs keep their last event id for this chaining.
        ``execution`` updates ExecutionRecord fields (UPDATABLE_FIELDS)."""

    @abstractmethod
    def load_run(self, execution_arn: str, run_id: str) -> tuple[RunState, int] | None: ...

    @abstractmethod
    def load_runs(self, execution_arn: str) -> list[tuple[RunState, int]]: ...

    @abstractmethod
    def get_execution(self, arn: str) -> ExecutionRecord | None: ...

    @abstractmethod
    def list_executions(self, state_machine_arn: str | None = None, status: str | None = None,
                        limit: int = 100, next_token: str | None = None,
                        started_after: float | None = None, started_before: float | None = None,
                        ) -> tuple[list[ExecutionRecord], str | None]:
        """Newest first; ``started_after <= start_date <= started_before``. Listed records
        carry no definition (``""``): use get_execution. InvalidToken on a foreign token."""

    @abstractmethod
    def history(self, execution_arn: str, *, after_id: int = 0, limit: int = 1000,
                reverse: bool = False) -> list[Message]:
        """Events as appended plus ``id`` and ``previousEventId``. ``after_id`` is the last id
        the caller has seen: forward gives ids > after_id, reverse ids < after_id (0 = from
        the end). ExecutionDoesNotExist for an unknown ARN."""

    @abstractmethod
    def save_express_result(self, rec: ExecutionRecord, events: list[Message] | None) -> None:
        """Insert or replace a finished EXPRESS execution; events None stores no history."""

    # ---- function invocation logs -------------------------------------------------------

    @abstractmethod
    def put_invocation_log(self, execution_arn: str, *, run_id: str, state: str, task_id: str,
                           attempt: int, request_id: str, lines: list[str], timestamp: float,
                           duration_ms: float | None = None, error: str | None = None) -> None:
        """Keep the log lines of one invocation: ``attempt`` (1 = first) of the Task state
        ``state`` in run ``run_id``, started at ``timestamp`` (epoch seconds); ``error`` is
        the Task error it ended with, if any. Lines are cut with ``bounded_lines``.
        ExecutionDoesNotExist for an unknown ARN."""

    @abstractmethod
    def invocation_logs(self, execution_arn: str, state: str | None = None) -> list[Message]:
        """The kept invocations (of ``state`` only, when given) ordered by ``timestamp``, then
        as written: ``log_entry`` dicts. [] for an unknown ARN."""

    # ---- callbacks and the inbox -------------------------------------------------------

    @abstractmethod
    def put_task_token(self, token: str, execution_arn: str, run_id: str, task_id: str) -> None: ...

    @abstractmethod
    def resolve_task_token(self, token: str) -> tuple[str, str, str] | None:
        """``(execution_arn, run_id, task_id)`` or None."""

    @abstractmethod
    def delete_task_token(self, token: str) -> None:
        """Forget a token once its task is over, so late callbacks get TaskDoesNotExist."""

    @abstractmethod
    def post_event(self, execution_arn: str, run_id: str, message: Message) -> None: ...

    @abstractmethod
    def take_events(self, execution_arn: str) -> list[tuple[int, str, Message]]:
        """Remove and return the posted ``(id, run_id, message)``, oldest first."""

    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# ---- helpers shared by backends ---------------------------------------------------------------


def number_events(events: Iterable[Message], next_id: int, last_ids: dict[str, int],
                  parents: Mapping[str, str | None],
                  first_previous: Mapping[str, int]) -> list[tuple[int, int]]:
    """``(id, previousEventId)`` for each event, in order; updates ``last_ids`` (run -> last
    event id, 0 or absent when the run has none yet)."""
    numbered = []
    for event_id, event in enumerate(events, next_id):
        run = event.get("run", "")
        previous = last_ids.get(run, 0)
        if not previous:
            previous = first_previous.get(run, 0)
            parent = parents.get(run)
            if not previous and parent is not None:
                previous = last_ids.get(parent, 0)
        numbered.append((event_id, previous))
        last_ids[run] = event_id
    return numbered


def log_entry(*, run_id: str, state: str, task_id: str, attempt: int, request_id: str,
              lines: list[str], timestamp: float, duration_ms: float | None = None,
              error: str | None = None) -> Message:
    """What ``invocation_logs`` returns for one invocation, with its lines bounded."""
    return {"run_id": run_id, "state": state, "task_id": task_id, "attempt": int(attempt),
            "request_id": request_id, "lines": bounded_lines(lines),
            "timestamp": float(timestamp), "duration_ms": duration_ms, "error": error}


def bounded_lines(lines: Iterable[str], limit: int = LOG_BYTES_LIMIT) -> list[str]:
    """The last lines that fit in ``limit`` bytes (UTF-8 plus a newline each); a last line
    longer than that keeps its tail. A first marker line tells what was dropped."""
    every = [str(line) for line in lines]
    kept: list[str] = []
    size, cut = 0, 0
    for line in reversed(every):
        size += len(line.encode("utf-8")) + 1
        if size > limit:
            if not kept:
                kept.append(line.encode("utf-8")[1 - limit:].decode("utf-8", "ignore"))
                cut = 1
            break
        kept.append(line)
    kept.reverse()
    dropped = len(every) - len(kept) + cut
    if dropped:
        kept.insert(0, f"[sfn: {dropped} earlier log line(s) dropped or cut: an invocation "
                       f"keeps the last {limit // 1024} KiB of its log]")
    return kept


def check_updates(execution: Mapping[str, Any] | None) -> None:
    unknown = set(execution or ()) - UPDATABLE_FIELDS
    if unknown:
        raise ValueError(f"cannot update execution fields: {', '.join(sorted(unknown))}")


def encode_page_token(position: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(position).encode()).decode()


def decode_page_token(token: str) -> list[Any]:
    try:
        position = json.loads(base64.urlsafe_b64decode(token.encode()))
    except (ValueError, binascii.Error) as exc:
        raise InvalidToken(f"Invalid Token: '{token}'") from exc
    if not isinstance(position, list):
        raise InvalidToken(f"Invalid Token: '{token}'")
    return position

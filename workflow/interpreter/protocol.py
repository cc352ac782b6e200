"""What goes in and out of the pure interpreter core.

The core is a function ``advance(machine, run, event, env) -> Step``. Events are what happened
outside (a task finished, a timer fired, children finished, a stop request); commands are what
the runner must now do (invoke a task, start or cancel a timer, start child runs, record the
end of a run). Nothing here does I/O; every type is a plain dataclass of JSON values, so the
Celery runner can ship them through the broker as JSON.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable, Protocol

# ---- execution-wide, injected facts ----------------------------------------------------------


@dataclass(frozen=True)
class ExecutionInfo:
    """What ``$$.Execution`` and ``$$.StateMachine`` expose, fixed for the whole execution."""

    execution_arn: str
    name: str
    state_machine_arn: str
    state_machine_name: str
    input: Any
    start_time: str                       # ISO 8601, as the context object shows it
    type: str = "STANDARD"                # STANDARD or EXPRESS
    role_arn: str = "arn:aws:iam::000000000000:role/sfn-local"
    redrive_count: int = 0
    redrive_time: str | None = None
    region: str = "us-east-1"
    account: str = "000000000000"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "ExecutionInfo":
        return cls(**data)


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(timezone.utc)


@dataclass
class Env:
    """Injected clock, ids and randomness: the core never reads them from the world."""

    execution: ExecutionInfo
    clock: Clock = field(default_factory=SystemClock)
    new_id: Callable[[], str] = field(default=lambda: __import__("uuid").uuid4().hex)
    random: Callable[[], float] = field(default=lambda: __import__("random").random())

    def now(self) -> datetime:
        return self.clock.now()


# ---- events into the core --------------------------------------------------------------------


@dataclass(frozen=True)
class Start:
    """Begin a run at its machine's StartAt with ``input``."""
    input: Any


@dataclass(frozen=True)
class TaskSucceeded:
    task_id: str
    output: Any


@dataclass(frozen=True)
class TaskFailed:
    task_id: str
    error: str
    cause: str = ""
    timed_out: bool = False              # the resource itself timed out (Lambda timeout)


@dataclass(frozen=True)
class TaskHeartbeat:
    task_id: str


@dataclass(frozen=True)
class TaskStarted:
    """A worker took the task (an activity handed out by GetActivityTask): the core records
    ``ActivityStarted`` and starts the task's heartbeat clock (asl-inventory §12.3)."""
    task_id: str
    worker_name: str | None = None


@dataclass(frozen=True)
class TimerFired:
    timer_id: str


@dataclass(frozen=True)
class ChildrenDone:
    """All child runs of the current Parallel/Map state are over (or the join gave up).
    ``results`` holds the outputs in branch/item order when ``error`` is None."""
    results: list[Any] | None = None
    error: str | None = None
    cause: str = ""


@dataclass(frozen=True)
class Stop:
    """StopExecution / a sibling failed / the execution timed out: abort this run."""
    error: str | None = None
    cause: str | None = None
    status: str = "ABORTED"              # ABORTED or TIMED_OUT


@dataclass(frozen=True)
class Redrive:
    """RedriveExecution: resume this closed run at the state where it stopped (§13.4).
    ``redrive_count`` is the execution's new count; a Redrive not above the run's own count
    is a duplicate and changes nothing. When that state is a Parallel/Map, ``kept`` holds
    ``[index, output]`` of the children of its last attempt that succeeded: they keep their
    result, only the others run again (from their start)."""
    redrive_count: int
    kept: list[list[Any]] | None = None


Event = (Start | TaskSucceeded | TaskFailed | TaskHeartbeat | TaskStarted | TimerFired
         | ChildrenDone | Stop | Redrive)

# ---- commands out of the core ----------------------------------------------------------------


@dataclass(frozen=True)
class InvokeTask:
    task_id: str
    run_id: str
    state: str
    resource: str
    payload: Any
    timeout_seconds: int | None = None
    heartbeat_seconds: int | None = None
    task_token: str | None = None         # .waitForTaskToken: the runner parks the task
    retry_count: int = 0


@dataclass(frozen=True)
class StartTimer:
    timer_id: str
    run_id: str
    due: float                            # epoch seconds
    purpose: str                          # wait, retry, timeout, heartbeat


@dataclass(frozen=True)
class CancelTimer:
    timer_id: str


@dataclass(frozen=True)
class ChildSpec:
    run_id: str
    machine: str                          # machine key, see StateMachine.machine()
    input: Any
    index: int


@dataclass(frozen=True)
class StartChildren:
    run_id: str                           # the parent run
    state: str                            # the Parallel/Map state
    kind: str                             # "parallel" or "map"
    children: tuple[ChildSpec, ...]
    max_concurrency: int = 0              # 0 = unlimited
    tolerated_failure_count: int | None = None
    tolerated_failure_percentage: float | None = None
    kept: list[list[Any]] = field(default_factory=list)   # redrive: [index, output] not rerun

    @property
    def total(self) -> int:
        """Children of the state: those to start and those a redrive kept."""
        return len(self.children) + len(self.kept)


@dataclass(frozen=True)
class CancelChildren:
    run_id: str


@dataclass(frozen=True)
class RunFinished:
    run_id: str
    status: str                           # SUCCEEDED, FAILED, TIMED_OUT, ABORTED
    output: Any = None
    error: str | None = None
    cause: str | None = None


Command = InvokeTask | StartTimer | CancelTimer | StartChildren | CancelChildren | RunFinished

COMMAND_TYPES: dict[str, type] = {c.__name__: c for c in (
    InvokeTask, StartTimer, CancelTimer, StartChildren, CancelChildren, RunFinished)}
EVENT_TYPES: dict[str, type] = {c.__name__: c for c in (
    Start, TaskSucceeded, TaskFailed, TaskHeartbeat, TaskStarted, TimerFired, ChildrenDone,
    Stop, Redrive)}


def to_message(item: Event | Command) -> dict[str, Any]:
    """A JSON-ready dict (for the broker and the store)."""
    return {"kind": type(item).__name__, **asdict(item)}


def from_message(data: dict[str, Any]) -> Event | Command:
    fields = dict(data)
    kind = fields.pop("kind")
    cls = COMMAND_TYPES.get(kind) or EVENT_TYPES[kind]
    if cls is StartChildren:
        fields["children"] = tuple(ChildSpec(**c) for c in fields["children"])
    return cls(**fields)


@dataclass
class Step:
    """The core's answer: history events to append (without ids: the store assigns them
    atomically) and commands to carry out, in order."""
    events: list[dict[str, Any]] = field(default_factory=list)
    commands: list[Command] = field(default_factory=list)

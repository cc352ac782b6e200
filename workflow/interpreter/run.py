"""The position of one run: the top-level machine, one Parallel branch, or one Map iteration.

A run is a plain, JSON-serialisable record. The core returns an updated copy with each step;
the store persists it (with a version number, so a transition is applied at most once).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

RUNNING = "RUNNING"


@dataclass
class Waiting:
    """What a run is blocked on, so the event that unblocks it can be checked."""
    kind: str                       # task, wait (Wait state), retry (backoff), children
    id: str = ""                    # task id or timer id
    timeout_timer: str | None = None
    heartbeat_timer: str | None = None
    heartbeat_seconds: int | None = None
    started: bool = False           # an activity a worker took (TaskStarted)


@dataclass
class RunState:
    run_id: str                                  # "" for the top-level run
    machine: str                                 # the machine's JSON pointer ("" = top level)
    kind: str = "top"                            # top, branch (Parallel) or iteration (Map)
    status: str = RUNNING
    state: str | None = None                     # current state name
    input: Any = None                            # raw input of the current state
    entered_time: str = ""                       # ISO time the current state was entered
    retry_counts: list[int] = field(default_factory=list)
    retry_count: int = 0                         # $$.State.RetryCount
    variables: dict[str, Any] = field(default_factory=dict)   # this scope only
    waiting: Waiting | None = None
    index: int | None = None                     # Map iteration / Parallel branch index
    parent: str | None = None                    # the parent run's id
    parent_state: str | None = None              # the Parallel/Map state that started this run
    output: Any = None
    error: str | None = None
    cause: str | None = None
    transitions: int = 0                         # state transitions so far (billing, limits)
    children: str = ""                           # id prefix of the current state's last children
    redrive_count: int = 0                       # the last Redrive applied (top-level run)

    @property
    def finished(self) -> bool:
        return self.status != RUNNING

    def copy(self) -> "RunState":
        # Shallow: values are treated as immutable by the core (copy-on-write everywhere).
        # Written out because dataclasses.replace was a tenth of a Map iteration's cost.
        new = object.__new__(RunState)
        new.__dict__.update(self.__dict__)
        new.retry_counts = list(self.retry_counts)
        new.variables = dict(self.variables)
        return new

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "RunState":
        data = dict(data)
        if data.get("waiting"):
            data["waiting"] = Waiting(**data["waiting"])
        return cls(**data)

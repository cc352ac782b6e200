"""The compiled model: one small immutable class per ASL construct.

Everything that needs parsing (paths, intrinsic calls, payload templates, JSONata expressions,
Choice rules) is parsed once by ``workflow.model.compile`` and stored here; the interpreter
only evaluates. JSONPath-mode path fields use ``None`` for an explicit JSON ``null`` and the
compiled ``$`` path when the field is absent (asl-inventory §5.2).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping, Union

from workflow.expressions.jsonata import JsonataExpression
from workflow.expressions.jsonpath import Path
from workflow.expressions.templates import JsonataTemplate, PayloadTemplate
from workflow.model.choice import ChoiceRule

JSONPATH = "JSONPath"
JSONATA = "JSONata"

# A value that may be a literal, a JSONata expression (JSONata states) or come from a path.
Dynamic = Union[int, float, str, JsonataExpression, Path, None]
Assign = Union[PayloadTemplate, JsonataTemplate, None]


@dataclass(frozen=True, slots=True)
class Retrier:
    error_equals: tuple[str, ...]
    interval_seconds: int = 1
    max_attempts: int = 3
    backoff_rate: float = 2.0
    max_delay_seconds: int | None = None
    jitter_strategy: str = "NONE"


@dataclass(frozen=True, slots=True)
class Catcher:
    error_equals: tuple[str, ...]
    next: str
    result_path: Path | None = None        # JSONPath; None = discard (null) or absent → "$"
    output: JsonataTemplate | None = None  # JSONata
    assign: Assign = None


@dataclass(frozen=True, slots=True)
class State:
    name: str
    type: str
    query_language: str
    location: str                          # JSON pointer of the state object
    next: str | None = None
    end: bool = False
    comment: str | None = None
    assign: Assign = None
    # JSONPath-mode I/O (see module docstring for None vs "$").
    input_path: Path | None = None
    output_path: Path | None = None
    # JSONata-mode output.
    output: JsonataTemplate | None = None

    @property
    def is_terminal(self) -> bool:
        return self.end or self.type in ("Succeed", "Fail")

    @property
    def jsonata(self) -> bool:
        return self.query_language == JSONATA

    def transitions(self) -> tuple[str, ...]:
        """Every state this one may move to directly (Next, rule targets, Default, Catch)."""
        return (self.next,) if self.next else ()


@dataclass(frozen=True, slots=True)
class ErrorHandling:
    retry: tuple[Retrier, ...] = ()
    catch: tuple[Catcher, ...] = ()


@dataclass(frozen=True, slots=True)
class TaskState(State):
    resource: str = ""
    parameters: PayloadTemplate | JsonataTemplate | None = None   # Parameters / Arguments
    result_selector: PayloadTemplate | None = None
    result_path: Path | None = None
    timeout_seconds: Dynamic = None
    heartbeat_seconds: Dynamic = None
    credentials: PayloadTemplate | JsonataTemplate | None = None
    errors: ErrorHandling = field(default_factory=ErrorHandling)

    def transitions(self) -> tuple[str, ...]:
        return State.transitions(self) + tuple(c.next for c in self.errors.catch)


@dataclass(frozen=True, slots=True)
class PassState(State):
    result: Any = None
    has_result: bool = False
    parameters: PayloadTemplate | None = None
    result_path: Path | None = None


@dataclass(frozen=True, slots=True)
class ChoiceState(State):
    choices: tuple[ChoiceRule, ...] = ()
    default: str | None = None

    def transitions(self) -> tuple[str, ...]:
        targets = tuple(rule.next for rule in self.choices if rule.next)
        return targets + ((self.default,) if self.default else ())


@dataclass(frozen=True, slots=True)
class WaitState(State):
    seconds: Dynamic = None                # int, JSONata expression, or a Path (SecondsPath)
    timestamp: Dynamic = None              # str, JSONata expression, or a Path (TimestampPath)


@dataclass(frozen=True, slots=True)
class SucceedState(State):
    pass


@dataclass(frozen=True, slots=True)
class FailState(State):
    error: Dynamic = None                  # str, JSONata, Path or intrinsic (ErrorPath)
    cause: Dynamic = None


@dataclass(frozen=True, slots=True)
class Machine:
    """A top-level machine, a Parallel branch, or a Map processor."""

    start_at: str
    states: Mapping[str, State]
    location: str
    comment: str | None = None
    timeout_seconds: int | None = None     # top level only
    processor_mode: str | None = None      # Map processors: INLINE / DISTRIBUTED
    execution_type: str | None = None      # distributed processors: STANDARD / EXPRESS

    @property
    def start(self) -> State:
        return self.states[self.start_at]


@dataclass(frozen=True, slots=True)
class ParallelState(State):
    branches: tuple[Machine, ...] = ()
    parameters: PayloadTemplate | JsonataTemplate | None = None   # Parameters / Arguments
    result_selector: PayloadTemplate | None = None
    result_path: Path | None = None
    errors: ErrorHandling = field(default_factory=ErrorHandling)

    def transitions(self) -> tuple[str, ...]:
        return State.transitions(self) + tuple(c.next for c in self.errors.catch)


@dataclass(frozen=True, slots=True)
class MapState(State):
    processor: Machine | None = None
    items_path: Path | None = None         # JSONPath; defaults to "$"
    items: Any = None                      # JSONata: JsonataTemplate (array or expression)
    item_selector: PayloadTemplate | JsonataTemplate | None = None
    max_concurrency: Dynamic = 0
    tolerated_failure_count: Dynamic = None
    tolerated_failure_percentage: Dynamic = None
    result_selector: PayloadTemplate | None = None
    result_path: Path | None = None
    label: str | None = None
    item_reader: Mapping[str, Any] | None = None      # distributed mode, kept as given
    item_batcher: Mapping[str, Any] | None = None
    result_writer: Mapping[str, Any] | None = None
    errors: ErrorHandling = field(default_factory=ErrorHandling)

    def transitions(self) -> tuple[str, ...]:
        return State.transitions(self) + tuple(c.next for c in self.errors.catch)


def frozen_mapping(values: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(values))

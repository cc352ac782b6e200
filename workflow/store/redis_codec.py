"""Text codecs and script arguments for ``workflow.store.redis_store``.

An execution is a Redis hash with one field per ExecutionRecord field, absent when None:
strings as they are, numbers in ``repr`` (exact round trip, usable as sorted-set scores),
JSON values (input, output) as JSON text. So the scripts read status, state machine and
start date without decoding anything.
"""
from __future__ import annotations

import hashlib
from dataclasses import fields
from typing import Any, Callable, Iterable, Mapping

from workflow import jsontext
from workflow.interpreter.run import RunState, Waiting
from workflow.store import base
from workflow.store.base import EXECUTION_FIELDS, ExecutionRecord, InvalidToken, Message

dumps = jsontext.dumps
loads = jsontext.loads
RUN_FIELDS = tuple(f.name for f in fields(RunState))
COLUMNS = tuple(name for name in EXECUTION_FIELDS if name != "definition")
# SQLite declares these NOT NULL; a hash field cannot hold None and the indexes need them.
REQUIRED = frozenset({"state_machine_arn", "name", "status", "type", "start_date",
                      "redrive_count"})
INDEXED = frozenset({"state_machine_arn", "status", "start_date"})


def _kind(annotation: str) -> str:
    for kind in ("float", "int", "str"):
        if annotation.split(" |")[0] == kind:
            return kind
    return "json"


KINDS = {f.name: _kind(str(f.type)) for f in fields(ExecutionRecord)}
_ENCODERS: dict[str, Callable[[Any], str]] = {
    "float": lambda v: repr(float(v)), "int": lambda v: str(int(v)), "str": str, "json": dumps}
_DECODERS: dict[str, Callable[[str], Any]] = {
    "float": float, "int": int, "str": str, "json": loads}


def run_json(run: RunState) -> str:
    # RunState.to_json (dataclasses.asdict) deep-copies: much slower on the hot path.
    data = {name: getattr(run, name) for name in RUN_FIELDS}
    if isinstance(run.waiting, Waiting):
        data["waiting"] = dict(run.waiting.__dict__)
    return dumps(data)


def run_from(text: str) -> RunState:
    return RunState.from_json(loads(text))


def encode(name: str, value: Any) -> str:
    return _ENCODERS[KINDS[name]](value)


def record_fields(rec: ExecutionRecord, ev0: int) -> list[str]:
    """Flat field/value pairs of a new execution hash; ``ev0`` is the id before its first
    listed event."""
    flat = []
    for name in COLUMNS:
        value = getattr(rec, name)
        if value is None and name in REQUIRED:
            raise ValueError(f"execution field {name} cannot be None")
        if value is not None:
            flat += [name, encode(name, value)]
    return flat + (["ev0", str(ev0)] if ev0 else [])


def create_args(rec: ExecutionRecord, ev0: int, runs: list[RunState],
                events: list[str]) -> list[Any]:
    """Arguments of the create scripts after the prefix."""
    digest = hashlib.sha256(rec.definition.encode()).hexdigest()
    flat = record_fields(rec, ev0)
    states = [item for run in runs for item in (run.run_id, run_json(run))]
    return [rec.execution_arn, digest, rec.definition, len(flat) // 2, *flat,
            len(runs), *states, len(events), *events]


def update_args(execution: Mapping[str, Any] | None) -> list[Any]:
    """``nset, (field, value)..., ndel, fields..., reindex`` for the commit script."""
    sets: list[str] = []
    dels = []
    for name, value in (execution or {}).items():
        if value is None:
            if name in REQUIRED:
                raise ValueError(f"execution field {name} cannot be None")
            dels.append(name)
        else:
            sets += [name, encode(name, value)]
    reindex = "1" if INDEXED.intersection(execution or ()) else "0"
    return [len(sets) // 2, *sets, len(dels), *dels, reindex]


def record(values: Mapping[str, str | bool | None], definition: str) -> ExecutionRecord:
    """The record of a hash's fields; missing ones are None (false when Lua sent them)."""
    data: dict[str, Any] = {}
    for name in COLUMNS:
        text = values.get(name)
        data[name] = _DECODERS[KINDS[name]](text) if isinstance(text, str) else None
    return ExecutionRecord(**data, definition=definition)


def run_args(runs: list[tuple[RunState, int]]) -> list[Any]:
    flat: list[Any] = [len(runs)]
    for run, expected in runs:
        parent = run.parent
        flat += [run.run_id, expected, "0" if parent is None else "1", parent or "",
                 run_json(run)]
    if len({run.run_id for run, _ in runs}) != len(runs):
        raise ValueError("a run appears twice in one commit")
    return flat


def event_args(events: list[Message], first_previous: Mapping[str, int] | None) -> list[Any]:
    flat: list[Any] = [len(events)]
    for event in events:
        flat += [event.get("run", ""), dumps(event)]
    flat.append(len(first_previous or {}))
    for run_id, previous in (first_previous or {}).items():
        flat += [run_id, int(previous)]
    return flat


def numbered_events(events: Iterable[Message]) -> list[str]:
    """Stored texts of a fresh history: ``previousEventId``, a space, the event JSON."""
    events = list(events)
    numbered = base.number_events(events, 1, {}, {}, {})
    return [f"{previous} {dumps(event)}" for (_, previous), event in zip(numbered, events)]


def event_from(item: str, event_id: int) -> Message:
    previous, _, text = item.partition(" ")
    event = loads(text)
    event["id"] = event_id
    event["previousEventId"] = int(previous)
    return event


def position(token: str) -> tuple[float, str]:
    position = base.decode_page_token(token)
    if (len(position) != 2 or not isinstance(position[0], (int, float))
            or isinstance(position[0], bool) or not isinstance(position[1], str)):
        raise InvalidToken(f"Invalid Token: '{token}'")
    return position[0], position[1]


def score(value: float | None, default: str) -> str:
    return default if value is None else repr(float(value))

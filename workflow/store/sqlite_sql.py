"""SQLite schema, statements and row codecs for ``workflow.store.sqlite``."""
from __future__ import annotations

import sqlite3
from dataclasses import fields
from typing import Any, Iterable, Mapping

from workflow import jsontext
from workflow.interpreter.run import RunState, Waiting
from workflow.store import base
from workflow.store.base import (EXECUTION_FIELDS, ExecutionRecord, InvalidToken, Message,
                                 VersionConflict)

SCHEMA_VERSION = 2
ID_BITS = 32                               # AWS caps a history at 25,000 events
ID_MASK = (1 << ID_BITS) - 1
SCHEMA = """
CREATE TABLE state_machines (arn TEXT PRIMARY KEY, kind TEXT NOT NULL, parent_arn TEXT,
    creation_date REAL NOT NULL, data TEXT NOT NULL);
CREATE INDEX state_machines_by_kind ON state_machines (kind, parent_arn, creation_date);
CREATE TABLE definitions (id INTEGER PRIMARY KEY, hash TEXT NOT NULL UNIQUE, text TEXT NOT NULL);
CREATE TABLE executions (seq INTEGER PRIMARY KEY, execution_arn TEXT NOT NULL UNIQUE,
    state_machine_arn TEXT NOT NULL, name TEXT NOT NULL, status TEXT NOT NULL,
    type TEXT NOT NULL, input TEXT, output TEXT, error TEXT, cause TEXT, start_date REAL NOT NULL,
    stop_date REAL, redrive_count INTEGER NOT NULL, redrive_date REAL, trace_header TEXT,
    state_machine_version_arn TEXT, state_machine_alias_arn TEXT, event_count INTEGER NOT NULL,
    definition_id INTEGER NOT NULL);
CREATE INDEX executions_by_start ON executions (start_date, execution_arn);
CREATE INDEX executions_by_machine ON executions (state_machine_arn, start_date, execution_arn);
CREATE INDEX executions_by_status ON executions (status, start_date, execution_arn);
CREATE INDEX executions_by_machine_status
    ON executions (state_machine_arn, status, start_date, execution_arn);
CREATE TABLE runs (id INTEGER PRIMARY KEY, exec_seq INTEGER NOT NULL, run_id TEXT NOT NULL,
    version INTEGER NOT NULL, last_event_id INTEGER NOT NULL, data TEXT NOT NULL,
    UNIQUE (exec_seq, run_id));
CREATE TABLE events (key INTEGER PRIMARY KEY, previous INTEGER NOT NULL, data TEXT NOT NULL);
CREATE TABLE task_tokens (token TEXT PRIMARY KEY, execution_arn TEXT NOT NULL,
    run_id TEXT NOT NULL, task_id TEXT NOT NULL);
CREATE TABLE inbox (id INTEGER PRIMARY KEY AUTOINCREMENT, execution_arn TEXT NOT NULL,
    run_id TEXT NOT NULL, message TEXT NOT NULL);
CREATE INDEX inbox_by_execution ON inbox (execution_arn, id);
"""
# Version 2: the log lines of each function invocation (an older file gets this on opening).
LOGS_SCHEMA = """
CREATE TABLE IF NOT EXISTS invocation_logs (id INTEGER PRIMARY KEY, exec_seq INTEGER NOT NULL,
    state TEXT NOT NULL, timestamp REAL NOT NULL, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS invocation_logs_by_execution
    ON invocation_logs (exec_seq, timestamp, id);
"""


def upgrade(version: int) -> list[str]:
    """The statements taking a file at schema ``version`` (0: new) to SCHEMA_VERSION."""
    scripts = ([SCHEMA] if version == 0 else []) + ([LOGS_SCHEMA] if version < 2 else [])
    return [s for s in ";".join(scripts).split(";") if s.strip()]


dumps = jsontext.dumps
loads = jsontext.loads
RUN_FIELDS = tuple(f.name for f in fields(RunState))
COLUMNS = tuple(name for name in EXECUTION_FIELDS if name != "definition")
JSON_COLUMNS = frozenset({"input", "output"})
COLUMN_LIST = ", ".join(COLUMNS)
INSERT_EXECUTION = (f"INSERT INTO executions ({COLUMN_LIST}, definition_id) "
                     f"VALUES ({', '.join('?' * (len(COLUMNS) + 1))}) RETURNING seq")
GET_EXECUTION = (f"SELECT {', '.join('e.' + c for c in COLUMNS)}, d.text FROM executions e "
                  "JOIN definitions d ON d.id = e.definition_id WHERE e.execution_arn = ?")
BUMP = ("UPDATE executions SET event_count = event_count + ?{} WHERE execution_arn = ? "
         "RETURNING seq, event_count")
MARK_ONE = "SELECT run_id, version, last_event_id FROM runs WHERE exec_seq = ? AND run_id = ?"
MARK_MANY = ("SELECT run_id, version, last_event_id FROM runs WHERE exec_seq = ? "
              "AND run_id IN (SELECT value FROM json_each(?))")
UPSERT_RUN = ("INSERT INTO runs (exec_seq, run_id, version, last_event_id, data) "
               "VALUES (?, ?, ?, ?, ?) ON CONFLICT (exec_seq, run_id) DO UPDATE SET "
               "version = excluded.version, last_event_id = excluded.last_event_id, "
               "data = excluded.data")
MARK_RUN = "UPDATE runs SET last_event_id = ? WHERE exec_seq = ? AND run_id = ?"
INSERT_EVENT = "INSERT INTO events (key, previous, data) VALUES (?, ?, ?)"
SEQ = "(SELECT seq FROM executions WHERE execution_arn = ?)"

# ---- row helpers --------------------------------------------------------------------------------


def run_json(run: RunState) -> dict[str, Any]:
    # RunState.to_json (dataclasses.asdict) deep-copies: 5x slower on the hot path.
    data = {name: getattr(run, name) for name in RUN_FIELDS}
    if isinstance(run.waiting, Waiting):
        data["waiting"] = dict(run.waiting.__dict__)
    return data


def execution_values(rec: ExecutionRecord) -> list[Any]:
    values = []
    for name in COLUMNS:
        value = getattr(rec, name)
        values.append(dumps(value) if name in JSON_COLUMNS and value is not None else value)
    return values


def updates(execution: Mapping[str, Any] | None) -> tuple[str, list[Any]]:
    if not execution:
        return "", []
    names = sorted(execution)
    values = [dumps(execution[n]) if n in JSON_COLUMNS and execution[n] is not None
              else execution[n] for n in names]
    return "".join(f", {name} = ?" for name in names), values


def record(row: tuple[Any, ...], definition: str) -> ExecutionRecord:
    data = dict(zip(COLUMNS, row))
    for name in JSON_COLUMNS:
        if data[name] is not None:
            data[name] = loads(data[name])
    return ExecutionRecord(**data, definition=definition)


def event(key: int, previous: int, data: str) -> Message:
    event = loads(data)
    event["id"] = key & ID_MASK
    event["previousEventId"] = previous
    return event


def marks(db: sqlite3.Connection, seq: int, wanted: list[str]) -> dict[str, tuple[int, int]]:
    if not wanted:
        return {}
    if len(wanted) == 1:
        rows = db.execute(MARK_ONE, (seq, wanted[0]))
    else:
        rows = db.execute(MARK_MANY, (seq, dumps(wanted)))
    return {run_id: (version, last) for run_id, version, last in rows}


def wanted_runs(parents: Mapping[str, str | None], touched: Iterable[str]) -> list[str]:
    """The runs whose version or last event id a commit needs."""
    return list(dict.fromkeys([*parents, *(p for p in parents.values() if p is not None),
                               *touched]))


def insert_events(db: sqlite3.Connection, seq: int, numbered: list[tuple[int, int]],
                  bodies: list[str]) -> None:
    key = seq << ID_BITS
    db.executemany(INSERT_EVENT, [(key | event_id, previous, body)
                                  for (event_id, previous), body in zip(numbered, bodies)])


def save_runs(db: sqlite3.Connection, seq: int, states: list[tuple[RunState, int, str]],
              last: Mapping[str, int], others: list[str]) -> None:
    """Store each committed run at its next version; ``others`` are stored runs that only
    got events, whose last event id moves on."""
    db.executemany(UPSERT_RUN, [(seq, run.run_id, expected + 1, last.get(run.run_id, 0), text)
                                for run, expected, text in states])
    committed = {run.run_id for run, _, _ in states}
    db.executemany(MARK_RUN, [(last[run_id], seq, run_id) for run_id in others
                              if run_id not in committed])


def check_versions(execution_arn: str, marks: Mapping[str, tuple[int, int]],
                    runs: list[tuple[RunState, int]]) -> None:
    for run, expected in runs:
        stored = marks.get(run.run_id, (0, 0))[0]
        if stored != expected:
            raise VersionConflict(f"run {run.run_id!r} of {execution_arn} is at version "
                                  f"{stored}, not {expected}")


def position(token: str) -> tuple[float, str]:
    position = base.decode_page_token(token)
    if (len(position) != 2 or not isinstance(position[0], (int, float))
            or not isinstance(position[1], str)):
        raise InvalidToken(f"Invalid Token: '{token}'")
    return position[0], position[1]


def purge(db: sqlite3.Connection, seq: int) -> None:
    db.execute("DELETE FROM events WHERE key > ? AND key < ?",
               (seq << ID_BITS, (seq + 1) << ID_BITS))
    db.execute("DELETE FROM runs WHERE exec_seq = ?", (seq,))
    db.execute("DELETE FROM invocation_logs WHERE exec_seq = ?", (seq,))
    db.execute("DELETE FROM executions WHERE seq = ?", (seq,))

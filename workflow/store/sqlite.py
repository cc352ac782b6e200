"""The embedded store: one SQLite file in WAL mode, shareable by a runner and CLI processes.

Every write is one ``BEGIN IMMEDIATE`` transaction, so a transition is applied at most once
and a failure leaves nothing behind. Events live under the integer key
``execution seq << 32 | event id``: a plain rowid table, appended in order, read by range.
"""
from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import replace
from pathlib import Path
from typing import Any, ContextManager, Mapping

from workflow.interpreter.run import RunState
from workflow.sqlite_file import SqliteFile
from workflow.store import base
from workflow.store import sqlite_sql as q
from workflow.store.base import (ExecutionAlreadyExists, ExecutionDoesNotExist, ExecutionRecord,
                                 Message, StateMachineRecord, StoreError)



class SqliteStore(base.Store):
    """Thread-safe: each thread gets its own connection to ``path``."""

    def __init__(self, path: str | Path) -> None:
        self._file = SqliteFile(path, StoreError)
        self.path = self._file.path
        self._create_schema()

    def _db(self) -> sqlite3.Connection:
        return self._file.db()

    def _write(self) -> ContextManager[sqlite3.Connection]:
        return self._file.write()

    def _create_schema(self) -> None:
        with self._write() as db:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version > q.SCHEMA_VERSION:
                raise StoreError(f"{self.path} has schema {version}; this sfn knows "
                                 f"{q.SCHEMA_VERSION}: upgrade sfn")
            for statement in q.upgrade(version):
                db.execute(statement)
            if version < q.SCHEMA_VERSION:
                db.execute(f"PRAGMA user_version = {q.SCHEMA_VERSION}")

    def close(self) -> None:
        self._file.close()

    # ---- state machines ------------------------------------------------------------------

    def put_state_machine(self, rec: StateMachineRecord) -> None:
        self._db().execute(
            "INSERT OR REPLACE INTO state_machines (arn, kind, parent_arn, creation_date, data) "
            "VALUES (?, ?, ?, ?, ?)",
            (rec.arn, rec.kind, rec.parent_arn, rec.creation_date, q.dumps(rec.to_json())))

    def get_state_machine(self, arn: str) -> StateMachineRecord | None:
        row = self._db().execute("SELECT data FROM state_machines WHERE arn = ?",
                                 (arn,)).fetchone()
        return StateMachineRecord.from_json(q.loads(row[0])) if row else None

    def list_state_machines(self, *, kind: str = "machine",
                            parent_arn: str | None = None) -> list[StateMachineRecord]:
        sql, params = "SELECT data FROM state_machines WHERE kind = ?", [kind]
        if parent_arn is not None:
            sql, params = sql + " AND parent_arn = ?", params + [parent_arn]
        rows = self._db().execute(sql + " ORDER BY creation_date, arn", params)
        return [StateMachineRecord.from_json(q.loads(data)) for (data,) in rows]

    def delete_state_machine(self, arn: str) -> None:
        self._db().execute("DELETE FROM state_machines WHERE arn = ? OR parent_arn = ?",
                           (arn, arn))

    # ---- executions ----------------------------------------------------------------------

    def create_execution(self, rec: ExecutionRecord, runs: list[RunState]) -> None:
        values = q.execution_values(rec)
        states = [(run.run_id, q.dumps(q.run_json(run))) for run in runs]
        with self._write() as db:
            seq = self._insert_execution(db, rec, values)
            db.executemany(q.UPSERT_RUN, [(seq, run_id, 1, 0, text) for run_id, text in states])

    def _insert_execution(self, db: sqlite3.Connection, rec: ExecutionRecord,
                          values: list[Any]) -> int:
        digest = hashlib.sha256(rec.definition.encode()).hexdigest()
        db.execute("INSERT INTO definitions (hash, text) VALUES (?, ?) "
                   "ON CONFLICT (hash) DO NOTHING", (digest, rec.definition))
        (definition_id,) = db.execute("SELECT id FROM definitions WHERE hash = ?",
                                      (digest,)).fetchone()
        try:
            return db.execute(q.INSERT_EXECUTION, (*values, definition_id)).fetchall()[0][0]
        except sqlite3.IntegrityError as exc:
            raise ExecutionAlreadyExists(
                f"Execution Already Exists: '{rec.execution_arn}'") from exc

    def commit(self, execution_arn: str, *, runs: list[tuple[RunState, int]],
               events: list[Message], execution: Mapping[str, Any] | None = None,
               first_previous: Mapping[str, int] | None = None) -> list[int]:
        # Encode everything before taking the write lock: bad values fail with nothing begun.
        base.check_updates(execution)
        columns, values = q.updates(execution)
        bodies = [q.dumps(event) for event in events]
        states = [(run, expected, q.dumps(q.run_json(run))) for run, expected in runs]
        parents = {run.run_id: run.parent for run, _ in runs}
        if len(parents) != len(runs):
            raise ValueError("a run appears twice in one commit")
        touched = dict.fromkeys(event.get("run", "") for event in events)
        with self._write() as db:
            rows = db.execute(q.BUMP.format(columns),
                              (len(events), *values, execution_arn)).fetchall()
            if not rows:
                raise ExecutionDoesNotExist(f"Execution Does Not Exist: '{execution_arn}'")
            seq, count = rows[0]
            marks = q.marks(db, seq, q.wanted_runs(parents, touched))
            q.check_versions(execution_arn, marks, runs)
            last = {run_id: mark[1] for run_id, mark in marks.items()}
            numbered = base.number_events(events, count - len(events) + 1, last, parents,
                                          first_previous or {})
            q.insert_events(db, seq, numbered, bodies)
            q.save_runs(db, seq, states, last, [r for r in touched if r in marks])
        return [event_id for event_id, _ in numbered]

    def load_run(self, execution_arn: str, run_id: str) -> tuple[RunState, int] | None:
        row = self._db().execute(f"SELECT data, version FROM runs WHERE exec_seq = {q.SEQ} "
                                 "AND run_id = ?", (execution_arn, run_id)).fetchone()
        return (RunState.from_json(q.loads(row[0])), row[1]) if row else None

    def load_runs(self, execution_arn: str) -> list[tuple[RunState, int]]:
        rows = self._db().execute(f"SELECT data, version FROM runs WHERE exec_seq = {q.SEQ} "
                                  "ORDER BY id", (execution_arn,))
        return [(RunState.from_json(q.loads(data)), version) for data, version in rows]

    def get_execution(self, arn: str) -> ExecutionRecord | None:
        row = self._db().execute(q.GET_EXECUTION, (arn,)).fetchone()
        return q.record(row[:-1], row[-1]) if row else None

    def list_executions(self, state_machine_arn: str | None = None, status: str | None = None,
                        limit: int = 100, next_token: str | None = None,
                        started_after: float | None = None, started_before: float | None = None,
                        ) -> tuple[list[ExecutionRecord], str | None]:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        where, params = [], []
        for clause, value in (("state_machine_arn = ?", state_machine_arn),
                              ("status = ?", status), ("start_date >= ?", started_after),
                              ("start_date <= ?", started_before)):
            if value is not None:
                where.append(clause)
                params.append(value)
        if next_token:
            where.append("(start_date, execution_arn) < (?, ?)")
            params.extend(q.position(next_token))
        sql = (f"SELECT {q.COLUMN_LIST} FROM executions"
               f"{' WHERE ' + ' AND '.join(where) if where else ''} "
               "ORDER BY start_date DESC, execution_arn DESC LIMIT ?")
        rows = self._db().execute(sql, (*params, limit + 1)).fetchall()
        page = [q.record(row, "") for row in rows[:limit]]
        if len(rows) <= limit:
            return page, None
        return page, base.encode_page_token([page[-1].start_date, page[-1].execution_arn])

    def history(self, execution_arn: str, *, after_id: int = 0, limit: int = 1000,
                reverse: bool = False) -> list[Message]:
        row = self._db().execute("SELECT seq FROM executions WHERE execution_arn = ?",
                                 (execution_arn,)).fetchone()
        if row is None:
            raise ExecutionDoesNotExist(f"Execution Does Not Exist: '{execution_arn}'")
        low, high = row[0] << q.ID_BITS, (row[0] + 1) << q.ID_BITS
        if reverse:
            bounds, order = (low, (low | after_id) if after_id > 0 else high), "DESC"
        else:
            bounds, order = (low | max(after_id, 0), high), "ASC"
        rows = self._db().execute("SELECT key, previous, data FROM events WHERE key > ? AND "
                                  f"key < ? ORDER BY key {order} LIMIT ?", (*bounds, limit))
        return [q.event(key, previous, data) for key, previous, data in rows]

    def save_express_result(self, rec: ExecutionRecord, events: list[Message] | None) -> None:
        numbered = base.number_events(events or [], 1, {}, {}, {})
        bodies = [q.dumps(event) for event in events or []]
        if events is not None:
            rec = replace(rec, event_count=len(events))
        values = q.execution_values(rec)
        with self._write() as db:
            old = db.execute("SELECT seq FROM executions WHERE execution_arn = ?",
                             (rec.execution_arn,)).fetchone()
            if old:
                q.purge(db, old[0])
            q.insert_events(db, self._insert_execution(db, rec, values), numbered, bodies)

    # ---- function invocation logs --------------------------------------------------------

    def put_invocation_log(self, execution_arn: str, *, run_id: str, state: str, task_id: str,
                           attempt: int, request_id: str, lines: list[str], timestamp: float,
                           duration_ms: float | None = None, error: str | None = None) -> None:
        entry = base.log_entry(run_id=run_id, state=state, task_id=task_id, attempt=attempt,
                               request_id=request_id, lines=lines, timestamp=timestamp,
                               duration_ms=duration_ms, error=error)
        try:
            self._db().execute(f"INSERT INTO invocation_logs (exec_seq, state, timestamp, data) "
                               f"VALUES ({q.SEQ}, ?, ?, ?)", (execution_arn, state,
                                                               entry["timestamp"], q.dumps(entry)))
        except sqlite3.IntegrityError as exc:      # exec_seq NULL: no such execution
            raise ExecutionDoesNotExist(f"Execution Does Not Exist: '{execution_arn}'") from exc

    def invocation_logs(self, execution_arn: str, state: str | None = None) -> list[Message]:
        sql = f"SELECT data FROM invocation_logs WHERE exec_seq = {q.SEQ}"
        params: list[Any] = [execution_arn]
        if state is not None:
            sql, params = sql + " AND state = ?", params + [state]
        rows = self._db().execute(sql + " ORDER BY timestamp, id", params)
        return [q.loads(data) for (data,) in rows]

    # ---- callbacks and the inbox ---------------------------------------------------------

    def put_task_token(self, token: str, execution_arn: str, run_id: str, task_id: str) -> None:
        self._db().execute("INSERT OR REPLACE INTO task_tokens VALUES (?, ?, ?, ?)",
                           (token, execution_arn, run_id, task_id))

    def resolve_task_token(self, token: str) -> tuple[str, str, str] | None:
        row = self._db().execute("SELECT execution_arn, run_id, task_id FROM task_tokens "
                                 "WHERE token = ?", (token,)).fetchone()
        return (row[0], row[1], row[2]) if row else None

    def delete_task_token(self, token: str) -> None:
        self._db().execute("DELETE FROM task_tokens WHERE token = ?", (token,))

    def post_event(self, execution_arn: str, run_id: str, message: Message) -> None:
        self._db().execute("INSERT INTO inbox (execution_arn, run_id, message) VALUES (?, ?, ?)",
                           (execution_arn, run_id, q.dumps(message)))

    def take_events(self, execution_arn: str) -> list[tuple[int, str, Message]]:
        db = self._db()
        # Polled often: look with a read before taking the write lock.
        if not db.execute("SELECT 1 FROM inbox WHERE execution_arn = ? LIMIT 1",
                          (execution_arn,)).fetchone():
            return []
        rows = db.execute("DELETE FROM inbox WHERE execution_arn = ? "
                          "RETURNING id, run_id, message", (execution_arn,)).fetchall()
        return sorted((row_id, run_id, q.loads(text)) for row_id, run_id, text in rows)


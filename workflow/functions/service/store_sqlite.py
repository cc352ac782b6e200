"""The embedded function store: one SQLite file (WAL), shareable by the CLI and runners."""
from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path
from typing import ContextManager

from workflow.functions.service.records import (LATEST, AliasRecord, FunctionConfig,
                                                InvocationRecord)
from workflow.functions.service.store import KEEP_INVOCATIONS, FunctionStore
from workflow.sqlite_file import SqliteFile

SCHEMA = """
CREATE TABLE IF NOT EXISTS fn_code (key TEXT PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS fn_config (name TEXT NOT NULL, version TEXT NOT NULL,
    num INTEGER NOT NULL, body TEXT NOT NULL, PRIMARY KEY (name, version));
CREATE TABLE IF NOT EXISTS fn_alias (name TEXT NOT NULL, alias TEXT NOT NULL,
    body TEXT NOT NULL, PRIMARY KEY (name, alias));
CREATE TABLE IF NOT EXISTS fn_invocation (seq INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL, execution TEXT, body TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS fn_invocation_name ON fn_invocation (name, seq);
CREATE INDEX IF NOT EXISTS fn_invocation_execution ON fn_invocation (execution);
CREATE TABLE IF NOT EXISTS fn_totals (name TEXT PRIMARY KEY, invocations INTEGER NOT NULL,
    errors INTEGER NOT NULL, throttles INTEGER NOT NULL, billed_ms INTEGER NOT NULL,
    gb_seconds REAL NOT NULL);
CREATE TABLE IF NOT EXISTS fn_counter (name TEXT PRIMARY KEY, last INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS fn_slot (name TEXT NOT NULL, slot TEXT NOT NULL,
    expires REAL NOT NULL, PRIMARY KEY (name, slot))
"""


class SqliteFunctionStore(FunctionStore):
    """Thread-safe: one connection per thread."""

    def __init__(self, path: str | Path) -> None:
        self._file = SqliteFile(path)
        self.path = self._file.path
        with self._write() as db:
            for statement in SCHEMA.split(";"):
                db.execute(statement)

    def _db(self) -> sqlite3.Connection:
        return self._file.db()

    def _write(self) -> ContextManager[sqlite3.Connection]:
        return self._file.write()

    def close(self) -> None:
        self._file.close()

    def put_code(self, key: str, data: bytes) -> None:
        with self._write() as db:
            db.execute("INSERT OR IGNORE INTO fn_code VALUES (?, ?)", (key, data))

    def get_code(self, key: str) -> bytes | None:
        row = self._db().execute("SELECT data FROM fn_code WHERE key = ?", (key,)).fetchone()
        return bytes(row[0]) if row else None

    def create(self, config: FunctionConfig) -> bool:
        with self._write() as db:
            cursor = db.execute("INSERT OR IGNORE INTO fn_config VALUES (?, ?, 0, ?)",
                                (config.name, LATEST, json.dumps(config.to_json())))
            return cursor.rowcount == 1

    def configs(self, name: str, versions: tuple[str, ...]) -> dict[str, FunctionConfig]:
        marks = ",".join("?" * len(versions))
        rows = self._db().execute(
            f"SELECT version, body FROM fn_config WHERE name = ? AND version IN ({marks})",
            (name, *versions)).fetchall()
        return {v: FunctionConfig.from_json(json.loads(body)) for v, body in rows}

    def put_config(self, config: FunctionConfig, expected_revision: str) -> bool:
        with self._write() as db:
            row = db.execute("SELECT body FROM fn_config WHERE name = ? AND version = ?",
                             (config.name, LATEST)).fetchone()
            if row is None or json.loads(row[0])["revision_id"] != expected_revision:
                return False
            db.execute("UPDATE fn_config SET body = ? WHERE name = ? AND version = ?",
                       (json.dumps(config.to_json()), config.name, LATEST))
            return True

    def next_version(self, name: str) -> int:
        with self._write() as db:
            db.execute("INSERT INTO fn_counter VALUES (?, 1) ON CONFLICT (name) DO UPDATE SET "
                       "last = last + 1", (name,))
            return int(db.execute("SELECT last FROM fn_counter WHERE name = ?",
                                  (name,)).fetchone()[0])

    def add_version(self, config: FunctionConfig) -> bool:
        with self._write() as db:
            cursor = db.execute("INSERT OR IGNORE INTO fn_config VALUES (?, ?, ?, ?)",
                                (config.name, config.version, int(config.version),
                                 json.dumps(config.to_json())))
            return cursor.rowcount == 1

    def versions(self, name: str) -> list[FunctionConfig]:
        rows = self._db().execute("SELECT body FROM fn_config WHERE name = ? ORDER BY num",
                                  (name,)).fetchall()
        return [FunctionConfig.from_json(json.loads(body)) for (body,) in rows]

    def names(self) -> list[str]:
        rows = self._db().execute("SELECT name FROM fn_config WHERE version = ? ORDER BY name",
                                  (LATEST,)).fetchall()
        return [name for (name,) in rows]

    def delete(self, name: str, version: str | None = None) -> bool:
        with self._write() as db:
            if version is not None:
                return db.execute("DELETE FROM fn_config WHERE name = ? AND version = ?",
                                  (name, version)).rowcount == 1
            found = db.execute("DELETE FROM fn_config WHERE name = ?", (name,)).rowcount > 0
            for table in ("fn_alias", "fn_totals", "fn_slot", "fn_invocation", "fn_counter"):
                db.execute(f"DELETE FROM {table} WHERE name = ?", (name,))
            return found

    def put_alias(self, alias: AliasRecord, create: bool) -> bool:
        body = json.dumps(alias.to_json())
        with self._write() as db:
            if create:
                sql, args = "INSERT OR IGNORE INTO fn_alias VALUES (?, ?, ?)", (
                    alias.function, alias.name, body)
            else:
                sql, args = "UPDATE fn_alias SET body = ? WHERE name = ? AND alias = ?", (
                    body, alias.function, alias.name)
            return db.execute(sql, args).rowcount == 1

    def aliases(self, name: str) -> list[AliasRecord]:
        rows = self._db().execute("SELECT body FROM fn_alias WHERE name = ? ORDER BY alias",
                                  (name,)).fetchall()
        return [AliasRecord.from_json(json.loads(body)) for (body,) in rows]

    def alias(self, name: str, alias: str) -> AliasRecord | None:
        row = self._db().execute("SELECT body FROM fn_alias WHERE name = ? AND alias = ?",
                                 (name, alias)).fetchone()
        return AliasRecord.from_json(json.loads(row[0])) if row else None

    def delete_alias(self, name: str, alias: str) -> bool:
        with self._write() as db:
            return db.execute("DELETE FROM fn_alias WHERE name = ? AND alias = ?",
                              (name, alias)).rowcount == 1

    def add_invocation(self, record: InvocationRecord) -> int:
        with self._write() as db:
            seq = db.execute("INSERT INTO fn_invocation (name, execution, body) VALUES (?, ?, '')",
                             (record.function, record.execution)).lastrowid
            record.seq = int(seq or 0)
            db.execute("UPDATE fn_invocation SET body = ? WHERE seq = ?",
                       (json.dumps(record.to_json()), seq))
            db.execute("DELETE FROM fn_invocation WHERE name = ? AND seq <= ?",
                       (record.function, record.seq - KEEP_INVOCATIONS))
            db.execute(
                "INSERT INTO fn_totals VALUES (?, 1, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET "
                "invocations = invocations + 1, errors = errors + excluded.errors, "
                "throttles = throttles + excluded.throttles, "
                "billed_ms = billed_ms + excluded.billed_ms, "
                "gb_seconds = gb_seconds + excluded.gb_seconds",
                (record.function, int(record.error is not None), int(record.throttled),
                 record.billed_ms, record.gb_seconds))
        return record.seq

    def invocations(self, name: str, after: int = 0, limit: int = 1000) -> list[InvocationRecord]:
        rows = self._db().execute(
            "SELECT body FROM fn_invocation WHERE name = ? AND seq > ? ORDER BY seq DESC LIMIT ?",
            (name, after, limit)).fetchall()
        return [InvocationRecord.from_json(json.loads(body)) for (body,) in reversed(rows)]

    def execution_invocations(self, execution: str) -> list[InvocationRecord]:
        rows = self._db().execute("SELECT body FROM fn_invocation WHERE execution = ? ORDER BY seq",
                                  (execution,)).fetchall()
        return [InvocationRecord.from_json(json.loads(body)) for (body,) in rows]

    def totals(self, name: str) -> dict[str, float]:
        row = self._db().execute("SELECT invocations, errors, throttles, billed_ms, gb_seconds "
                                 "FROM fn_totals WHERE name = ?", (name,)).fetchone() or (0,) * 5
        return dict(zip(("invocations", "errors", "throttles", "billed_ms", "gb_seconds"), row))

    def acquire_slot(self, name: str, slot: str, limit: int, ttl: float) -> bool:
        now = time.time()
        with self._write() as db:
            db.execute("DELETE FROM fn_slot WHERE name = ? AND expires < ?", (name, now))
            (held,) = db.execute("SELECT COUNT(*) FROM fn_slot WHERE name = ?", (name,)).fetchone()
            if held >= limit:
                return False
            db.execute("INSERT OR REPLACE INTO fn_slot VALUES (?, ?, ?)", (name, slot, now + ttl))
            return True

    def release_slot(self, name: str, slot: str) -> None:
        with self._write() as db:
            db.execute("DELETE FROM fn_slot WHERE name = ? AND slot = ?", (name, slot))

"""One SQLite file shared by threads and processes, as both embedded stores use it: WAL mode,
a connection per thread, a busy timeout so a CLI process waits for a runner, and every write
one ``BEGIN IMMEDIATE`` transaction that leaves nothing behind when it fails."""
from __future__ import annotations

import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

BUSY_TIMEOUT_MS = 5000


class SqliteFile:
    def __init__(self, path: str | Path, closed_error: type[Exception] = RuntimeError) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._closed_error = closed_error
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections: list[sqlite3.Connection] = []
        self._closed = False

    def db(self) -> sqlite3.Connection:
        try:
            return self._local.db
        except AttributeError:
            return self._connect()

    def _connect(self) -> sqlite3.Connection:
        with self._lock:
            if self._closed:
                raise self._closed_error(f"store {self.path} is closed")
            db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                                 check_same_thread=False, cached_statements=256)
            self._connections.append(db)
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        self._local.db = db
        return db

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        db = self.db()
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise

    def close(self) -> None:
        with self._lock:
            self._closed = True
            for db in self._connections:
                db.close()
            self._connections.clear()

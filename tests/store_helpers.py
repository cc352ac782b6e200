"""Records and backends shared by the store tests: every Store implementation must pass them."""
from __future__ import annotations

import os
import sqlite3
import uuid
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any, Iterator

import pytest
import redis

from workflow.interpreter.run import RunState
from workflow.store import ExecutionRecord, SqliteStore, Store, VersionConflict
from workflow.store.redis_store import RedisStore

SM = "arn:aws:states:us-east-1:000000000000:stateMachine:Demo"
EXEC = "arn:aws:states:us-east-1:000000000000:execution:Demo:one"
DEFINITION = '{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}'
REDIS_URL = os.environ.get("SFN_TEST_REDIS_URL", "redis://127.0.0.1:6379/11")


def execution(arn: str = EXEC, machine: str = SM, start: float = 1700000000.0,
              **extra: Any) -> ExecutionRecord:
    return ExecutionRecord(execution_arn=arn, state_machine_arn=machine, name=arn.rsplit(":")[-1],
                           input={"n": 1, "text": "héllo"}, start_date=start,
                           definition=DEFINITION, **extra)


def event(type_: str, run: str = "", **details: Any) -> dict[str, Any]:
    return {"type": type_, "timestamp": 1700000000.5, "run": run, **details}


def top(state: str = "A") -> RunState:
    return RunState(run_id="", machine="", state=state, input={"x": [1, 2]})


def fetch(store: Store, arn: str = EXEC) -> ExecutionRecord:
    rec = store.get_execution(arn)
    assert rec is not None
    return rec


class SqliteBackend:
    """One database file; ``open`` gives another connection to it, as another process would."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def open(self) -> Store:
        return SqliteStore(self.path)

    def count_events(self) -> int:
        with closing(sqlite3.connect(self.path)) as other:
            return other.execute("SELECT count(*) FROM events").fetchone()[0]

    @contextmanager
    def failing_event_write(self, arn: str) -> Iterator[type[BaseException]]:
        """Make writing events whose text has ``Boom`` fail after other rows were written."""
        with closing(sqlite3.connect(self.path)) as other:
            other.execute("CREATE TRIGGER boom BEFORE INSERT ON events WHEN "
                          "NEW.data LIKE '%Boom%' BEGIN SELECT RAISE(ABORT, 'boom'); END")
        yield sqlite3.IntegrityError

    def cleanup(self) -> None:
        pass


class RedisBackend:
    """A key prefix of its own on a test database, deleted afterwards (never a flush)."""

    def __init__(self, url: str = REDIS_URL) -> None:
        self.url = url
        self.prefix = f"test:{uuid.uuid4().hex}:"
        self.client = redis.Redis.from_url(url, decode_responses=True)

    def open(self) -> RedisStore:
        return RedisStore(self.url, prefix=self.prefix)

    def keys(self, pattern: str = "*") -> list[str]:
        return list(self.client.scan_iter(match=self.prefix + pattern, count=1000))

    def count_events(self) -> int:
        return sum(self.client.llen(key) for key in self.keys("e:*"))

    def snapshot(self) -> dict[str, bytes]:
        """Every key of this backend with its serialized value."""
        with redis.Redis.from_url(self.url) as raw:
            return {key: raw.dump(key) for key in self.keys()}

    def key(self, kind: str, arn: str = EXEC, suffix: str = "") -> str:
        """The key of ``kind`` (e, r, rs) of the execution ``arn``."""
        return f"{self.prefix}{kind}:{self.client.hget(self.prefix + 'x:' + arn, 'seq')}{suffix}"

    @contextmanager
    def failing_event_write(self, arn: str) -> Iterator[type[BaseException]]:
        """A string where the event list belongs: the script fails at its first write."""
        key = self.key("e", arn)
        assert not self.client.exists(key)
        self.client.set(key, "not a list")
        try:
            yield redis.ResponseError
        finally:
            self.client.delete(key)

    def cleanup(self) -> None:
        keys = self.keys()
        for start in range(0, len(keys), 1000):
            self.client.delete(*keys[start:start + 1000])
        self.client.close()


def redis_available(url: str = REDIS_URL) -> bool:
    try:
        with redis.Redis.from_url(url, socket_connect_timeout=1) as client:
            return bool(client.ping())
    except redis.RedisError:
        return False


needs_redis = pytest.mark.skipif(not redis_available(), reason="no Redis server on " + REDIS_URL)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / ".sfn" / "sfn.db"


@pytest.fixture(params=["sqlite", pytest.param("redis", marks=needs_redis)])
def backend(request: pytest.FixtureRequest, db_path: Path) -> Iterator[Any]:
    opened = SqliteBackend(db_path) if request.param == "sqlite" else RedisBackend()
    yield opened
    opened.cleanup()


@pytest.fixture
def store(backend: Any) -> Iterator[Store]:
    with backend.open() as opened:
        yield opened


def bump(url: str, prefix: str, arn: str, tag: int, count: int) -> int:
    """Apply ``count`` transitions to the top run as a worker would (load, commit, retry on
    VersionConflict); returns the conflicts met. Run in another process."""
    conflicts = done = 0
    with RedisStore(url, prefix=prefix) as store:
        while done < count:
            loaded = store.load_run(arn, "")
            assert loaded is not None
            run, version = loaded
            run.transitions += 1
            try:
                store.commit(arn, runs=[(run, version)], events=[event("Bump", tag=tag, n=done)])
            except VersionConflict:
                conflicts += 1
            else:
                done += 1
    return conflicts

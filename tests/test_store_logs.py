"""Function invocation logs in every store (SQLite file, Redis prefix): kept per attempt,
read in time order or for one state, bounded in size, shared across store objects."""
from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any, Iterator

import pytest
from store_helpers import EXEC, backend, db_path, execution, store, top  # noqa: F401

from workflow.store import ExecutionDoesNotExist, SqliteStore, Store
from workflow.store.base import LOG_BYTES_LIMIT, bounded_lines
from workflow.store.sqlite_sql import SCHEMA


@pytest.fixture
def sqlite_store(db_path: Path) -> Iterator[SqliteStore]:
    with SqliteStore(db_path) as opened:
        yield opened


def _put(store: Store, state: str, attempt: int, at: float, lines: list[str],
         arn: str = EXEC, **extra: Any) -> None:
    store.put_invocation_log(arn, run_id=extra.pop("run_id", ""), state=state,
                             task_id=f"t-{state}", attempt=attempt, request_id=f"r-{at}",
                             lines=lines, timestamp=at, **extra)


def test_kept_per_attempt_in_time_order(store: Store) -> None:
    store.create_execution(execution(), [top()])
    assert store.invocation_logs(EXEC) == []
    _put(store, "Charge", 2, 12.5, ["retrying", "ok"], duration_ms=3.5)
    _put(store, "Charge", 1, 10.0, ["trying é"], error="ValueError")
    _put(store, "Ship", 1, 11.0, [], run_id="b0")
    _put(store, "Ship", 1, 11.0, ["same instant, written later"], run_id="b1")
    assert [(e["state"], e["attempt"], e["run_id"]) for e in store.invocation_logs(EXEC)] == [
        ("Charge", 1, ""), ("Ship", 1, "b0"), ("Ship", 1, "b1"), ("Charge", 2, "")]
    first, last = store.invocation_logs(EXEC, "Charge")
    assert first == {"run_id": "", "state": "Charge", "task_id": "t-Charge", "attempt": 1,
                     "request_id": "r-10.0", "lines": ["trying é"], "timestamp": 10.0,
                     "duration_ms": None, "error": "ValueError"}
    assert last["lines"] == ["retrying", "ok"] and last["duration_ms"] == 3.5
    assert store.invocation_logs(EXEC, "Nowhere") == []
    assert store.invocation_logs(EXEC + "-unknown") == []


def test_unknown_execution_is_refused(store: Store) -> None:
    with pytest.raises(ExecutionDoesNotExist):
        _put(store, "A", 1, 1.0, ["x"])


def test_other_store_objects_see_them(store: Store, backend: Any) -> None:
    store.create_execution(execution(), [top()])
    other = f"{EXEC}-2"
    store.create_execution(execution(other), [top()])
    with backend.open() as worker:           # another process, as a Celery worker would be
        _put(worker, "A", 1, 1.0, ["from the worker"])
        _put(worker, "A", 1, 2.0, ["another execution"], arn=other)
    assert [e["lines"] for e in store.invocation_logs(EXEC)] == [["from the worker"]]


def test_size_is_bounded(store: Store) -> None:
    store.create_execution(execution(), [top()])
    lines = [f"line {i:06d} " + "x" * 90 for i in range(2000)]     # ~200 KB
    _put(store, "Big", 1, 1.0, lines)
    (entry,) = store.invocation_logs(EXEC)
    kept = entry["lines"]
    assert kept[-1] == lines[-1] and kept[1:] == lines[-(len(kept) - 1):]
    assert sum(len(line) + 1 for line in kept[1:]) <= LOG_BYTES_LIMIT
    assert kept[0].startswith(f"[sfn: {2000 - len(kept) + 1} earlier log line(s) dropped")


def test_bounded_lines_cuts_a_long_last_line_to_its_tail() -> None:
    assert bounded_lines(["a", "b"], 4) == ["a", "b"]
    marker, tail = bounded_lines(["x" * 10 + "end"], 6)
    assert tail == "x" * 2 + "end" and "1 earlier log line(s)" in marker
    assert bounded_lines(["é" * 4], 6)[1] == "éé"          # never half a character
    assert bounded_lines([]) == []


def test_express_replacement_drops_them(store: Store) -> None:
    arn = "arn:aws:states:us-east-1:000000000000:express:Demo:x:uuid"
    rec = execution(arn, type="EXPRESS", status="SUCCEEDED", stop_date=2.0)
    store.save_express_result(rec, None)
    _put(store, "A", 1, 1.0, ["kept"], arn=arn)
    store.save_express_result(rec, None)
    assert store.invocation_logs(arn) == []


def test_a_schema_1_file_gets_the_logs_table(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    with closing(sqlite3.connect(db_path)) as old:
        old.executescript(SCHEMA)
        old.execute("PRAGMA user_version = 1")
    with SqliteStore(db_path) as opened:
        opened.create_execution(execution(), [top()])
        _put(opened, "A", 1, 1.0, ["after the upgrade"])
        assert opened.invocation_logs(EXEC)[0]["lines"] == ["after the upgrade"]
    with closing(sqlite3.connect(db_path)) as reopened:
        assert reopened.execute("PRAGMA user_version").fetchone()[0] == 2


# ---- the embedded runner writes them ----------------------------------------------------------

FUNCTIONS = Path(__file__).parent / "functions" / "logging_fns.py"
RETRIED = {"StartAt": "Say", "States": {"Say": {
    "Type": "Task", "Resource": "charge", "End": True,
    "Retry": [{"ErrorEquals": ["ValueError"], "IntervalSeconds": 1, "MaxAttempts": 2}]}}}


def test_embedded_standard_execution_keeps_each_attempt(sqlite_store: SqliteStore) -> None:
    import workflow
    from workflow.runner import VirtualClock
    functions = {"charge": f"{FUNCTIONS}:charge"}
    done = workflow.run(RETRIED, {"order": "o-1"}, functions=functions, store=sqlite_store,
                        clock=VirtualClock())
    assert done.status == "FAILED"
    kept = sqlite_store.invocation_logs(done.execution_arn)
    assert [(e["state"], e["attempt"], e["error"]) for e in kept] == [
        ("Say", 1, "ValueError"), ("Say", 2, "ValueError"), ("Say", 3, "ValueError")]
    assert all(e["lines"][0] == "charging o-1" for e in kept)
    express = workflow.run(RETRIED, {"order": "o-2"}, functions=functions,
                           store=sqlite_store, clock=VirtualClock(), type="EXPRESS")
    assert express.status == "FAILED"
    assert sqlite_store.invocation_logs(express.execution_arn) == []


def test_a_store_failure_never_fails_the_task(sqlite_store: SqliteStore,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    import workflow

    def broken(*args: Any, **kwargs: Any) -> None:
        raise OSError("disk full")
    monkeypatch.setattr(sqlite_store, "put_invocation_log", broken)
    done = workflow.run(RETRIED, "x", functions={"charge": f"{FUNCTIONS}:pack"},
                        store=sqlite_store)
    assert done.status == "SUCCEEDED" and done.output == "x"

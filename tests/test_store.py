"""Every store on real backends: SQLite files and a Redis server (a prefix per test)."""
from __future__ import annotations

import sqlite3
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from store_helpers import (DEFINITION, EXEC, SM, backend, db_path, event,  # noqa: F401
                           execution, fetch, store, top)

from workflow.interpreter.run import RunState, Waiting
from workflow.store import (ExecutionAlreadyExists, ExecutionDoesNotExist, ExecutionRecord,
                            InvalidToken, SqliteStore, StateMachineRecord, Store,
                            VersionConflict)


@pytest.fixture
def sqlite_store(db_path: Path):
    with SqliteStore(db_path) as opened:
        yield opened


def test_state_machine_round_trip_replace_list_delete(store: Store) -> None:
    rec = StateMachineRecord(arn=SM, name="Demo", definition=DEFINITION, creation_date=1.0,
                             role_arn="arn:aws:iam::000000000000:role/r", revision_id="rev1",
                             description="d", tags={"team": "x"},
                             logging_configuration={"level": "OFF"},
                             tracing_configuration={"enabled": False})
    store.put_state_machine(rec)
    assert store.get_state_machine(SM) == rec
    rec.definition, rec.revision_id = DEFINITION.replace("A", "B"), "rev2"
    store.put_state_machine(rec)
    assert store.get_state_machine(SM) == rec
    version = StateMachineRecord(arn=SM + ":1", name="Demo", definition=DEFINITION,
                                 kind="version", parent_arn=SM, creation_date=2.0)
    other = StateMachineRecord(arn=SM + "2", name="Demo2", definition=DEFINITION,
                               creation_date=3.0, type="EXPRESS")
    store.put_state_machine(version)
    store.put_state_machine(other)
    assert [r.arn for r in store.list_state_machines()] == [SM, SM + "2"]
    assert store.list_state_machines(kind="version", parent_arn=SM) == [version]
    store.delete_state_machine(SM)
    assert store.get_state_machine(SM) is None and store.get_state_machine(SM + ":1") is None
    assert store.list_state_machines() == [other]


def test_execution_round_trip(store: Store) -> None:
    rec = execution(trace_header="Root=1", state_machine_version_arn=SM + ":1")
    store.create_execution(rec, [top()])
    assert store.get_execution(EXEC) == rec
    assert store.get_execution(EXEC + "x") is None
    assert store.load_run(EXEC, "") == (top(), 1)
    assert store.load_run(EXEC, "missing") is None


def test_execution_already_exists_or_missing(store: Store) -> None:
    with pytest.raises(ExecutionDoesNotExist):
        store.commit(EXEC, runs=[(top(), 0)], events=[event("ExecutionStarted")])
    with pytest.raises(ExecutionDoesNotExist):
        store.history(EXEC)
    store.create_execution(execution(), [top()])
    with pytest.raises(ExecutionAlreadyExists):
        store.create_execution(execution(status="FAILED"), [top("B")])
    assert fetch(store).status == "RUNNING"
    assert store.load_runs(EXEC) == [(top(), 1)]


def test_commit_updates_runs_events_and_execution(store: Store) -> None:
    store.create_execution(execution(), [])
    run = top()
    run.waiting = Waiting(kind="task", id="t1", heartbeat_seconds=5)
    ids = store.commit(EXEC, runs=[(run, 0)], events=[
        event("ExecutionStarted", input={"n": 1}), event("PassStateEntered", name="A")])
    assert ids == [1, 2]
    assert store.load_run(EXEC, "") == (run, 1)
    run.state = "B"
    store.commit(EXEC, runs=[(run, 1)], events=[event("ExecutionSucceeded", output=None)],
                 execution={"status": "SUCCEEDED", "output": {"ok": True}, "stop_date": 5.0})
    rec = fetch(store)
    assert (rec.status, rec.output, rec.stop_date, rec.event_count) == (
        "SUCCEEDED", {"ok": True}, 5.0, 3)
    assert store.load_runs(EXEC) == [(run, 2)]
    assert store.history(EXEC)[2] == {**event("ExecutionSucceeded", output=None),
                                      "id": 3, "previousEventId": 2}


def test_ids_gap_free_and_previous_event_chaining_across_runs(store: Store) -> None:
    store.create_execution(execution(), [])
    parent = top("Par")
    store.commit(EXEC, runs=[(parent, 0)], events=[
        event("ExecutionStarted"), event("ParallelStateEntered"), event("ParallelStateStarted")])
    b0 = RunState(run_id="b0", machine="/States/Par/Branches/0", kind="branch", parent="")
    b1 = RunState(run_id="b1", machine="/States/Par/Branches/1", kind="branch", parent="")
    ids = store.commit(EXEC, runs=[(b0, 0), (b1, 0)], events=[
        event("PassStateEntered", "b0"), event("PassStateEntered", "b1"),
        event("PassStateExited", "b0"), event("PassStateExited", "b1")])
    assert ids == [4, 5, 6, 7]
    # A branch's first event chains to its parent's last event, later ones to its own last.
    assert store.commit(EXEC, runs=[(b0, 1), (b1, 1)], events=[
        event("SucceedStateEntered", "b0"), event("SucceedStateEntered", "b1")]) == [8, 9]
    # Events of a stored run that is not committed still move its last event id on.
    store.commit(EXEC, runs=[(parent, 1)], events=[event("ParallelStateExited"),
                                                  event("SucceedStateExited", "b1")])
    b2 = RunState(run_id="b2", machine="/x", kind="branch", parent="")
    store.commit(EXEC, runs=[(b2, 0), (b1, 2)], events=[
        event("PassStateEntered", "b2"), event("X", "b1")], first_previous={"b2": 2})
    chain = {e["id"]: (e["previousEventId"], e["run"]) for e in store.history(EXEC)}
    assert list(chain) == list(range(1, 14))
    assert chain == {1: (0, ""), 2: (1, ""), 3: (2, ""), 4: (3, "b0"), 5: (3, "b1"),
                     6: (4, "b0"), 7: (5, "b1"), 8: (6, "b0"), 9: (7, "b1"), 10: (3, ""),
                     11: (9, "b1"), 12: (2, "b2"), 13: (11, "b1")}
    assert fetch(store).event_count == 13


def test_version_conflict_writes_nothing(store: Store, backend) -> None:
    store.create_execution(execution(), [top()])
    store.commit(EXEC, runs=[(top("B"), 1)], events=[event("ExecutionStarted")])
    child = RunState(run_id="c", machine="/m", parent="")
    for stale in ([(top("C"), 1)], [(child, 0), (top("C"), 5)], [(top("C"), 0)]):
        with pytest.raises(VersionConflict):
            store.commit(EXEC, runs=stale, events=[event("X"), event("Y", "c")],
                         execution={"status": "FAILED"})
    assert store.load_runs(EXEC) == [(top("B"), 2)]
    assert [e["type"] for e in store.history(EXEC)] == ["ExecutionStarted"]
    assert (fetch(store).status, fetch(store).event_count) == ("RUNNING", 1)
    assert backend.count_events() == 1
    assert store.commit(EXEC, runs=[(top("C"), 2)], events=[event("X")]) == [2]


def test_exception_mid_transaction_rolls_back(store: Store, backend) -> None:
    store.create_execution(execution(), [top()])
    # A real backend failure while writing events (SQLite: a trigger, after the execution
    # row and an event were written; Redis: a wrong-typed key at the script's first write).
    with backend.failing_event_write(EXEC) as error, pytest.raises(error):
        store.commit(EXEC, runs=[(top("B"), 1)], events=[event("Fine"), event("Boom")],
                     execution={"status": "FAILED"})
    with pytest.raises(TypeError):  # not JSON: fails before anything begins
        store.commit(EXEC, runs=[(top("B"), 1)], events=[event("Bad", value={1, 2})])
    with pytest.raises(ValueError):
        store.commit(EXEC, runs=[(top("B"), 1)], events=[], execution={"event_count": 9})
    bad_run = top("B")
    bad_run.variables = {"v": {1, 2}}
    with pytest.raises(TypeError):
        store.commit(EXEC, runs=[(bad_run, 1)], events=[event("Fine")])
    assert store.load_runs(EXEC) == [(top(), 1)]
    assert store.history(EXEC) == []
    assert (fetch(store).status, fetch(store).event_count) == ("RUNNING", 0)
    assert store.commit(EXEC, runs=[(top("B"), 1)], events=[event("Fine")]) == [1]


def test_history_paging_forward_and_reverse(store: Store) -> None:
    store.create_execution(execution(), [])
    store.create_execution(execution(EXEC + "2"), [])
    store.commit(EXEC + "2", runs=[], events=[event("Other")])
    store.commit(EXEC, runs=[(top(), 0)], events=[event(f"E{i}") for i in range(1, 26)])
    assert [e["id"] for e in store.history(EXEC, limit=10)] == list(range(1, 11))
    assert [e["id"] for e in store.history(EXEC, after_id=20)] == list(range(21, 26))
    assert [e["id"] for e in store.history(EXEC, reverse=True, limit=3)] == [25, 24, 23]
    assert [e["id"] for e in store.history(EXEC, reverse=True, after_id=3)] == [2, 1]
    assert store.history(EXEC, reverse=True)[0]["type"] == "E25"
    assert [e["type"] for e in store.history(EXEC + "2")] == ["Other"]


def all_pages(store: Store, **filters: Any) -> list[list[ExecutionRecord]]:
    pages = [store.list_executions(**filters)]
    while (token := pages[-1][1]) is not None:
        pages.append(store.list_executions(**filters, next_token=token))
    return [page for page, _ in pages]


def test_list_executions_pagination_and_filters(store: Store) -> None:
    other_sm = SM + "Other"
    for i in range(250):
        machine = other_sm if i % 5 == 0 else SM
        store.create_execution(execution(f"{EXEC}-{i:03d}", machine, start=1000.0 + i // 2), [])
        if i % 3 == 0:
            store.commit(f"{EXEC}-{i:03d}", runs=[], events=[], execution={"status": "FAILED"})
    pages = all_pages(store, limit=40)
    seen = [rec for page in pages for rec in page]
    assert len(pages) == 7 and len(seen) == 250 and len({r.execution_arn for r in seen}) == 250
    keys = [(r.start_date, r.execution_arn) for r in seen]
    assert keys == sorted(keys, reverse=True) and seen[0].definition == ""
    want = [r.execution_arn for r in seen if r.state_machine_arn == SM and r.status == "FAILED"]
    got = [r.execution_arn for page in all_pages(store, state_machine_arn=SM, status="FAILED",
                                                 limit=7) for r in page]
    assert got == want and len(want) == 67
    page, _ = store.list_executions(other_sm, started_after=1100.0, started_before=1110.0)
    assert sorted(r.start_date for r in page) == [1100.0, 1102.0, 1105.0, 1107.0, 1110.0]
    with pytest.raises(InvalidToken):
        store.list_executions(next_token="garbage!")


def test_list_executions_uses_indexes(sqlite_store: SqliteStore, db_path: Path) -> None:
    with closing(sqlite3.connect(db_path)) as other:
        plan = other.execute(
            "EXPLAIN QUERY PLAN SELECT * FROM executions WHERE state_machine_arn = ? AND "
            "status = ? AND (start_date, execution_arn) < (?, ?) "
            "ORDER BY start_date DESC, execution_arn DESC LIMIT 5", (SM, "FAILED", 1.0, "x"))
        detail = " ".join(row[-1] for row in plan)
    assert "executions_by_machine_status" in detail and "TEMP B-TREE" not in detail


def test_express_result(store: Store) -> None:
    arn = "arn:aws:states:us-east-1:000000000000:express:Demo:x:uuid"
    rec = execution(arn, type="EXPRESS", status="SUCCEEDED", output=[1], stop_date=2.0)
    store.save_express_result(rec, None)
    assert store.get_execution(arn) == rec and store.history(arn) == []
    store.save_express_result(rec, [event("ExecutionStarted"), event("ExecutionSucceeded")])
    assert fetch(store, arn).event_count == 2
    assert [(e["id"], e["previousEventId"]) for e in store.history(arn)] == [(1, 0), (2, 1)]


def test_task_tokens_and_inbox_across_store_objects(store: Store, backend) -> None:
    store.create_execution(execution(), [top()])
    store.put_task_token("tok-1", EXEC, "b0", "task-7")
    with backend.open() as cli:  # another process, as `sfn task-success` would be
        assert cli.resolve_task_token("tok-1") == (EXEC, "b0", "task-7")
        assert cli.resolve_task_token("nope") is None
        cli.post_event(EXEC, "b0", {"kind": "TaskSucceeded", "task_id": "task-7", "output": 1})
        cli.post_event(EXEC, "", {"kind": "Stop", "error": "é"})
        cli.post_event(EXEC + "other", "", {"kind": "Stop"})
        cli.delete_task_token("tok-1")
    assert store.resolve_task_token("tok-1") is None
    taken = store.take_events(EXEC)
    assert [(run, message["kind"]) for _, run, message in taken] == [
        ("b0", "TaskSucceeded"), ("", "Stop")]
    assert taken[0][0] < taken[1][0] and taken[1][2]["error"] == "é"
    assert store.take_events(EXEC) == []
    assert len(store.take_events(EXEC + "other")) == 1


def test_file_settings_and_reopen(sqlite_store: SqliteStore, db_path: Path) -> None:
    sqlite_store.create_execution(execution(), [top()])
    sqlite_store.close()
    with closing(sqlite3.connect(db_path)) as other:
        assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert other.execute("PRAGMA user_version").fetchone()[0] == 2
    with SqliteStore(db_path) as again:
        assert again.load_runs(EXEC) == [(top(), 1)]


def test_commits_from_several_threads(store: Store) -> None:
    arns = [f"{EXEC}-{i}" for i in range(4)]
    for arn in arns:
        store.create_execution(execution(arn), [top()])

    def work(arn: str) -> None:
        for version in range(1, 51):
            store.commit(arn, runs=[(top(f"S{version}"), version)],
                         events=[event("PassStateEntered"), event("PassStateExited")])

    with ThreadPoolExecutor(len(arns)) as pool:
        list(pool.map(work, arns))  # re-raises what a thread raised
    for arn in arns:
        assert [e["id"] for e in store.history(arn)] == list(range(1, 101))
        assert store.load_run(arn, "") == (top("S50"), 51)


def test_many_small_commits_number_events_gap_free(store: Store) -> None:
    store.create_execution(execution(), [top()])
    run, count = top(), 500
    for version in range(1, count + 1):
        store.commit(EXEC, runs=[(run, version)], events=[
            event("PassStateEntered", name="A", input={"x": 1}),
            event("PassStateExited", name="A", output={"x": 1}), event("PassStateEntered")])
    assert [e["id"] for e in store.history(EXEC, limit=2000)] == list(range(1, 3 * count + 1))

"""What the distributed runner needs beyond the common contract: racing workers, nothing
half-written, runs as separate keys, isolation by prefix; and costs at scale for both stores."""
from __future__ import annotations

import random
import threading
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from multiprocessing import get_context
from typing import Any

import pytest
import redis
from store_helpers import (EXEC, SM, RedisBackend, backend, bump, db_path, event,  # noqa: F401
                           execution, fetch, needs_redis, store, top)

from workflow.interpreter.run import RunState
from workflow.store import Store, StoreError, VersionConflict
from workflow.store.base import encode_page_token
from workflow.store.redis_store import RedisStore


@pytest.fixture
def rb() -> Any:
    opened = RedisBackend()
    yield opened
    opened.cleanup()


@pytest.fixture
def rstore(rb: RedisBackend) -> Any:
    with rb.open() as opened:
        yield opened


def _race(store: Store, round_: int, racers: int) -> list[list[int] | None]:
    """Every racer commits the top run at the same expected version, released at once."""
    barrier = threading.Barrier(racers)

    def commit(i: int) -> list[int] | None:
        barrier.wait()
        try:
            return store.commit(EXEC, runs=[(top(f"R{round_}-{i}"), round_ + 1)],
                                events=[event(f"E{i}"), event(f"F{i}")],
                                execution={"status": f"S{i}"})
        except VersionConflict:
            return None

    with ThreadPoolExecutor(racers) as pool:
        return list(pool.map(commit, range(racers)))


@needs_redis
def test_same_version_from_threads_exactly_one_wins(rstore: RedisStore, rb: RedisBackend) -> None:
    racers = 8
    rstore.create_execution(execution(), [top()])
    for round_ in range(15):
        results = _race(rstore, round_, racers)
        winners = [i for i, ids in enumerate(results) if ids is not None]
        assert len(winners) == 1
        won = winners[0]
        assert results[won] == [2 * round_ + 1, 2 * round_ + 2]
        assert rstore.load_run(EXEC, "") == (top(f"R{round_}-{won}"), round_ + 2)
        assert (fetch(rstore).status, fetch(rstore).event_count) == (f"S{won}", 2 * round_ + 2)
        assert [e["type"] for e in rstore.history(EXEC, after_id=2 * round_)] == [
            f"E{won}", f"F{won}"]
        # The status indexes hold the execution exactly once, under the winner's status.
        listed = {status: rstore.list_executions(status=status)[0]
                  for status in ["RUNNING", *(f"S{i}" for i in range(racers))]}
        assert {s: [r.execution_arn for r in recs] for s, recs in listed.items() if recs} == {
            f"S{won}": [EXEC]}
    assert rb.count_events() == 30


@needs_redis
def test_workers_in_processes_apply_each_transition_once(rstore: RedisStore,
                                                         rb: RedisBackend) -> None:
    rstore.create_execution(execution(), [top()])
    workers, count = 4, 25
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
        conflicts = list(pool.map(bump, [rb.url] * workers, [rb.prefix] * workers,
                                  [EXEC] * workers, range(workers), [count] * workers))
    loaded = rstore.load_run(EXEC, "")
    assert loaded is not None
    run, version = loaded
    assert (run.transitions, version) == (workers * count, workers * count + 1)
    history = rstore.history(EXEC)
    assert [(e["id"], e["previousEventId"]) for e in history] == [
        (i, i - 1) for i in range(1, workers * count + 1)]
    assert sorted((e["tag"], e["n"]) for e in history) == [
        (tag, n) for tag in range(workers) for n in range(count)]
    print(f"conflicts met by {workers} processes: {sum(conflicts)}")


@needs_redis
def test_failed_commits_write_nothing(rstore: RedisStore, rb: RedisBackend) -> None:
    rstore.create_execution(execution(), [top()])
    rstore.commit(EXEC, runs=[(top("B"), 1)], events=[event("ExecutionStarted")])
    before = rb.snapshot()
    child = RunState(run_id="c", machine="/m", parent="")
    bad = top("C")
    bad.variables = {"v": {1, 2}}
    cases: list[tuple[dict[str, Any], type[Exception]]] = [
        ({"runs": [(child, 0), (bad, 2)]}, TypeError),
        ({"execution": {"definition": "{}"}}, ValueError),
        ({"execution": {"status": None}}, ValueError),
        ({"runs": [(top("C"), 2), (top("D"), 2)]}, ValueError),
        ({"runs": [(child, 0), (top("C"), 1)]}, VersionConflict)]
    for changes, error in cases:
        arguments: dict[str, Any] = {"runs": [(top("C"), 2)], "events": [event("X", "c")],
                                     "execution": {"status": "FAILED"}, **changes}
        with pytest.raises(error):
            rstore.commit(EXEC, **arguments)
    assert rb.snapshot() == before
    # A run key of the wrong type makes the script fail while reading, before any write.
    rb.client.set(rb.key("r", suffix=":c"), "not a hash")
    with pytest.raises(redis.ResponseError):
        rstore.commit(EXEC, runs=[(top("C"), 2), (child, 0)], events=[event("X", "c")],
                      execution={"status": "FAILED"})
    rb.client.delete(rb.key("r", suffix=":c"))
    assert rb.snapshot() == before


@needs_redis
def test_big_map_runs_are_separate_small_keys(rstore: RedisStore, rb: RedisBackend) -> None:
    rstore.create_execution(execution(), [top("Map")])
    items = [RunState(run_id=f"m/{i}", machine="/States/Map/ItemProcessor", kind="iteration",
                      index=i, parent="", output={"item": i, "pad": "x" * 100})
             for i in range(10_000)]
    ids = rstore.commit(EXEC, runs=[(top("Map"), 1), *((run, 0) for run in items)],
                        events=[event("MapStateStarted"), *(
                            event("MapIterationStarted", run.run_id) for run in items)])
    assert ids == list(range(1, 10_002))
    runs = rb.keys(rb.key("r", suffix=":*")[len(rb.prefix):])
    assert len(runs) == 10_001
    assert max(rb.client.memory_usage(key) or 0 for key in runs[:500]) < 2_000
    started = time.perf_counter()
    for i in range(0, 10_000, 10):
        assert rstore.load_run(EXEC, f"m/{i}") == (items[i], 1)
    load_one = (time.perf_counter() - started) / 1000
    # An iteration's next event chains to its own last one, not to the Map's.
    assert rstore.commit(EXEC, runs=[(items[5], 1)], events=[event("Pass", "m/5")]) == [10_002]
    assert rstore.history(EXEC, reverse=True, limit=1)[0]["previousEventId"] == 7
    started = time.perf_counter()
    loaded = rstore.load_runs(EXEC)
    load_all = time.perf_counter() - started
    assert [run.run_id for run, _ in loaded] == ["", *(run.run_id for run in items)]
    print(f"load_run among 10,001 runs: {load_one * 1e6:.0f} us; "
          f"load_runs: {load_all * 1e3:.0f} ms")


@needs_redis
def test_prefixes_isolate_and_close(rstore: RedisStore, rb: RedisBackend) -> None:
    rstore.create_execution(execution(), [top()])
    rstore.put_task_token("tok", EXEC, "", "t")
    other = RedisBackend()
    try:
        with other.open() as second:
            assert second.get_execution(EXEC) is None
            assert second.list_executions() == ([], None)
            assert second.resolve_task_token("tok") is None
            second.create_execution(execution(status="FAILED"), [])
        assert fetch(rstore).status == "RUNNING"
    finally:
        other.cleanup()
    rstore.close()
    with pytest.raises(StoreError):
        rstore.get_execution(EXEC)


def test_listing_stays_fast_at_10000_executions(store: Store) -> None:
    arns = [f"{EXEC}-{i:05d}" for i in range(10_000)]
    for i, arn in enumerate(arns):
        store.create_execution(execution(arn, SM + str(i % 4), start=1000.0 + i // 3), [])
        if i % 7 == 0:
            store.commit(arn, runs=[], events=[], execution={"status": "FAILED"})
    deep = encode_page_token([1000.0 + 1000 // 3, arns[1000]])
    timings = []
    for filters in ({}, {"status": "FAILED"}, {"state_machine_arn": SM + "1"},
                    {"state_machine_arn": SM + "1", "status": "FAILED", "next_token": deep},
                    {"next_token": deep, "started_after": 1100.0}):
        started = time.perf_counter()
        page, token = store.list_executions(limit=100, **filters)
        timings.append(time.perf_counter() - started)
        assert page and all(a.start_date >= b.start_date for a, b in zip(page, page[1:]))
    assert len(page) == 100 and page[0].execution_arn == arns[999] and token
    print(f"list_executions page of 100 among 10,000: {max(timings) * 1e3:.2f} ms (worst)")
    assert max(timings) < 0.1


def test_history_paging_cost(store: Store) -> None:
    store.create_execution(execution(), [top()])
    for version in range(1, 26):
        store.commit(EXEC, runs=[(top(), version)], events=[
            event("PassStateEntered", name=f"S{n}", input={"x": n}) for n in range(1000)])
    pages, after = 0, 0
    started = time.perf_counter()
    while page := store.history(EXEC, after_id=after, limit=100):
        pages, after = pages + 1, page[-1]["id"]
    forward = (time.perf_counter() - started) / pages
    started = time.perf_counter()
    last = store.history(EXEC, after_id=12_501, limit=100, reverse=True)
    reverse = time.perf_counter() - started
    assert (pages, after, [e["id"] for e in last]) == (250, 25_000, list(range(12_500, 12_400, -1)))
    print(f"history page of 100 among 25,000 events: {forward * 1e6:.0f} us forward, "
          f"{reverse * 1e6:.0f} us reverse")
    assert forward < 0.05


def _outcome(call: Any) -> Any:
    try:
        return call()
    except Exception as exc:  # the exception's type is the outcome to compare
        return type(exc).__name__


def _random_commit(rng: random.Random, stores: list[Store], arn: str) -> list[Any]:
    parents = {"": None, "a": "", "b": "", "c": "a"}
    versions = dict((run.run_id, version) for run, version in stores[0].load_runs(arn))
    runs = [(RunState(run_id=r, machine="/m", parent=parents[r], state=f"S{rng.random():.3f}"),
             versions.get(r, 0) if rng.random() < 0.9 else rng.randint(0, 3))
            for r in rng.sample(sorted(parents), rng.randint(0, 3))]
    events = [event(f"E{n}", rng.choice("abcd ").strip()) for n in range(rng.randint(0, 4))]
    first = {"c": rng.randint(0, 3)} if rng.random() < 0.3 else None
    updates = rng.choice([None, {"status": rng.choice(["FAILED", "SUCCEEDED", "RUNNING"])},
                          {"start_date": rng.choice([1.0, 2.0, 3.5]), "error": None},
                          {"state_machine_arn": SM + rng.choice("12"), "output": [1]},
                          {"stop_date": 9.5, "cause": "line\nbreak", "redrive_count": 2}])
    return [_outcome(lambda s=s: s.commit(arn, runs=runs, events=events, execution=updates,
                                          first_previous=first)) for s in stores]


def _views(store: Store, arns: list[str], rng: random.Random) -> list[Any]:
    views: list[Any] = [[store.get_execution(arn), store.load_runs(arn)] for arn in arns]
    arn = rng.choice(arns + ["missing"])
    after, limit, reverse = rng.randint(-1, 60), rng.randint(0, 5), rng.random() < 0.5
    views.append(_outcome(lambda: store.history(arn, after_id=after, limit=limit,
                                                reverse=reverse)))
    filters: dict[str, Any] = {"state_machine_arn": rng.choice([None, SM + "1", SM + "2"]),
               "status": rng.choice([None, "RUNNING", "FAILED"]),
               "started_after": rng.choice([None, 2.0]), "started_before": rng.choice([None, 2.0])}
    pages, token = [], None
    while True:
        page, token = store.list_executions(limit=rng.randint(1, 3), next_token=token, **filters)
        pages.append(page)
        if token is None:
            return views + [pages]


@needs_redis
def test_same_outcomes_as_sqlite(tmp_path: Any, rb: RedisBackend) -> None:
    from workflow.store import SqliteStore
    rng = random.Random(7)
    arns = [f"{EXEC}-{i}" for i in range(6)]
    with SqliteStore(tmp_path / "d.db") as lite, rb.open() as red:
        for step in range(400):
            arn = rng.choice(arns)
            rec = execution(arn, SM + rng.choice("12"), start=rng.choice([1.0, 2.0, 3.5]))
            if rng.random() < 0.2:
                outcomes = [_outcome(lambda s=s: s.create_execution(rec, [top()]))
                            for s in (lite, red)]
            elif rng.random() < 0.05:  # replaces whatever had the ARN, runs and history too
                events = rng.choice([None, [event("A"), event("B", "x")]])
                outcomes = [_outcome(lambda s=s: s.save_express_result(rec, events))
                            for s in (lite, red)]
            else:
                outcomes = _random_commit(rng, [lite, red], arn)
            assert outcomes[0] == outcomes[1], step
            seed = rng.random()
            assert _views(lite, arns, random.Random(seed)) == _views(red, arns, random.Random(seed))

"""The dashboard's execution listing over 10,000 executions written straight to the server's
store: every filter (machine, status, time range, error name, and combinations) pages through
exactly the matching executions, newest first, each once. Page times are printed (a benchmark
figure, not an assert: run with -s to see them)."""
from __future__ import annotations

import time
from typing import Any, Iterator

import pytest

from api_support import PASS, ROLE, Server, running_server
from dashboard_support import Dashboard
from workflow.store import ExecutionRecord, SqliteStore

COUNT = 10_000
T0 = 1_750_000_000.0
STATUSES = ("RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED")


def _record(index: int, machines: list[str]) -> ExecutionRecord:
    machine = machines[index % len(machines)]
    status = STATUSES[index % len(STATUSES)]
    error = None
    if status == "FAILED":
        error = "Custom.Rare" if index % 7 == 0 else "States.TaskFailed"
    elif status == "TIMED_OUT":
        error = "States.Timeout"
    name = f"e{index:05d}"
    arn = machine.replace(":stateMachine:", ":execution:") + ":" + name
    return ExecutionRecord(arn, machine, name, status, input={"i": index},
                           error=error, start_date=T0 + index * 0.5,
                           stop_date=None if status == "RUNNING" else T0 + index * 0.5 + 1,
                           definition=PASS)


@pytest.fixture(scope="module")
def listing(tmp_path_factory: pytest.TempPathFactory
            ) -> Iterator[tuple[Dashboard, list[ExecutionRecord], list[str]]]:
    with running_server(tmp_path_factory.mktemp("dashboard-10k")) as server:
        client = server.client()
        machines = [client.create_state_machine(name=n, definition=PASS, roleArn=ROLE)[
            "stateMachineArn"] for n in ("alpha", "beta", "gamma")]
        records = [_record(i, machines) for i in range(COUNT)]
        with SqliteStore(server.db) as store:
            for record in records:
                store.create_execution(record, [])
        yield Dashboard(server), records, machines


def _all_pages(ui: Dashboard, limit: int, **filters: Any) -> list[str]:
    names, token, pages = [], None, 0
    while True:
        started = time.perf_counter()
        reply = ui.get("executions", limit=limit, token=token, **filters)
        took = time.perf_counter() - started
        assert reply.status_code == 200, reply.text
        page = reply.json()
        if pages == 0:
            print(f"first page of {filters or 'everything'} (limit {limit}): {took * 1000:.0f} ms")
        names += [item["name"] for item in page["executions"]]
        assert len(page["executions"]) <= limit
        token, pages = page["nextToken"], pages + 1
        if token is None:
            return names


def _expected(records: list[ExecutionRecord], **want: Any) -> list[str]:
    def keep(r: ExecutionRecord) -> bool:
        return ((want.get("machine") in (None, r.state_machine_arn))
                and want.get("status") in (None, r.status)
                and want.get("error") in (None, r.error)
                and want.get("after", -1) <= r.start_date <= want.get("before", 1e12))
    chosen = sorted((r for r in records if keep(r)),
                    key=lambda r: (r.start_date, r.execution_arn), reverse=True)
    return [r.name for r in chosen]


def test_everything_pages_newest_first(listing: Any) -> None:
    ui, records, _ = listing
    assert _all_pages(ui, 1000) == _expected(records)


def test_machine_and_status(listing: Any) -> None:
    ui, records, machines = listing
    got = _all_pages(ui, 250, machine=machines[1], status="FAILED")
    assert got == _expected(records, machine=machines[1], status="FAILED") and got


def test_time_range_in_iso_and_epoch(listing: Any) -> None:
    ui, records, _ = listing
    after, before = T0 + 1000, T0 + 1999.5
    iso_after = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(after))
    got = _all_pages(ui, 100, **{"from": iso_after, "to": str(before), "status": "SUCCEEDED"})
    assert got == _expected(records, after=after, before=before, status="SUCCEEDED") and got


def test_error_name_alone_and_combined(listing: Any) -> None:
    ui, records, machines = listing
    assert _all_pages(ui, 50, error="Custom.Rare") == _expected(records, error="Custom.Rare")
    assert _all_pages(ui, 50, error="Custom.Rare", machine=machines[2]) == \
        _expected(records, error="Custom.Rare", machine=machines[2])
    assert _all_pages(ui, 50, error="States.Timeout", status="TIMED_OUT",
                      **{"from": str(T0 + 4000)}) == \
        _expected(records, error="States.Timeout", status="TIMED_OUT", after=T0 + 4000)
    assert _all_pages(ui, 50, error="Custom.Rare", status="SUCCEEDED") == []
    assert _all_pages(ui, 50, error="No.Such.Error") == []


def test_bad_filters_are_validation_errors(listing: Any) -> None:
    ui, _, _ = listing
    for params in ({"status": "DONE"}, {"from": "yesterday"}, {"token": "garbage"}):
        reply = ui.get("executions", **params)
        assert reply.status_code == 400
        assert "ValidationException" in reply.json()["__type"] or \
            "InvalidToken" in reply.json()["__type"]


def test_benchmark_runs_quick() -> None:
    """benchmarks/dashboard.py keeps running (its figures are not looked at here)."""
    import subprocess
    import sys
    from api_support import REPO
    done = subprocess.run([sys.executable, str(REPO / "benchmarks" / "dashboard.py"), "--quick"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "listing: error name (scan)" in done.stdout and "execution page data" in done.stdout

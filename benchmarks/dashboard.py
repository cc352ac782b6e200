"""Dashboard page times with many executions: a real ``sfn server``, N executions written
straight to its SQLite store (3 machines, 5 statuses, a rare error name), then the median
time of the requests a page makes: the page shell, the first page of the execution listing
under each filter, a page 40 pages deep, and an execution page's data (graph included).
Figures are printed, never asserted; the dashboard's target is < 0.5 s per page at 10,000.

    python benchmarks/dashboard.py [--quick] [--executions N]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api import ROLE, SECRET, client, sfn_server  # noqa: E402

PASS = '{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"},"B":{"Type":"Succeed"}}}'
STATUSES = ("RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED")


def fill(db: str, machines: list[str], count: int) -> None:
    from workflow.store import ExecutionRecord, SqliteStore
    with SqliteStore(db) as store:
        for i in range(count):
            status = STATUSES[i % 5]
            error = ("Custom.Rare" if i % 7 == 0 else "States.TaskFailed") \
                if status == "FAILED" else None
            machine = machines[i % len(machines)]
            arn = machine.replace(":stateMachine:", ":execution:") + f":e{i}"
            store.create_execution(ExecutionRecord(
                arn, machine, f"e{i}", status, input={"i": i}, error=error,
                start_date=1.75e9 + i, definition=PASS), [])


def median_ms(call: Callable[[], requests.Response], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        reply = call()
        times.append(time.perf_counter() - started)
        assert reply.status_code == 200, reply.text[:300]
    return statistics.median(times) * 1000


def sign_in(url: str) -> requests.Session:
    http = requests.Session()
    http.post(f"{url}/ui/login", data={"secret": SECRET}, headers={"Origin": url})
    return http


def deep_token(http: requests.Session, url: str, pages: int) -> str | None:
    token = None
    for _ in range(pages):
        token = http.get(f"{url}/ui/api/executions", params={"limit": 50, "token": token}
                         ).json()["nextToken"]
    return token


def report(url: str, machines: list[str], runs: int) -> None:
    http = sign_in(url)
    api = f"{url}/ui/api/executions"
    cases: dict[str, dict[str, Any]] = {
        "no filter": {}, "status FAILED": {"status": "FAILED"},
        "machine + status": {"machine": machines[1], "status": "SUCCEEDED"},
        "time range": {"from": "1750000100", "to": "1750000900"},
        "error name (scan)": {"error": "Custom.Rare"},
        "40 pages deep": {"token": deep_token(http, url, 40)}}
    print(f"{'request':<28}{'median ms':>10}")
    print(f"{'page shell /ui/executions':<28}"
          f"{median_ms(lambda: http.get(f'{url}/ui/executions'), runs):>10.1f}")
    for name, params in cases.items():
        ms = median_ms(lambda: http.get(api, params={"limit": 50, **params}), runs)
        print(f"{'listing: ' + name:<28}{ms:>10.1f}")
    arn = machines[0].replace(":stateMachine:", ":execution:") + ":e0"
    ms = median_ms(lambda: http.get(f"{url}/ui/api/execution", params={"arn": arn}), runs)
    print(f"{'execution page data + SVG':<28}{ms:>10.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="500 executions, 3 runs")
    parser.add_argument("--executions", type=int, default=10_000)
    args = parser.parse_args()
    count, runs = (500, 3) if args.quick else (args.executions, 9)
    with tempfile.TemporaryDirectory() as tmp, sfn_server(tmp) as url:
        sfn = client(url)
        machines = [sfn.create_state_machine(name=n, definition=PASS, roleArn=ROLE)[
            "stateMachineArn"] for n in ("alpha", "beta", "gamma")]
        started = time.perf_counter()
        fill(f"{tmp}/sfn.db", machines, count)
        print(f"workload: {count} executions written to the store in "
              f"{time.perf_counter() - started:.1f} s; median of {runs} requests each")
        report(url, machines, runs)


if __name__ == "__main__":
    main()

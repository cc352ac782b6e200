"""The Celery runner with real processes: a private redis-server (broker, store, timers, joins)
and Celery workers started here. Prints figures, asserts nothing.

1. round trip: a bare Celery no-op task (send + result.get) against a one-Task-state and a
   ten-Task-state execution (start + wait), medians; the target is <= 1.5x the bare round
   trip per Task state (a Task state is one broker hop: the function task also applies its
   result; an execution adds one hop for Start).
2. throughput: executions of a 10-Task-state machine with 1 and with 2 worker processes
   (``-c 1`` each); a state transition is a state entered.
3. a DISTRIBUTED Map of 10,000 items (Pass processor): time, and Redis memory (used_memory_peak
   after CONFIG RESETSTAT). Its history (~40,000 events) is over AWS's 25,000-event limit, so
   the workers run with SFN_MAX_HISTORY_EVENTS raised for this run.

    python benchmarks/celery_runner.py [--quick]
"""
from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

import redis

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

FUNCTION = "def handler(event, context):\n    return event\n"
ONE_TASK = {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "echo", "End": True}}}
TEN_TASKS = {"StartAt": "S0", "States": {
    f"S{i}": {"Type": "Task", "Resource": "echo", **({"Next": f"S{i + 1}"} if i < 9 else
                                                       {"End": True})} for i in range(10)}}
MAP = {"StartAt": "M", "States": {"M": {
    "Type": "Map", "End": True, "ItemProcessor": {
        "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
        "StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}}}}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Cluster:
    """A redis-server and ``workers`` Celery worker processes of one pool slot each."""

    def __init__(self, tmp: Path) -> None:
        self.tmp, self.port = tmp, free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.redis_server = self._spawn(["redis-server", "--port", str(self.port), "--save", "",
                                         "--appendonly", "no", "--dir", str(tmp)], "redis.log")
        self.client = redis.Redis(port=self.port)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                self.client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        self.env = dict(os.environ, SFN_BROKER_URL=self.url, PYTHONPATH=str(REPO))
        for name in ("SFN_STORE_URL", "SFN_REDIS_URL", "SFN_CLOCK"):
            self.env.pop(name, None)
        self.workers: list[subprocess.Popen[bytes]] = []

    def _spawn(self, args: list[str], log: str, env: Any = None) -> subprocess.Popen[bytes]:
        return subprocess.Popen(args, cwd=self.tmp, env=env, start_new_session=True,
                                stdout=open(self.tmp / log, "ab"), stderr=subprocess.STDOUT)

    def start_workers(self, count: int, **env: str) -> None:
        self.stop_workers()
        for i in range(count):
            self.workers.append(self._spawn(
                [sys.executable, "-m", "celery", "-A", "workers.app", "worker", "-c", "1",
                 "-n", f"bench{i}@%h", "--loglevel", "WARNING", "--without-gossip",
                 "--without-mingle", "--without-heartbeat"], f"worker{i}.log",
                dict(self.env, **env)))
        app = self.app()
        for queue in ("sfn.transitions", "sfn.functions"):
            for _ in range(count * 2):
                app.send_task("sfn.noop", queue=queue).get(timeout=60)

    def stop_workers(self) -> None:
        for worker in self.workers:
            worker.send_signal(signal.SIGTERM)
        for worker in self.workers:
            worker.wait(30)
        self.workers = []

    def app(self) -> Any:
        from workers.config import Settings, make_app
        return make_app(Settings.from_env(self.env))

    def runner(self) -> Any:
        from workers.config import Settings
        from workflow.runner.celery_runner import CeleryRunner
        return CeleryRunner(Settings.from_env(self.env))

    def close(self) -> None:
        self.stop_workers()
        self.redis_server.send_signal(signal.SIGTERM)
        self.redis_server.wait(10)


def median_ms(work: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def round_trips(cluster: Cluster, functions: dict[str, str], repeat: int) -> None:
    import workflow
    app, runner = cluster.app(), cluster.runner()
    one, ten = workflow.load(ONE_TASK), workflow.load(TEN_TASKS)

    def bare() -> None:
        app.send_task("sfn.noop", queue="sfn.transitions").get(timeout=10)

    def execution(machine: Any) -> Callable[[], None]:
        def work() -> None:
            done = runner.wait(runner.start(machine, {"x": 1}, functions=functions), timeout=30)
            assert done.status == "SUCCEEDED", done.error
        return work

    works = {"bare": bare, "one": execution(one), "ten": execution(ten)}
    for work in works.values():        # warm every path (imports, compiled machines)
        median_ms(work, 5)
    ms = {name: median_ms(work, repeat) for name, work in works.items()}
    per_task = (ms["ten"] - ms["one"]) / 9
    print(f"bare no-op task round trip          {ms['bare']:8.2f} ms  (median of {repeat})")
    print(f"one-Task-state execution round trip {ms['one']:8.2f} ms  "
          f"= {ms['one'] / ms['bare']:.2f} x bare (the client takes the first step; one broker hop to the function)")
    print(f"ten-Task-state execution round trip {ms['ten']:8.2f} ms")
    print(f"each further Task state             {per_task:8.2f} ms  "
          f"= {per_task / ms['bare']:.2f} x bare  (target <= 1.5 x)")


def throughput(cluster: Cluster, functions: dict[str, str], count: int) -> dict[int, float]:
    import workflow
    machine = workflow.load(TEN_TASKS)
    rates = {}
    for workers in (1, 2):
        cluster.start_workers(workers)
        runner = cluster.runner()
        start = time.perf_counter()
        arns = [runner.start(machine, {"i": i}, functions=functions) for i in range(count)]
        published = time.perf_counter() - start
        statuses = [runner.wait(arn, timeout=600).status for arn in arns]
        elapsed = time.perf_counter() - start
        assert statuses == ["SUCCEEDED"] * count, set(statuses)
        rates[workers] = count * 10 / elapsed
        print(f"{count} executions x 10 Task states, {workers} worker process(es): "
              f"{elapsed:6.2f} s ({published:.2f} s to start them), "
              f"{rates[workers]:7.0f} transitions/s, {count / elapsed:6.1f} executions/s")
    print(f"scaling 1 -> 2 worker processes: {rates[2] / rates[1]:.2f} x "
          f"(on {os.cpu_count()} CPUs shared with Redis and this client)")
    return rates


def big_map(cluster: Cluster, items: int) -> None:
    import workflow
    cluster.start_workers(2, SFN_MAX_HISTORY_EVENTS=str(items * 5 + 100))
    runner = cluster.runner()
    machine = workflow.load(MAP)
    before = cluster.client.info("memory")["used_memory"]
    cluster.client.config_resetstat()
    start = time.perf_counter()
    execution = runner.wait(runner.start(machine, list(range(items))), timeout=1800)
    elapsed = time.perf_counter() - start
    memory = cluster.client.info("memory")
    stats = cluster.client.memory_stats()
    assert execution.status == "SUCCEEDED", (execution.error, execution.cause)
    assert execution.output == list(range(items))
    print(f"Map of {items} items (DISTRIBUTED, 2 worker processes): {elapsed:6.2f} s, "
          f"{items / elapsed:7.0f} items/s, {len(execution.history)} history events")
    print(f"Redis memory: before {before / 2**20:6.1f} MiB, peak {memory['used_memory_peak'] / 2**20:6.1f}"
          f" MiB (MEMORY STATS peak.allocated {stats['peak.allocated'] / 2**20:6.1f} MiB), "
          f"after {memory['used_memory'] / 2**20:6.1f} MiB (history kept)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes (a smoke run)")
    args = parser.parse_args()
    repeat, count, items = (10, 20, 200) if args.quick else (100, 1000, 10_000)
    with tempfile.TemporaryDirectory(prefix="sfn-bench-") as tmp:
        path = Path(tmp) / "fns.py"
        path.write_text(FUNCTION)
        functions = {"echo": f"{path}:handler"}
        cluster = Cluster(Path(tmp))
        try:
            cluster.start_workers(1)
            print("== round trip (1 worker process)")
            round_trips(cluster, functions, repeat)
            print("== throughput")
            throughput(cluster, functions, count)
            print("== Map")
            big_map(cluster, items)
        finally:
            cluster.close()


if __name__ == "__main__":
    main()

"""The functions service with real runtime processes. Prints figures, asserts nothing.

1. warm round trip: ServiceInvoker.invoke of an echo handler on a warm instance (resolve,
   hand-over over the Runtime API, response, framed log) against a plain in-process call of
   the same handler; median per invocation and the overhead. Target: overhead < 1 ms.
   Also with the invocation recorded in the store (logs + meters, SQLite) and, where present,
   under AWS's awslambdaric and our Node.js bootstrap.
2. cold start: a new instance per invocation (spawn, import, first /next): the Init Duration
   the service reports and the caller's whole round trip.
3. throughput: invocations/s with 1, 2 and 4 concurrent callers (threads of this process;
   the service scales out to one instance per caller).

    python benchmarks/functions.py [--quick]
"""
from __future__ import annotations

import argparse
import importlib.util
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Callable

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from workflow.functions.invoke import InvocationRequest  # noqa: E402
from workflow.functions.service import (Registry, ServiceInvoker,  # noqa: E402
                                        open_function_store)

ECHO = "def handler(event, context):\n    return event\n"
NODE_ECHO = "exports.handler = async (event) => event;\n"
EVENT = {"orderId": "1234", "items": [1, 2, 3]}


def handler(event: Any, context: Any) -> Any:
    return event


def per_call_us(fn: Callable[[], Any], count: int, rounds: int = 5) -> float:
    """Median over ``rounds`` of the mean time per call, in microseconds."""
    for _ in range(min(count, 100)):
        fn()
    samples = []
    for _ in range(rounds):
        began = time.perf_counter()
        for _ in range(count):
            fn()
        samples.append((time.perf_counter() - began) / count * 1e6)
    return statistics.median(samples)


def setup(root: Path) -> Any:
    store = open_function_store(str(root / "functions.db"))
    registry = Registry(store)
    (root / "py").mkdir()
    (root / "py" / "app.py").write_text(ECHO)
    registry.create("echo", root / "py", handler="app.handler", runtime="python3.11")
    (root / "node").mkdir()
    (root / "node" / "index.js").write_text(NODE_ECHO)
    registry.create("node-echo", root / "node", handler="index.handler", runtime="nodejs20")
    return store, registry


def warm(store: Any, root: Path, count: int) -> None:
    print("1. warm round trip (median per invocation)")
    plain = per_call_us(lambda: handler(EVENT, None), count * 10)
    print(f"   plain in-process call                  {plain:9.2f} us")
    rows = [("our Python bootstrap", "echo", "builtin", False),
            ("  + recorded in the store (SQLite)", "echo", "builtin", True)]
    if importlib.util.find_spec("awslambdaric"):
        rows.append(("awslambdaric", "echo", "awslambdaric", False))
    if shutil.which("node"):
        rows.append(("our Node.js bootstrap", "node-echo", "builtin", False))
    for label, name, ric, record in rows:
        invoker = ServiceInvoker(store, cache_dir=root / "cache", python_ric=ric, record=record)
        try:
            took = per_call_us(lambda: invoker.invoke(InvocationRequest(name, EVENT)), count)
        finally:
            invoker.close()
        print(f"   {label:<38} {took:9.1f} us   overhead {(took - plain) / 1000:6.3f} ms")
    print("   target: overhead < 1 ms per warm invocation")


def cold(store: Any, registry: Registry, root: Path, count: int) -> None:
    print("2. cold start (new instance per invocation; median)")
    inits, trips = [], []
    for i in range(count):
        registry.update_config("echo", description=f"cold {i}")    # new revision: new instance
        invoker = ServiceInvoker(store, cache_dir=root / "cache", record=False)
        try:
            began = time.perf_counter()
            result = invoker.invoke(InvocationRequest("echo", EVENT))
            trips.append((time.perf_counter() - began) * 1000)
            inits.append(result.init_duration_ms or 0.0)
        finally:
            invoker.close()
    print(f"   Init Duration (spawn -> first /next)    {statistics.median(inits):8.1f} ms")
    print(f"   caller's round trip                    {statistics.median(trips):8.1f} ms")


def throughput(store: Any, root: Path, seconds: float) -> None:
    print("3. throughput (echo, warm instances, one per caller)")
    for callers in (1, 2, 4):
        invoker = ServiceInvoker(store, cache_dir=root / "cache", record=False)
        counts = [0] * callers
        stop = threading.Event()

        def loop(index: int) -> None:
            while not stop.is_set():
                invoker.invoke(InvocationRequest("echo", EVENT))
                counts[index] += 1

        threads = [threading.Thread(target=loop, args=(i,)) for i in range(callers)]
        try:
            for thread in threads:
                thread.start()
            time.sleep(seconds / 4)            # warm-up: instances started
            begin, start_count = time.perf_counter(), sum(counts)
            time.sleep(seconds)
            done, elapsed = sum(counts) - start_count, time.perf_counter() - begin
        finally:
            stop.set()
            for thread in threads:
                thread.join()
            instances = invoker.pool.instances()
            invoker.close()
        print(f"   {callers} caller(s): {done / elapsed:8.0f} invocations/s   "
              f"({instances} instance(s))")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes (a smoke run)")
    args = parser.parse_args()
    count, colds, seconds = (100, 2, 0.5) if args.quick else (1000, 10, 3.0)
    with tempfile.TemporaryDirectory(prefix="sfn-fn-bench-") as tmp:
        root = Path(tmp)
        store, registry = setup(root)
        try:
            warm(store, root, count)
            cold(store, registry, root, colds)
            throughput(store, root, seconds)
        finally:
            store.close()


if __name__ == "__main__":
    main()

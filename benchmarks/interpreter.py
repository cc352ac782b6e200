"""Interpreter throughput: sfn against moto's Step Functions execution, in one process and run.

Workloads: a 100-state Pass chain, a Choice loop counting to 1,000 with States.MathAdd, and a
Map over 1,000 items (inline, default MaxConcurrency). Engines:

- sfn EXPRESS   in memory (``start_execution(..., type_="EXPRESS")``)
- sfn STANDARD  every transition committed to a SqliteStore in a temporary directory
- moto stock    ``mock_aws(config={"stepfunctions": {"execute_state_machine": True}})``
- moto memo     the same with jsonpath-ng's ``parse`` memoised (an lru_cache patched into the
                two moto modules that call it), which isolates LocalStack's interpreter design

A "state transition" is a state entered: the ``*StateEntered`` events of the execution's
history, counted the same way for every engine (and checked against the count the definition
implies). Rates are transitions per second of wall time from start to terminal status.

sfn compiles once and runs many: "first" is ``workflow.load`` + the first execution, "steady"
the median of later executions of the same compiled machine. moto parses the definition
(ANTLR) inside every execution, so each of its runs includes that; it runs in a thread of its
own and is polled with describe_execution at an interval of at most 10% of the time elapsed.
Stock moto re-parses JSONPath on every evaluation, so it runs on smaller sizes (printed);
transitions/s is a rate. Figures are printed, never asserted.

    python benchmarks/interpreter.py [--quick] [--repeat N]
"""
from __future__ import annotations

import argparse
import contextlib
import functools
import gc
import json
import os
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import workflow  # noqa: E402
from workflow.runner import start_execution  # noqa: E402
from workflow.store.sqlite import SqliteStore  # noqa: E402

# moto's in-process boto3 needs credentials and a region; these are fakes for the mock only.
for _key, _value in (("AWS_ACCESS_KEY_ID", "testing"), ("AWS_SECRET_ACCESS_KEY", "testing"),
                     ("AWS_DEFAULT_REGION", "us-east-1")):
    os.environ.setdefault(_key, _value)

REGION = "us-east-1"
ROLE = "arn:aws:iam::123456789012:role/benchmark"
ENGINES = ("sfn EXPRESS", "sfn STANDARD", "moto stock", "moto memo")
EXPRESS_TARGET, STANDARD_TARGET = 50_000, 10_000      # transitions/s on the Pass chain
MEMO_RATIO, STOCK_RATIO = 5, 100                      # sfn / moto, every workload


# ---- workloads -------------------------------------------------------------------------------

def pass_chain(n: int) -> dict[str, Any]:
    return {"StartAt": "S0", "States": {
        f"S{i}": {"Type": "Pass", "End": True} if i == n - 1 else
                 {"Type": "Pass", "Next": f"S{i + 1}"} for i in range(n)}}


def choice_loop() -> dict[str, Any]:
    return {"StartAt": "Check", "States": {
        "Check": {"Type": "Choice", "Default": "Done", "Choices": [
            {"Variable": "$.i", "NumericLessThanPath": "$.n", "Next": "Increment"}]},
        "Increment": {"Type": "Pass", "Next": "Check",
                      "Parameters": {"i.$": "States.MathAdd($.i, 1)", "n.$": "$.n"}},
        "Done": {"Type": "Succeed"}}}


def map_items() -> dict[str, Any]:
    return {"StartAt": "Each", "States": {"Each": {
        "Type": "Map", "ItemsPath": "$.items", "End": True,
        "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "Item",
                          "States": {"Item": {"Type": "Pass", "End": True}}}}}}


@dataclass(frozen=True)
class Workload:
    key: str
    label: str
    make: Callable[[int], tuple[dict[str, Any], Any, int, Callable[[Any], bool]]]
    size: int            # sfn and memoised moto
    stock_size: int      # stock moto


def _chain(n: int) -> tuple[dict[str, Any], Any, int, Callable[[Any], bool]]:
    return pass_chain(n), {"x": 1}, n, lambda out: out == {"x": 1}


def _loop(n: int) -> tuple[dict[str, Any], Any, int, Callable[[Any], bool]]:
    # Check + Increment per iteration, then the last Check and Done.
    return choice_loop(), {"i": 0, "n": n}, 2 * n + 2, lambda out: out == {"i": n, "n": n}


def _map(n: int) -> tuple[dict[str, Any], Any, int, Callable[[Any], bool]]:
    items = list(range(n))
    return map_items(), {"items": items}, n + 1, lambda out: out == items


def workloads(quick: bool) -> list[Workload]:
    if quick:
        return [Workload("chain", "Pass chain", _chain, 10, 10),
                Workload("loop", "Choice loop", _loop, 10, 3),
                Workload("map", "Map", _map, 10, 5)]
    return [Workload("chain", "Pass chain", _chain, 100, 100),
            Workload("loop", "Choice loop", _loop, 1000, 40),
            Workload("map", "Map", _map, 1000, 1000)]


# ---- results ---------------------------------------------------------------------------------

@dataclass
class Result:
    transitions: int
    first: float                                   # seconds
    steady: list[float] = field(default_factory=list)
    note: str = ""

    @property
    def steady_rate(self) -> float:
        return self.transitions / statistics.median(self.steady or [self.first])

    @property
    def first_rate(self) -> float:
        return self.transitions / self.first


def entered(event_types: Iterator[str]) -> int:
    return sum(1 for t in event_types if t.endswith("StateEntered"))


def check(engine: str, workload: Workload, status: str, output: Any, ok: Callable[[Any], bool],
          counted: int, expected: int) -> None:
    if status != "SUCCEEDED" or not ok(output):
        raise SystemExit(f"{engine} / {workload.label}: {status}, unexpected output "
                         f"{json.dumps(output)[:200]}")
    if counted != expected:
        print(f"  note: {engine} / {workload.label}: {counted} StateEntered events, "
              f"{expected} expected from the definition")


# ---- sfn -------------------------------------------------------------------------------------

def no_tasks(command: Any) -> None:
    return None


def sfn_run(machine: Any, data: Any, type_: str, store: Any) -> Any:
    return start_execution(machine, data, tasks=no_tasks, type_=type_, store=store)


def bench_sfn(workload: Workload, type_: str, repeat: int, tmp: Path) -> Result:
    definition, data, expected, ok = workload.make(workload.size)
    text = json.dumps(definition)
    store = SqliteStore(tmp / f"{workload.key}-{type_}.db") if type_ == "STANDARD" else None
    engine = f"sfn {type_}"
    try:
        start = time.perf_counter()
        machine = workflow.load(text)
        execution = sfn_run(machine, data, type_, store)
        first = time.perf_counter() - start
        counted = entered(execution.event_types())
        check(engine, workload, execution.status, execution.output, ok, counted, expected)
        result = Result(counted, first)
        for _ in range(repeat):
            start = time.perf_counter()
            sfn_run(machine, data, type_, store)
            result.steady.append(time.perf_counter() - start)
        return result
    finally:
        if store is not None:
            store.close()


# ---- moto ------------------------------------------------------------------------------------

class Moto:
    """moto's Step Functions backend with execution on, driven through a boto3 client."""

    def __init__(self) -> None:
        import boto3
        from moto import mock_aws
        self.mock = mock_aws(config={"stepfunctions": {"execute_state_machine": True}})
        self.mock.start()
        self.client = boto3.client("stepfunctions", region_name=REGION)

    def close(self) -> None:
        self.mock.stop()

    def run(self, definition: str, data: Any,
            history: bool = False) -> tuple[float, float, dict[str, Any], list[str]]:
        """(wall seconds, moto's own startDate->stopDate seconds, describe_execution, history
        event types if asked for)."""
        # A machine per execution, deleted after it: start_execution deep-copies the machine,
        # which references the backend and through it every machine and past execution; those
        # hold locks, so a second start would fail (and each copy would grow with the past).
        name = uuid.uuid4().hex
        arn = self.client.create_state_machine(name=name, definition=definition,
                                               roleArn=ROLE)["stateMachineArn"]
        payload = json.dumps(data)
        start = time.perf_counter()
        execution_arn = self.client.start_execution(stateMachineArn=arn, name=name,
                                                    input=payload)["executionArn"]
        while True:
            described = self.client.describe_execution(executionArn=execution_arn)
            if described["status"] != "RUNNING":
                break
            # Each poll costs ~0.6 ms of the GIL the execution thread needs: poll rarely.
            time.sleep(min(0.01, max(0.0005, 0.1 * (time.perf_counter() - start))))
        wall = time.perf_counter() - start
        inner = (described["stopDate"] - described["startDate"]).total_seconds()
        types = self.history_types(execution_arn) if history else []
        self.client.delete_state_machine(stateMachineArn=arn)
        return wall, inner, described, types

    def history_types(self, execution_arn: str) -> list[str]:
        types, token = [], None
        while True:
            page = self.client.get_execution_history(
                executionArn=execution_arn, maxResults=1000, **({"nextToken": token} if token
                                                                else {}))
            types.extend(event["type"] for event in page["events"])
            token = page.get("nextToken")
            if not token:
                return types


@contextlib.contextmanager
def memoised_jsonpath() -> Iterator[list[Any]]:
    """Patch an lru_cache over jsonpath-ng's ``parse`` into the moto modules that call it
    (``asl.utils.json_path`` uses ``jsonpath_ng.ext.parse``, ResultPath ``jsonpath_ng.parse``);
    yields the caches so hits can be counted."""
    from moto.stepfunctions.parser.asl.component.common.path import result_path
    from moto.stepfunctions.parser.asl.utils import json_path
    modules = (json_path, result_path)
    originals = [module.parse for module in modules]
    caches = [functools.lru_cache(maxsize=None)(original) for original in originals]
    for module, cache in zip(modules, caches):
        module.parse = cache
    try:
        yield caches
    finally:
        for module, original in zip(modules, originals):
            module.parse = original


def bench_moto(moto: Moto, workload: Workload, size: int, repeat: int) -> Result:
    definition, data, expected, ok = workload.make(size)
    text = json.dumps(definition)
    result: Result | None = None
    inner_times = []
    for _ in range(1 + repeat):
        wall, inner, described, types = moto.run(text, data, history=result is None)
        inner_times.append(inner)
        if result is None:
            counted = entered(types)
            output = json.loads(described.get("output") or "null")
            check("moto", workload, described["status"], output, ok, counted, expected)
            result = Result(counted, wall)
        else:
            result.steady.append(wall)
    assert result is not None
    result.note = f"moto's own startDate->stopDate median {statistics.median(inner_times):.3f} s"
    return result


# ---- memory ----------------------------------------------------------------------------------

def traced_peak(work: Callable[[], Any]) -> float:
    """tracemalloc peak (MiB) of one untimed run; tracing covers every thread."""
    gc.collect()
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def map_memory(workload: Workload, moto: Moto, tmp: Path) -> dict[str, float]:
    definition, data, _, _ = workload.make(workload.size)
    machine = workflow.load(json.dumps(definition))
    peaks = {"sfn EXPRESS": traced_peak(lambda: sfn_run(machine, data, "EXPRESS", None))}
    store = SqliteStore(tmp / "map-memory.db")
    try:
        peaks["sfn STANDARD"] = traced_peak(lambda: sfn_run(machine, data, "STANDARD", store))
    finally:
        store.close()
    text = json.dumps(definition)
    with memoised_jsonpath():
        moto.run(text, data)                          # fill the cache outside the trace
        peaks["moto memo"] = traced_peak(lambda: moto.run(text, data))
    return peaks


# ---- report ----------------------------------------------------------------------------------

def rate(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 else f"{value:,.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true",
                        help="tiny sizes, one repeat: checks the benchmark runs, times nothing")
    parser.add_argument("--repeat", type=int, default=None,
                        help="steady-state runs per workload and engine (default 20, quick 1)")
    args = parser.parse_args()
    repeat = args.repeat if args.repeat is not None else (1 if args.quick else 20)
    chosen = workloads(args.quick)
    wall_start = time.perf_counter()
    load_before = os.getloadavg()[0]

    results: dict[tuple[str, str], Result] = {}
    with tempfile.TemporaryDirectory(prefix="sfn-bench-") as tmpdir:
        tmp = Path(tmpdir)
        workflow.load(json.dumps(pass_chain(2)))      # imports, schema compile: not measured
        moto = Moto()
        try:
            warm, _, _, _ = _chain(2)                 # moto's imports and ANTLR warm-up
            moto.run(json.dumps(warm), {})
            # sfn first, on a heap moto has not grown (its threads and parse trees stay
            # reachable, and a bigger heap makes every cyclic-GC pass dearer).
            for w in chosen:
                gc.collect()
                results[w.key, "sfn EXPRESS"] = bench_sfn(w, "EXPRESS", repeat, tmp)
                gc.collect()
                results[w.key, "sfn STANDARD"] = bench_sfn(w, "STANDARD", max(1, repeat // 2),
                                                           tmp)
            for w in chosen:
                gc.collect()
                results[w.key, "moto stock"] = bench_moto(moto, w, w.stock_size, 0)
                gc.collect()
                with memoised_jsonpath() as caches:
                    results[w.key, "moto memo"] = bench_moto(moto, w, w.size,
                                                             min(repeat, 3))
                    infos = [cache.cache_info() for cache in caches]
                results[w.key, "moto memo"].note += (
                    f"; parse cache hits {sum(i.hits for i in infos):,}, misses "
                    f"{sum(i.misses for i in infos):,}")
            map_workload = next(w for w in chosen if w.key == "map")
            peaks = map_memory(map_workload, moto, tmp)
        finally:
            moto.close()

    print(f"sfn vs moto {_moto_version()}: state transitions/s (= *StateEntered events / wall "
          f"time); sfn steady = median of {repeat} (STANDARD {max(1, repeat // 2)}) runs of one "
          f"compiled machine, first = workflow.load + first run; moto = one parse+run per "
          f"execution (memo: median of {min(repeat, 3)} after the first)")
    head = f"{'workload':<26}" + "".join(f"{e:>15}" for e in
                                         ("sfn EXPR first", *ENGINES))
    print(head)
    for w in chosen:
        r = {e: results[w.key, e] for e in ENGINES}
        label = f"{w.label} ({r['sfn EXPRESS'].transitions:,} tr)"
        cells = [r["sfn EXPRESS"].first_rate, r["sfn EXPRESS"].steady_rate,
                 r["sfn STANDARD"].steady_rate, r["moto stock"].first_rate,
                 r["moto memo"].steady_rate]
        print(f"{label:<26}" + "".join(f"{rate(c):>15}" for c in cells))
    print("stock moto sizes: " + ", ".join(
        f"{w.label} {results[w.key, 'moto stock'].transitions:,} transitions" for w in chosen)
        + " (one run each; a rate, so comparable)")
    for w in chosen:
        for e in ("moto stock", "moto memo"):
            print(f"  {w.label}, {e}: {results[w.key, e].note}")

    print()
    print(f"{'ratio (steady)':<26}{'EXPR/stock':>15}{'EXPR/memo':>15}{'STD/stock':>15}"
          f"{'STD/memo':>15}")
    met: list[tuple[str, bool]] = []
    for w in chosen:
        r = {e: results[w.key, e].steady_rate for e in ENGINES}
        r["moto stock"] = results[w.key, "moto stock"].first_rate
        ratios = [r["sfn EXPRESS"] / r["moto stock"], r["sfn EXPRESS"] / r["moto memo"],
                  r["sfn STANDARD"] / r["moto stock"], r["sfn STANDARD"] / r["moto memo"]]
        print(f"{w.label:<26}" + "".join(f"{x:>14,.1f}x" for x in ratios))
        for mode, stock, memo in (("EXPRESS", ratios[0], ratios[1]),
                                  ("STANDARD", ratios[2], ratios[3])):
            met.append((f"{w.label}: sfn {mode} >= {STOCK_RATIO}x moto stock ({stock:,.0f}x)",
                        stock >= STOCK_RATIO))
            met.append((f"{w.label}: sfn {mode} >= {MEMO_RATIO}x moto memo ({memo:,.1f}x)",
                        memo >= MEMO_RATIO))
    chain = next((w for w in chosen if w.key == "chain"), None)
    if chain is not None:
        express = results[chain.key, "sfn EXPRESS"].steady_rate
        standard = results[chain.key, "sfn STANDARD"].steady_rate
        met.insert(0, (f"Pass chain: sfn STANDARD >= {STANDARD_TARGET:,}/s ({standard:,.0f})",
                       standard >= STANDARD_TARGET))
        met.insert(0, (f"Pass chain: sfn EXPRESS >= {EXPRESS_TARGET:,}/s ({express:,.0f})",
                       express >= EXPRESS_TARGET))

    print()
    print(f"peak memory of the Map run ({map_workload.size:,} items; tracemalloc peak of one "
          f"untimed run): " + ", ".join(f"{e} {mib:,.1f} MiB" for e, mib in peaks.items()))
    print(f"process peak RSS (ru_maxrss, all of the above): "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB")

    print()
    print("targets" + (" (--quick sizes: not meaningful)" if args.quick else "") + ":")
    for text, ok in met:
        print(f"  [{'met' if ok else 'MISSED'}] {text}")
    print(f"total benchmark time {time.perf_counter() - wall_start:.1f} s; load average "
          f"{load_before:.2f} before, {os.getloadavg()[0]:.2f} after, {os.cpu_count()} CPUs "
          f"(other work on the machine moves these figures)")


def _moto_version() -> str:
    from importlib.metadata import version
    return version("moto")


if __name__ == "__main__":
    main()

"""Validation + compile time of generated definitions (100, 1,000, 5,000 states) and per file
over the conformance corpora. Prints figures only; nothing here asserts a time.

    python benchmarks/validate.py [--repeat 15]
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))

import workflow  # noqa: E402
from definitions import count_states, generate  # noqa: E402
from workflow.expressions import intrinsics, jsonata, jsonpath  # noqa: E402
from workflow.model.machine import StateMachine  # noqa: E402
from workflow.source import parse_text  # noqa: E402
from workflow.validation.pipeline import validate_source  # noqa: E402

CONFORMANCE = Path(__file__).resolve().parents[2] / "shared" / "conformance"


def median_ms(work: Callable[[], Any], repeat: int,
              setup: Callable[[], Any] | None = None) -> tuple[float, float]:
    """Median wall-clock and CPU (this thread) milliseconds of ``work``; ``setup`` runs before
    each timed call, outside the timing. CPU time is the steadier figure on a busy machine."""
    wall, cpu = [], []
    for _ in range(repeat):
        if setup is not None:
            setup()
        start, start_cpu = time.perf_counter(), time.thread_time()
        result = work()
        cpu.append((time.thread_time() - start_cpu) * 1000)
        wall.append((time.perf_counter() - start) * 1000)
        del result                      # freed outside the timing
    return statistics.median(wall), statistics.median(cpu)


def clear_caches() -> None:
    """Empty every parse cache a load fills: JSONata, intrinsics and paths by text, and the
    validation stage's memoised checks (each ``functools`` cache in ``workflow.validation``)."""
    jsonata._PARSED.clear()
    intrinsics._CACHE.clear()
    jsonpath._CACHE.clear()
    for name, module in list(sys.modules.items()):
        if name.startswith("workflow.validation"):
            for value in vars(module).values():
                if callable(getattr(value, "cache_clear", None)):
                    value.cache_clear()


def cold(work: Callable[[], Any], repeat: int) -> tuple[float, float]:
    """Each run starts with empty caches, as the first load of a definition in a process does
    (emptying them, i.e. freeing the previous run's expressions, is not timed)."""
    return median_ms(work, repeat, setup=clear_caches)


def sizes(repeat: int) -> dict[int, float]:
    print(f"{'states':>7} {'validate ms':>12} {'compile ms':>11} {'load ms':>9} "
          f"{'load cpu ms':>12}  (median of {repeat}; load = workflow.load: parse + validate + "
          "compile + graph, cold caches)")
    totals, cpu_totals = {}, {}
    for target in (100, 1000, 5000):
        document = generate(target)
        text = json.dumps(document, separators=(",", ":"))
        n = count_states(document)
        validate, _ = cold(lambda: validate_source(parse_text(text)), repeat)
        compile_, _ = cold(lambda: StateMachine.from_document(document), repeat)
        total, total_cpu = cold(lambda: workflow.load(text), repeat)
        totals[target], cpu_totals[target] = total, total_cpu
        print(f"{n:>7} {validate:>12.2f} {compile_:>11.2f} {total:>9.2f} {total_cpu:>12.2f}")
    print(f"ratio 5,000/1,000 states: {totals[5000] / totals[1000]:.2f} "
          f"(cpu {cpu_totals[5000] / cpu_totals[1000]:.2f}; 5.0 = linear)")
    return totals


def corpus(repeat: int) -> None:
    files = [p for p in CONFORMANCE.rglob("*") if p.suffix in (".json", ".yaml")
             and p.name not in ("index.json", "expected.json")]
    texts = [p.read_text(encoding="utf-8") for p in files]
    def run() -> None:
        for text in texts:
            workflow.validate(text)
    total, _ = median_ms(run, max(3, repeat // 3))
    print(f"conformance corpus: {len(files)} files, {total:.1f} ms in all, "
          f"{total * 1000 / len(files):.0f} µs per file (validate only, median)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    sizes(args.repeat)
    corpus(args.repeat)


if __name__ == "__main__":
    main()

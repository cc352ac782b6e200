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


def median_ms(work: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


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


def cold(work: Callable[[], Any]) -> Callable[[], Any]:
    """Each run starts with empty caches, as the first load of a definition in a process does."""
    def run() -> Any:
        clear_caches()
        return work()
    return run


def sizes(repeat: int) -> dict[int, float]:
    print(f"{'states':>7} {'validate ms':>12} {'compile ms':>11} {'load ms':>9}  (median of "
          f"{repeat}; load = workflow.load: parse + validate + compile + graph, cold caches)")
    totals = {}
    for target in (100, 1000, 5000):
        document = generate(target)
        text = json.dumps(document, separators=(",", ":"))
        n = count_states(document)
        validate = median_ms(cold(lambda: validate_source(parse_text(text))), repeat)
        compile_ = median_ms(cold(lambda: StateMachine.from_document(document)), repeat)
        total = median_ms(cold(lambda: workflow.load(text)), repeat)
        totals[target] = total
        print(f"{n:>7} {validate:>12.2f} {compile_:>11.2f} {total:>9.2f}")
    print(f"ratio 5,000/1,000 states: {totals[5000] / totals[1000]:.2f} (5.0 = linear)")
    return totals


def corpus(repeat: int) -> None:
    files = [p for p in CONFORMANCE.rglob("*") if p.suffix in (".json", ".yaml")
             and p.name not in ("index.json", "expected.json")]
    texts = [p.read_text(encoding="utf-8") for p in files]
    def run() -> None:
        for text in texts:
            workflow.validate(text)
    total = median_ms(run, max(3, repeat // 3))
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

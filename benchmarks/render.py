"""Render time of the visualizer: definitions of about 100, 500 and 2,000 states (the
synthetic ones of benchmarks/definitions.py) and an execution overlay on a 500-state machine
whose real execution (embedded runner, EXPRESS, virtual clock) wrote about 10,000 history
events. Each figure splits the work into its stages: the neutral model, the DOT text, and
the layout + SVG by the Graphviz ``dot`` binary; the overlay adds deriving the statuses from
the history. Target: the 500-state execution render in under 2 s. Printed, never asserted.

    python benchmarks/render.py [--quick] [--repeat N]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import workflow  # noqa: E402
from definitions import count_states, generate  # noqa: E402
from visualizer import dot, model  # noqa: E402
from visualizer.status import derive  # noqa: E402
from workflow.runner import VirtualClock  # noqa: E402

TARGET_SECONDS = 2.0
FUNCTION = "def work(event, context):\n    return event\n"


def timed(work: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Median seconds over ``repeat`` runs, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def executable(blocks: int, items: int) -> dict[str, Any]:
    """A machine that runs to its end: per block Pass, Choice, Task, a two-branch Parallel
    and a Map of ``items`` items over a two-state processor (9 states a block)."""
    states: dict[str, Any] = {}
    for i in range(blocks):
        nxt = f"B{i + 1}_pass" if i + 1 < blocks else "Done"
        states.update({
            f"B{i}_pass": {"Type": "Pass", "Next": f"B{i}_choice"},
            f"B{i}_choice": {"Type": "Choice", "Default": f"B{i}_task", "Choices": [
                {"Variable": "$.missing", "IsPresent": True, "Next": f"B{i}_par"}]},
            f"B{i}_task": {"Type": "Task", "Resource": "work", "Next": f"B{i}_par",
                           "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 2}]},
            f"B{i}_par": {"Type": "Parallel", "ResultPath": None, "Next": f"B{i}_map",
                          "Branches": [{"StartAt": f"B{i}_l", "States": {
                              f"B{i}_l": {"Type": "Pass", "End": True}}},
                              {"StartAt": f"B{i}_r", "States": {
                                  f"B{i}_r": {"Type": "Pass", "End": True}}}]},
            f"B{i}_map": {"Type": "Map", "ItemsPath": "$.items", "ResultPath": None,
                          "Next": nxt, "ItemProcessor": {"StartAt": f"B{i}_m1", "States": {
                              f"B{i}_m1": {"Type": "Pass", "Next": f"B{i}_m2"},
                              f"B{i}_m2": {"Type": "Pass", "End": True}}}}})
    states["Done"] = {"Type": "Succeed"}
    return {"StartAt": "B0_pass", "States": states}


def definitions(sizes: list[int], repeat: int) -> None:
    print(f"{'states':>7} {'model ms':>9} {'dot ms':>8} {'layout+svg ms':>14} {'total ms':>9}")
    for size in sizes:
        machine = workflow.load(generate(size))
        built, diagram = timed(lambda: model.build(machine), repeat)
        texted, text = timed(lambda: dot.to_dot(diagram), repeat)
        drawn, _ = timed(lambda: dot.render(text, "svg"), repeat)
        print(f"{count_states(machine.definition):>7} {built * 1e3:>9.1f} {texted * 1e3:>8.1f} "
              f"{drawn * 1e3:>14.1f} {(built + texted + drawn) * 1e3:>9.1f}")


def execution(blocks: int, items: int, repeat: int, quick: bool) -> None:
    machine = workflow.load(executable(blocks, items))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fns.py"
        path.write_text(FUNCTION)
        run = workflow.run(machine, {"items": list(range(items))}, type="EXPRESS",
                           functions={"work": f"{path}:work"}, clock=VirtualClock())
    events = run.history
    print(f"\nexecution overlay: {len(machine)} states, {len(events):,} history events, "
          f"{run.status}")
    derived, view = timed(lambda: derive(events, machine), repeat)
    built, diagram = timed(lambda: model.build(machine, view), repeat)
    texted, text = timed(lambda: dot.to_dot(diagram), repeat)
    drawn, _ = timed(lambda: dot.render(text, "svg"), repeat)
    total = derived + built + texted + drawn
    for label, seconds in (("derive statuses", derived), ("model", built), ("dot text", texted),
                           ("layout + svg", drawn), ("total", total)):
        print(f"  {label:<16} {seconds * 1e3:>9.1f} ms")
    if quick:
        print("targets: --quick sizes are too small to compare with the 500-state target")
        return
    print(f"targets: 500-state execution render < {TARGET_SECONDS:.0f} s: "
          f"{'met' if total < TARGET_SECONDS else 'MISSED'} ({total:.2f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smallest sizes, one run each")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (median)")
    args = parser.parse_args()
    repeat = 1 if args.quick else max(1, args.repeat)
    print("definitions (benchmarks/definitions.py generate)")
    definitions([100] if args.quick else [100, 500, 2000], repeat)
    blocks, items = (4, 5) if args.quick else (56, 26)
    execution(blocks, items, repeat, args.quick)


if __name__ == "__main__":
    main()

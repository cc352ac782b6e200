"""The embedded runner really runs Parallel branches and Map iterations at the same time, and
MaxConcurrency caps how many (behaviour read from the functions' own records, not timings)."""
from __future__ import annotations

from pathlib import Path

import workflow

FN = str(Path(__file__).parent / "functions" / "concurrency.py")


def test_parallel_branches_overlap() -> None:
    branches = [{"StartAt": f"Work{i}", "States": {f"Work{i}": {
        "Type": "Task", "Resource": "work", "End": True}}} for i in range(3)]
    execution = workflow.run({"StartAt": "P", "States": {"P": {
        "Type": "Parallel", "Branches": branches, "End": True}}},
        {"sleep": 0.3}, functions={"work": f"{FN}:handler"})
    assert execution.status == "SUCCEEDED", execution.cause
    spans = execution.output
    # Run one after another, every branch would start after the previous one ended.
    assert max(s["start"] for s in spans) < min(s["end"] for s in spans)


def _map(max_concurrency: int) -> dict:
    return {"StartAt": "Reset", "States": {
        "Reset": {"Type": "Task", "Resource": "reset", "Next": "M"},
        "M": {"Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": max_concurrency,
              "ItemSelector": {"sleep": 0.1},
              "ItemProcessor": {"StartAt": "Work", "States": {
                  "Work": {"Type": "Task", "Resource": "work", "End": True}}},
              "End": True}}}


def test_map_max_concurrency_caps_overlap() -> None:
    functions = {"work": f"{FN}:handler", "reset": f"{FN}:reset"}
    capped = workflow.run(_map(2), {"items": list(range(8))}, functions=functions)
    assert capped.status == "SUCCEEDED", capped.cause
    assert max(r["peak"] for r in capped.output) == 2
    free = workflow.run(_map(0), {"items": list(range(8))}, functions=functions)
    assert max(r["peak"] for r in free.output) > 2

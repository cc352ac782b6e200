"""Synthetic ASL definitions of a chosen size, using every construct the validator checks:
Choice, Parallel, Map, Retry/Catch, intrinsics, JSONata states, Wait, Fail."""
from __future__ import annotations

from typing import Any

BLOCK_STATES = 12   # states added by one block (nested ones included)


def _block(i: int, next_name: str) -> dict[str, Any]:
    p = f"S{i}"
    return {
        f"{p}_pass": {"Type": "Pass", "Parameters": {
            "id.$": f"States.Format('item{i}-{{}}', $.n)", "arr.$": "States.Array($.a, $.b)",
            "ctx.$": "$$.Execution.Id", "static": {"k": [1, 2, 3]}},
            "ResultPath": "$.pass", "Next": f"{p}_choice"},
        f"{p}_choice": {"Type": "Choice", "Choices": [
            {"And": [{"Variable": "$.n", "IsPresent": True},
                     {"Variable": "$.n", "NumericGreaterThan": 10}], "Next": f"{p}_task"},
            {"Variable": "$.s", "StringMatches": "log-*.txt", "Next": f"{p}_par"}],
            "Default": f"{p}_task"},
        f"{p}_task": {"Type": "Task", "Resource":
                      "arn:aws:lambda:us-east-1:123456789012:function:work",
                      "TimeoutSeconds": 30, "HeartbeatSeconds": 10,
                      "Retry": [{"ErrorEquals": ["Custom.Error"], "MaxAttempts": 2,
                                 "BackoffRate": 1.5, "JitterStrategy": "FULL"},
                                {"ErrorEquals": ["States.ALL"]}],
                      "Catch": [{"ErrorEquals": ["States.ALL"], "Next": f"{p}_fail",
                                 "ResultPath": "$.error"}],
                      "ResultSelector": {"v.$": "$.Payload"}, "Next": f"{p}_par"},
        f"{p}_par": {"Type": "Parallel", "Next": f"{p}_map", "Branches": [
            {"StartAt": f"{p}_b1", "States": {
                f"{p}_b1": {"Type": "Wait", "Seconds": 1, "Next": f"{p}_b1e"},
                f"{p}_b1e": {"Type": "Succeed"}}},
            {"StartAt": f"{p}_b2", "States": {
                f"{p}_b2": {"Type": "Pass", "Result": {"x": 1}, "End": True}}}]},
        f"{p}_map": {"Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 4,
                     "ItemSelector": {"v.$": "$$.Map.Item.Value", "i.$": "$$.Map.Item.Index"},
                     "ItemProcessor": {"StartAt": f"{p}_m1", "States": {
                         f"{p}_m1": {"Type": "Pass", "Next": f"{p}_m2"},
                         f"{p}_m2": {"Type": "Pass", "End": True}}},
                     "Next": f"{p}_jsonata"},
        f"{p}_jsonata": {"Type": "Pass", "QueryLanguage": "JSONata",
                         "Assign": {f"total{i}": f"{{% $sum($states.input.items) + {i} %}}"},
                         "Output": {"count": f"{{% $count($states.input.items) * {i} %}}"},
                         "Next": next_name},
        f"{p}_fail": {"Type": "Fail", "ErrorPath": "$.error.Error", "CausePath": "$.error.Cause"},
    }


def generate(states: int) -> dict[str, Any]:
    """A definition with about ``states`` states (a multiple of the block size, plus one)."""
    blocks = max(1, round(states / BLOCK_STATES))
    all_states: dict[str, Any] = {}
    for i in range(blocks):
        next_name = f"S{i + 1}_pass" if i + 1 < blocks else "Done"
        all_states.update(_block(i, next_name))
    all_states["Done"] = {"Type": "Succeed"}
    return {"Comment": f"generated: {blocks} blocks", "StartAt": "S0_pass", "States": all_states}


def count_states(document: dict[str, Any]) -> int:
    total = 0
    for state in document.get("States", {}).values():
        total += 1
        for branch in state.get("Branches", []):
            total += count_states(branch)
        if "ItemProcessor" in state:
            total += count_states(state["ItemProcessor"])
    return total

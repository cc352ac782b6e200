"""Meters and what they would cost on AWS.

``function_stats``: invocations, errors, throttles and GB-seconds since the function was
created (store totals), duration p50/p99 over the last KEEP_INVOCATIONS invocations.

``execution_cost``: an execution at AWS list prices. DEFAULT_PRICES are us-east-1 on-demand
list prices as published on 2025-12-01 (aws.amazon.com/step-functions/pricing,
aws.amazon.com/lambda/pricing), free tiers ignored:
  Standard workflows   $0.025 per 1,000 state transitions (each state entered, and each retry)
  Express workflows    $1.00 per 1M requests + $0.00001667 per GB-second, 64 MB, 100 ms steps
  Lambda (x86)         $0.20 per 1M requests + $0.0000166667 per GB-second, billed duration
                       rounded up to 1 ms (INIT included on a cold start); throttled calls free
Override any of them with a JSON object (``sfn cost --prices``, env SFN_PRICES).
"""
from __future__ import annotations

import json
import math
import os
from typing import Any, Iterable, Iterator

from workflow.functions.service.records import InvocationRecord
from workflow.functions.service.store import FunctionStore

PRICES_DATE = "2025-12-01"
DEFAULT_PRICES: dict[str, float] = {
    "standard_per_transition": 0.025 / 1000,
    "express_per_request": 1.00 / 1_000_000,
    "express_per_gb_second": 0.00001667,
    "express_memory_mb": 64,
    "lambda_per_request": 0.20 / 1_000_000,
    "lambda_per_gb_second": 0.0000166667,
}
_RETRIED = ("LambdaFunctionScheduled", "TaskScheduled", "ActivityScheduled")


def prices(overrides: str | None = None) -> dict[str, float]:
    """DEFAULT_PRICES with ``overrides`` (JSON text or @file; default env SFN_PRICES)."""
    text = overrides if overrides is not None else os.environ.get("SFN_PRICES")
    merged = dict(DEFAULT_PRICES)
    if text:
        if text.startswith("@"):
            with open(text[1:], encoding="utf-8") as handle:
                text = handle.read()
        merged.update({k: float(v) for k, v in json.loads(text).items()})
    return merged


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def function_stats(store: FunctionStore, name: str) -> dict[str, Any]:
    totals = store.totals(name)
    durations = [r.duration_ms for r in store.invocations(name, limit=100_000) if not r.throttled]
    return {"FunctionName": name, "Invocations": int(totals["invocations"] - totals["throttles"]),
            "Errors": int(totals["errors"]), "Throttles": int(totals["throttles"]),
            "DurationP50Ms": round(percentile(durations, 0.50), 3),
            "DurationP99Ms": round(percentile(durations, 0.99), 3),
            "BilledDurationMs": int(totals["billed_ms"]),
            "GBSeconds": round(float(totals["gb_seconds"]), 6)}


def history_events(store: Any, arn: str) -> Iterator[dict[str, Any]]:
    after = 0
    while True:
        page = store.history(arn, after_id=after, limit=1000)
        yield from page
        if len(page) < 1000:
            return
        after = page[-1]["id"]


def state_transitions(events: Iterable[dict[str, Any]]) -> int:
    """States entered plus retries (AWS bills a retry as a transition)."""
    entered = scheduled = task_entries = 0
    for event in events:
        kind = event.get("type", "")
        if kind.endswith("StateEntered"):
            entered += 1
            task_entries += kind == "TaskStateEntered"
        elif kind in _RETRIED:
            scheduled += 1
    return entered + max(0, scheduled - task_entries)


def execution_cost(record: Any, events: list[dict[str, Any]],
                   invocations: list[InvocationRecord],
                   price: dict[str, float] | None = None) -> dict[str, Any]:
    price = price or prices()
    billed = [r for r in invocations if not r.throttled]
    gb_seconds = sum(r.gb_seconds for r in billed)
    lambda_cost = (len(billed) * price["lambda_per_request"]
                   + gb_seconds * price["lambda_per_gb_second"])
    bill: dict[str, Any] = {"executionArn": record.execution_arn, "type": record.type,
                            "pricesAsOf": PRICES_DATE, "currency": "USD"}
    if record.type == "EXPRESS":
        elapsed = (record.stop_date or record.start_date) - record.start_date
        seconds = math.ceil(max(0.0, elapsed) * 10) / 10
        express_gbs = price["express_memory_mb"] / 1024 * seconds
        workflow_cost = price["express_per_request"] + express_gbs * price["express_per_gb_second"]
        bill["workflow"] = {"requests": 1, "gbSeconds": express_gbs, "cost": workflow_cost}
    else:
        transitions = state_transitions(events)
        workflow_cost = transitions * price["standard_per_transition"]
        bill["workflow"] = {"stateTransitions": transitions, "cost": workflow_cost}
    bill["functions"] = {"requests": len(billed), "throttled": len(invocations) - len(billed),
                         "billedMs": sum(r.billed_ms for r in billed), "gbSeconds": gb_seconds,
                         "cost": lambda_cost}
    bill["total"] = workflow_cost + lambda_cost
    return bill


def format_bill(bill: dict[str, Any]) -> str:
    work, fns = bill["workflow"], bill["functions"]
    if "stateTransitions" in work:
        head = f"state transitions   {work['stateTransitions']:>10}   ${work['cost']:.8f}"
    else:
        head = f"express request     {work['requests']:>10}   ${work['cost']:.8f}"
    return "\n".join([
        f"{bill['executionArn']} ({bill['type']}; us-east-1 list prices of {bill['pricesAsOf']})",
        head,
        f"function requests   {fns['requests']:>10}   (throttled, not billed: {fns['throttled']})",
        f"function GB-seconds {fns['gbSeconds']:>10.6f}   ${fns['cost']:.8f} (requests included)",
        f"total                            ${bill['total']:.8f}"])

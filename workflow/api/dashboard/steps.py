"""One state's story for the side panel, from the stored history: each visit (a state inside
a Map runs once per item) with its input, output and every attempt (scheduled, started,
ended, error, cause), plus the function log lines of those attempts where they were kept.

Events of a run between a ``*StateEntered`` and the next ``*StateExited`` belong to the
entered state; a run is the top level, a Parallel branch or a Map iteration."""
from __future__ import annotations

from typing import Any

from visualizer._derive import FAILED, SCHEDULED, STARTED, SUCCEEDED, TIMED_OUT

MAX_VISITS = 50          # a Map state inside a 10,000-item Map: the last 50 visits


def visits(events: list[dict[str, Any]], name: str) -> tuple[list[dict[str, Any]], int]:
    """The visits of state ``name`` in event order (the last MAX_VISITS) and their total."""
    open_visits: dict[str, dict[str, Any]] = {}
    found: list[dict[str, Any]] = []
    for event in events:
        kind, run = event.get("type", ""), event.get("run", "")
        if kind.endswith("StateEntered"):
            visit = None
            if event.get("name") == name:
                visit = {"run": run, "entered": event["timestamp"], "enteredId": event["id"],
                         "input": event.get("input"), "attempts": [], "status": "running"}
                found.append(visit)
            open_visits[run] = visit  # type: ignore[assignment]
            continue
        visit = open_visits.get(run)
        if visit is not None:
            _apply(visit, kind, event)
            if kind.endswith("StateExited") or kind.endswith("StateAborted"):
                open_visits[run] = None  # type: ignore[assignment]
    return found[-MAX_VISITS:], len(found)


def _apply(visit: dict[str, Any], kind: str, event: dict[str, Any]) -> None:
    attempts = visit["attempts"]
    if kind in SCHEDULED and not kind.endswith("StateStarted"):
        attempts.append({"number": len(attempts) + 1, "type": kind[:-len("Scheduled")],
                         "scheduled": event["timestamp"], "resource": event.get("resource"),
                         "status": "scheduled"})
    elif kind in STARTED and attempts:
        attempts[-1].update(started=event["timestamp"], status="running")
    elif kind in SUCCEEDED and attempts and not kind.endswith("StateSucceeded"):
        attempts[-1].update(ended=event["timestamp"], status="succeeded",
                            output=event.get("output"))
    elif kind in FAILED or kind in TIMED_OUT:
        _failed(visit, kind, event)
    elif kind.endswith("StateExited"):
        visit.update(exited=event["timestamp"], output=event.get("output"),
                     status=visit.get("status") if visit.get("error") else "succeeded")
    elif kind.endswith("StateAborted"):
        visit.update(exited=event["timestamp"], status="aborted")


def _failed(visit: dict[str, Any], kind: str, event: dict[str, Any]) -> None:
    status = "timed-out" if kind in TIMED_OUT else "failed"
    error, cause = event.get("error"), event.get("cause")
    attempts = visit["attempts"]
    if attempts and "ended" not in attempts[-1]:
        attempts[-1].update(ended=event["timestamp"], status=status, error=error, cause=cause)
    else:
        attempts.append({"number": len(attempts) + 1, "type": kind, "status": status,
                         "scheduled": event["timestamp"], "ended": event["timestamp"],
                         "error": error, "cause": cause})
    visit.update(status=status, error=error, cause=cause)


def attach_logs(found: list[dict[str, Any]], entries: list[dict[str, Any]],
                name: str) -> None:
    """Put each kept log entry (``Store.invocation_logs``: state, run_id, attempt, lines,
    ...) on the attempt it belongs to."""
    for entry in entries:
        if entry.get("state") != name:
            continue
        for visit in found:
            if visit["run"] != entry.get("run_id", ""):
                continue
            index = int(entry.get("attempt", 1)) - 1
            if 0 <= index < len(visit["attempts"]):
                visit["attempts"][index]["logs"] = list(entry.get("lines") or [])
                visit["attempts"][index]["requestId"] = entry.get("request_id")


def function_logs(api: Any, arn: str, name: str,
                  express: bool) -> tuple[list[dict[str, Any]], str]:
    """The kept log entries of state ``name`` and a sentence saying where they come from."""
    entries = api.store.invocation_logs(arn, name)
    if express and not entries:
        return entries, ("EXPRESS executions of the embedded runner keep no function log "
                         "lines, as they keep no history.")
    return entries, ("Function log lines per attempt, as `sfn logs` prints them (the last "
                     "64 KiB of each invocation, kept in the execution store).")

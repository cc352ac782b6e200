"""Plain-text labels shared by every renderer: a state's detail line (function, resource,
wait), edge annotations (Choice rules, Default, Catch, Retry), durations and status counts.
Nothing here escapes anything: each renderer escapes for its own output."""
from __future__ import annotations

import re
from collections import Counter
from typing import Any, Iterable, Mapping

from visualizer.styles import STYLES, Status

MAX_LABEL = 60
COUNT_ORDER = (Status.SUCCEEDED, Status.FAILED, Status.TIMED_OUT, Status.ABORTED, Status.CAUGHT,
               Status.RUNNING, Status.RETRYING, Status.WAITING)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def clean(text: str, limit: int | None = None) -> str:
    """One printable line: control characters shown as U+FFFD, newlines and tabs as spaces,
    cut to ``limit`` characters with an ellipsis."""
    text = _CONTROL.sub("\ufffd", str(text)).replace("\n", " ").replace("\r", " ")
    text = text.replace("\t", " ")
    if limit is not None and len(text) > limit:
        return text[:limit - 1] + "…"
    return text


def pointer(document: Any, location: str) -> Any:
    """The value at a JSON pointer (RFC 6901) of ``document``, or None."""
    value = document
    for part in location.split("/")[1:] if location else ():
        key: Any = part.replace("~1", "/").replace("~0", "~")
        if isinstance(value, list):
            key = int(key) if key.isdigit() else -1
            value = value[key] if 0 <= key < len(value) else None
        elif isinstance(value, dict):
            value = value.get(key)
        else:
            return None
    return value


def state_detail(state: Any, raw: Mapping[str, Any] | None) -> str:
    """The second line of a state's box: what it runs or waits for."""
    raw = raw if isinstance(raw, Mapping) else {}
    kind = state.type
    if kind == "Task":
        return task_target(str(raw.get("Resource", getattr(state, "resource", ""))), raw)
    if kind == "Wait":
        return _wait(raw)
    if kind == "Fail":
        error = raw.get("Error") or raw.get("ErrorPath")
        return f"Error: {error}" if isinstance(error, str) else ""
    if kind == "Map":
        limit = raw.get("MaxConcurrency")
        return f"Map, max {limit} at once" if isinstance(limit, int) and limit else "Map"
    if kind == "Parallel":
        return f"Parallel, {len(raw.get('Branches', []) or [])} branches"
    return ""


def task_target(resource: str, raw: Mapping[str, Any]) -> str:
    """``λ name`` for functions (ARN, bare name or lambda:invoke's FunctionName), else the
    integration ``service:action`` or the resource as written."""
    from workflow.interpreter.resources import LAMBDA, classify
    try:
        found = classify(resource)
    except Exception:  # noqa: BLE001 - a label never fails a render
        return resource
    if found.family == LAMBDA and found.function:
        return f"λ {found.function}"
    if found.resource_type == "lambda" and found.action.startswith("invoke"):
        args = raw.get("Parameters") or raw.get("Arguments") or {}
        name = args.get("FunctionName") if isinstance(args, Mapping) else None
        if isinstance(name, str):
            return f"λ {name.rsplit(':function:', 1)[-1]}"
        if isinstance(args, Mapping) and isinstance(args.get("FunctionName.$"), str):
            return f"λ ⟨{args['FunctionName.$']}⟩"
    if found.resource_type:
        return f"{found.resource_type}:{found.action}"
    return resource.rsplit(":", 1)[-1] if resource.startswith("arn:") else resource


def _wait(raw: Mapping[str, Any]) -> str:
    for key, text in (("Seconds", "wait {} s"), ("SecondsPath", "wait {} s"),
                      ("Timestamp", "until {}"), ("TimestampPath", "until {}")):
        if key in raw:
            return text.format(raw[key])
    return "wait"


def retry_label(retriers: Iterable[Mapping[str, Any]]) -> str:
    """``Retry Boom ×3 (1 s, backoff 2)`` per retrier, one per line."""
    lines = []
    for retrier in retriers:
        errors = ", ".join(retrier.get("errors", ()))
        lines.append(f"Retry {errors} ×{retrier.get('max_attempts')} "
                     f"({retrier.get('interval_seconds')} s, "
                     f"backoff {_number(retrier.get('backoff_rate'))})")
    return "\n".join(lines)


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def edge_label(kind: str, data: Mapping[str, Any]) -> str:
    if kind == "choice":
        rules = data.get("rules") or []
        return "\n".join(f"#{index + 1} {summary}" for index, summary in rules)
    if kind == "default":
        return "Default"
    if kind == "catch":
        return "Catch " + ", ".join(data.get("errors") or ())
    if kind == "retry":
        return retry_label(data.get("retriers") or ())
    return ""


def duration(seconds: float | None) -> str:
    if seconds is None:
        return ""
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 60:
        return f"{seconds:.1f} s" if seconds < 10 else f"{seconds:.0f} s"
    minutes, rest = divmod(int(round(seconds)), 60)
    if minutes < 60:
        return f"{minutes} min {rest:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def counts(found: Counter[Status], total: int | None = None, noun: str = "") -> str:
    """``812/1000 succeeded, 3 failed, 185 running`` (the first figure over ``total``)."""
    parts: list[str] = []
    for status in COUNT_ORDER:
        number = found.get(status, 0)
        if number <= 0:
            continue
        figure = f"{number}/{total}" if total is not None and not parts else str(number)
        parts.append(f"{figure} {STYLES[status].label.lower()}")
    text = ", ".join(parts)
    return f"{noun}{text}" if text else ""

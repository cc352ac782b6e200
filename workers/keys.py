"""Names of the Redis keys the distributed runner keeps besides the store.

Per-execution keys carry the ARN in a hash tag (``{...}``) so they stay in one cluster slot.
"""
from __future__ import annotations

PREFIX = "sfnw:"
TIMERS = PREFIX + "timers"                 # zset: "ARN|timer id" -> due epoch
TIMERS_FIRING = PREFIX + "timers:firing"   # zset: popped, not yet enqueued -> lease expiry
TIMER_RUNS = PREFIX + "timers:run"         # hash: "ARN|timer id" -> run id
CLOCK = PREFIX + "clock"                   # virtual clock (epoch seconds), tests only
INFLIGHT = PREFIX + "inflight"             # zset: task bodies running -> expiry (virtual only)


def meta(arn: str) -> str:
    """hash: info (ExecutionInfo JSON), definition (hash), functions (JSON), runner,
    redrives (the redrive count, when redriven)."""
    return f"{PREFIX}x:{{{arn}}}"


def definition(digest: str) -> str:
    return f"{PREFIX}def:{digest}"


def outbox(arn: str) -> str:
    """hash: "run|version|fingerprint" -> commands of a committed step not yet dispatched."""
    return f"{PREFIX}outbox:{{{arn}}}"


def done(arn: str) -> str:
    """list: pushed when the execution ends, so a waiter wakes before its next store poll."""
    return f"{PREFIX}done:{{{arn}}}"


def join(arn: str, prefix: str, part: str) -> str:
    """Join of one Parallel/Map state: meta, specs, active, results, decisions."""
    return f"{PREFIX}join:{{{arn}}}:{prefix}:{part}"


def activity(activity_arn: str) -> str:
    """list: the activity's tasks waiting for a worker (workers/activities.py)."""
    return f"{PREFIX}activity:{activity_arn}"


def timer_member(arn: str, timer_id: str) -> str:
    return f"{arn}|{timer_id}"


def split_timer_member(member: str) -> tuple[str, str]:
    arn, _, timer_id = member.rpartition("|")
    return arn, timer_id

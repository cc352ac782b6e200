"""Activity tasks on the Celery runner: a durable Redis list per activity ARN
(``keys.activity``). A transition that parks an Activity task appends it; GetActivityTask, in
any ``sfn server`` process, long-polls the list (BLPOP) and hands it to a worker.

An entry is JSON ``{"activity", "token", "input" (JSON text), "execution", "run", "task"}``.
The outbox may dispatch a step twice, so an entry may be queued twice: whoever pops one
claims its token first (``claim_key``, SET NX) and drops an entry already claimed.
"""
from __future__ import annotations

import json
from typing import Any

from workflow import jsontext
from workflow.interpreter import protocol as p
from workers import keys

CLAIM_TTL_SECONDS = 7 * 24 * 3600


def claim_key(token: str) -> str:
    return f"{keys.PREFIX}activity-claim:{token}"


def entry(arn: str, command: p.InvokeTask) -> str:
    return json.dumps({"activity": command.resource, "token": command.task_token,
                       "input": jsontext.dumps(command.payload), "execution": arn,
                       "run": command.run_id, "task": command.task_id})


def enqueue(client: Any, arn: str, command: p.InvokeTask) -> None:
    """Queue the parked task for the activity's workers (durable: an RPUSH on Redis)."""
    client.rpush(keys.activity(command.resource), entry(arn, command))


def missing(store: Any, activity_arn: str) -> p.TaskFailed | None:
    """AWS fails the task with States.Runtime when the activity does not exist (§12.3)."""
    record = store.get_state_machine(activity_arn)
    if record is not None and record.kind == "activity":
        return None
    return p.TaskFailed("", "States.Runtime", f"Activity does not exist: '{activity_arn}'")

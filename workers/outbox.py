"""The outbox: the commands of a step, kept until they are all dispatched.

The Store interface commits events and runs but has no room for commands, so the outbox is a
Redis hash beside it (one per execution). An entry is written *before* the commit under
``run|new version|fingerprint of the new run``: the fingerprint names which computation's
commands these are, so only the step that won the version check ever matches the stored run.
An entry of a step that lost (VersionConflict) or never committed (the worker died) matches
no stored run and is dropped or expires. Whoever next loads the run at that version and
fingerprint finds the leftover entry and dispatches it again; every command is idempotent.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from typing import Any

from workflow.interpreter import protocol as p
from workflow.interpreter.run import RunState, Waiting
from workers import keys

TTL_SECONDS = 30 * 24 * 3600
_dumps = json.JSONEncoder(separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode


@dataclass(frozen=True)
class StepContext:
    """What the dispatcher needs beyond the commands themselves."""
    run_id: str
    cancel_join: str | None = None       # the join the run waited on before the step
    close_join: str | None = None        # the join whose ChildrenDone this step consumed


Outbox = tuple[list[p.Command], StepContext]


def fingerprint(run: RunState) -> str:
    data = dict(run.__dict__)
    if isinstance(run.waiting, Waiting):
        data["waiting"] = dict(run.waiting.__dict__)
    return hashlib.blake2b(_dumps(data).encode(), digest_size=12).hexdigest()


def entry(run: RunState, version: int) -> str:
    return f"{run.run_id}|{version}|{fingerprint(run)}"


def swap(client: Any, arn: str, leftover: str | None, field: str | None,
         commands: list[p.Command], context: StepContext) -> Outbox | None:
    """One round trip: read the leftover entry of the loaded version (if any) and write the
    new step's entry (if it has anything to dispatch)."""
    pipe = client.pipeline(transaction=False)
    if leftover:
        pipe.hget(keys.outbox(arn), leftover)
    if field:
        body = json.dumps({"commands": [p.to_message(c) for c in commands],
                           "context": asdict(context)}, separators=(",", ":"))
        pipe.hset(keys.outbox(arn), field, body)
        pipe.expire(keys.outbox(arn), TTL_SECONDS)
    found = pipe.execute()
    return _decode(found[0]) if leftover else None


def take(client: Any, arn: str, field: str) -> Outbox | None:
    return _decode(client.hget(keys.outbox(arn), field))


def _decode(body: str | None) -> Outbox | None:
    if body is None:
        return None
    data = json.loads(body)
    return [p.from_message(c) for c in data["commands"]], StepContext(**data["context"])


def drop(client: Any, arn: str, *fields: str | None) -> None:
    present = [field for field in fields if field]
    if present:
        client.hdel(keys.outbox(arn), *present)

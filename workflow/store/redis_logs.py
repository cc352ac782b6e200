"""Function invocation logs in ``workflow.store.redis_store``: scripts and item codec.

``lg:{seq}`` is a list with one item per invocation, as written: the state's name as JSON, a
newline, then the ``log_entry`` JSON (compact JSON holds no raw newline), so reading one
state's entries decodes only theirs.
"""
from __future__ import annotations

from typing import Any

from workflow import jsontext
from workflow.store.redis_lua import PRELUDE

# ARGV: arn, item. Returns 1, or 0 when there is no such execution.
PUT_LOG = PRELUDE + """
local seq = redis.call('HGET', P .. 'x:' .. take(), 'seq')
if not seq then return 0 end
redis.call('RPUSH', P .. 'lg:' .. seq, take())
return 1
"""

# ARGV: arn. Returns the items as written ({} for an unknown execution).
LOGS = PRELUDE + """
local seq = redis.call('HGET', P .. 'x:' .. take(), 'seq')
if not seq then return {} end
return redis.call('LRANGE', P .. 'lg:' .. seq, 0, -1)
"""

SCRIPTS = ("PUT_LOG", "LOGS")


def item(entry: dict[str, Any]) -> str:
    return f"{jsontext.dumps(entry['state'])}\n{jsontext.dumps(entry)}"


def entries(items: list[str], state: str | None) -> list[dict[str, Any]]:
    """The entries of ``items`` (of ``state`` only, when given) ordered by timestamp, then
    as written."""
    wanted = None if state is None else jsontext.dumps(state)
    found = []
    for text in items:
        head, _, body = text.partition("\n")
        if wanted is None or head == wanted:
            found.append(jsontext.loads(body))
    return sorted(found, key=lambda entry: entry["timestamp"])

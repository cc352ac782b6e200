"""The shared virtual clock (tests only): virtual time lives in Redis and, like the embedded
runner's VirtualClock, stands still until the whole system is idle; then the timer service
jumps it to the next due timer. Idle means: no message in the transition or function queue,
none delivered but unacknowledged, no task body running, for ``settle`` seconds.

Time stands still rather than flowing as ``real_now + offset``: the corpus expects exact
timestamps (three 10-second Waits in a row end at 00:00:30 on the dot).
"""
from __future__ import annotations

import time
from datetime import datetime, timezone
from typing import Any

from workers import keys
from workers.config import QUEUES

UNACKED = "unacked"                   # kombu's Redis transport: delivered, not yet acked
BUSY_LEASE = 300.0

# KEYS: clock, timers, inflight, unacked, queues...; ARGV: real now.
_JUMP = """
if redis.call('HLEN', KEYS[4]) > 0 then return {0, redis.call('GET', KEYS[1])} end
for i = 5, #KEYS do
  if redis.call('LLEN', KEYS[i]) > 0 then return {0, redis.call('GET', KEYS[1])} end
end
if redis.call('ZCOUNT', KEYS[3], ARGV[1], '+inf') > 0 then
  return {0, redis.call('GET', KEYS[1])}
end
local now = tonumber(redis.call('GET', KEYS[1]))
local first = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
if first[2] and tonumber(first[2]) > now then
  redis.call('SET', KEYS[1], first[2])
  return {1, first[2]}
end
return {0, tostring(now)}
"""


class RedisClock:
    """The timer service's view of virtual time (workers read it via Runtime.clock)."""

    virtual = True
    idle_poll = 0.002

    def __init__(self, client: Any, settle: float = 0.01) -> None:
        self.client = client
        self.settle = settle
        self.jump = client.register_script(_JUMP)
        self._idle_since: float | None = None
        self.client.set(keys.CLOCK, repr(time.time()), nx=True)

    def epoch(self) -> float:
        return float(self.client.get(keys.CLOCK) or time.time())

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.epoch(), timezone.utc)

    def set(self, moment: datetime | float) -> None:
        epoch = moment.timestamp() if isinstance(moment, datetime) else float(moment)
        self.client.set(keys.CLOCK, repr(epoch))

    def idle(self) -> bool:
        pipe = self.client.pipeline(transaction=False)
        pipe.hlen(UNACKED)
        for queue in QUEUES:
            pipe.llen(queue)
        pipe.zcount(keys.INFLIGHT, time.time(), "+inf")
        return not any(pipe.execute())

    def advance_if_idle(self, _client: Any = None) -> float:
        """The virtual now, first jumped to the next due timer if idle long enough."""
        if not self.idle():
            self._idle_since = None
            return self.epoch()
        started = self._idle_since
        if started is None or time.monotonic() - started < self.settle:
            self._idle_since = started or time.monotonic()
            return self.epoch()
        self._idle_since = None
        _, now = self.jump(keys=[keys.CLOCK, keys.TIMERS, keys.INFLIGHT, UNACKED, *QUEUES],
                           args=[time.time()])
        return float(now)


class busy:
    """Marks a task body as running (virtual mode), so time cannot jump under it."""

    def __init__(self, client: Any, task_id: str, enabled: bool) -> None:
        self.client, self.task_id, self.enabled = client, task_id, enabled

    def __enter__(self) -> None:
        if self.enabled:
            self.client.zadd(keys.INFLIGHT, {self.task_id: time.time() + BUSY_LEASE})

    def __exit__(self, *exc: object) -> None:
        if self.enabled:
            self.client.zrem(keys.INFLIGHT, self.task_id)

"""Durable timers: one Redis sorted set (score = due epoch) and the service that fires them.

Wait states, retry backoffs, task timeouts/heartbeats and execution timeouts are all entries
here, so they hold no worker slot, use no Celery countdown, and survive every process (and,
with AOF, Redis) restarting. The service pops due entries atomically into a "firing" set with a
lease, enqueues ``TimerFired`` and only then forgets them: a service that dies in between
fires them again after the lease (a duplicate TimerFired is ignored by the core).
"""
from __future__ import annotations

import logging
import time
from typing import Any, Callable

import redis

from workflow.interpreter import protocol as p
from workers import keys

LEASE_SECONDS = 30.0
BATCH = 500
log = logging.getLogger("sfn.timers")

# KEYS: timers, firing, runs; ARGV: now, batch, lease expiry.
_POP = """
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
local out = {}
for _, member in ipairs(due) do
  redis.call('ZREM', KEYS[1], member)
  redis.call('ZADD', KEYS[2], ARGV[3], member)
  out[#out + 1] = member
  out[#out + 1] = redis.call('HGET', KEYS[3], member) or ''   -- 'r' .. run id, or cancelled
end
return out
"""
# Entries whose lease ran out (the service died before enqueueing) become due again.
# KEYS: timers, firing; ARGV: now.
_RECLAIM = """
local stale = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1])
for _, member in ipairs(stale) do
  redis.call('ZREM', KEYS[2], member)
  redis.call('ZADD', KEYS[1], 0, member)
end
return #stale
"""


def add(client: Any, arn: str, timer_id: str, run_id: str, due: float) -> None:
    member = keys.timer_member(arn, timer_id)
    pipe = client.pipeline(transaction=True)
    pipe.hset(keys.TIMER_RUNS, member, "r" + run_id)       # the root run's id is ""
    pipe.zadd(keys.TIMERS, {member: due})
    pipe.execute()


def cancel(client: Any, arn: str, timer_id: str) -> None:
    member = keys.timer_member(arn, timer_id)
    pipe = client.pipeline(transaction=True)
    pipe.zrem(keys.TIMERS, member)
    pipe.zrem(keys.TIMERS_FIRING, member)
    pipe.hdel(keys.TIMER_RUNS, member)
    pipe.execute()


def next_due(client: Any) -> float | None:
    first = client.zrange(keys.TIMERS, 0, 0, withscores=True)
    return first[0][1] if first else None


Publish = Callable[[str, str, dict[str, Any]], None]


class TimerService:
    """``sfn timers``: fire due timers; with ``clock`` (virtual mode) also move time on."""

    def __init__(self, client: Any, publish: Publish, clock: Any = None,
                 poll: float = 0.05) -> None:
        self.client, self.publish, self.clock, self.poll = client, publish, clock, poll
        self.pop = client.register_script(_POP)
        self.reclaim = client.register_script(_RECLAIM)
        self.running = True

    def fire_due(self, now: float) -> int:
        found = self.pop(keys=[keys.TIMERS, keys.TIMERS_FIRING, keys.TIMER_RUNS],
                         args=[now, BATCH, time.time() + LEASE_SECONDS])
        for member, run in zip(found[::2], found[1::2]):
            arn, timer_id = keys.split_timer_member(member)
            if run:
                self.publish(arn, run[1:], p.to_message(p.TimerFired(timer_id)))
            pipe = self.client.pipeline(transaction=True)
            pipe.zrem(keys.TIMERS_FIRING, member)
            pipe.hdel(keys.TIMER_RUNS, member)
            pipe.execute()
        return len(found) // 2

    def step(self) -> float:
        """One round; returns how long to sleep before the next."""
        self.reclaim(keys=[keys.TIMERS, keys.TIMERS_FIRING], args=[time.time()])
        now = self.clock.advance_if_idle(self.client) if self.clock else time.time()
        if self.fire_due(now) >= BATCH:
            return 0.0
        if self.clock:
            return self.clock.idle_poll
        due = next_due(self.client)
        return self.poll if due is None else max(0.0, min(self.poll, due - time.time()))

    def run_forever(self) -> None:
        while self.running:
            try:
                pause = self.step()
            except redis.ConnectionError as exc:
                log.warning("timer service: Redis unavailable (%s); retrying", exc)
                pause = 0.5
            if pause:
                time.sleep(pause)

"""The join of one Parallel/Map state across workers, kept in Redis and changed only by Lua
scripts, so concurrent children update it atomically.

Keys (``keys.join(arn, prefix, part)``; ``prefix`` is the children's run id prefix):
``meta`` (hash: total, next, failed, finished, concurrency, threshold, tolerant, parent,
state, kind, machine, done, cancelled), ``specs`` (list: each child's input, stored once), ``active`` (set
of started, unfinished indexes), ``results`` (hash: index -> output JSON, one field per child)
and ``decisions`` (hash: index -> what that child's end decided, replayed for a duplicate).
A redrive's kept children (``StartChildren.kept``) have their result written before the join
opens and count as finished; they are never started.
"""
from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from workflow.interpreter import protocol as p
from workflow.interpreter.containers import JoinPolicy
from workers import keys

TTL_SECONDS = 7 * 24 * 3600
PARTS = ("meta", "specs", "active", "results", "decisions")
CHUNK = 1000

_START_NEXT = """
local function start_next(meta, active, results)
  local total = tonumber(redis.call('HGET', meta, 'total'))
  local nxt = tonumber(redis.call('HGET', meta, 'next'))
  local limit = tonumber(redis.call('HGET', meta, 'concurrency'))
  local running = redis.call('SCARD', active)
  local started = {}
  while nxt < total and (limit == 0 or running < limit) do
    if redis.call('HEXISTS', results, nxt) == 0 then
      redis.call('SADD', active, nxt)
      started[#started + 1] = nxt
      running = running + 1
    end
    nxt = nxt + 1
  end
  redis.call('HSET', meta, 'next', nxt)
  return started
end
"""
# KEYS: meta, active, results; ARGV: total, concurrency, threshold, parent, state, kind,
# machine, tolerant, finished (the kept children).
_OPEN = _START_NEXT + """
if redis.call('EXISTS', KEYS[1]) == 1 then
  local m = redis.call('HMGET', KEYS[1], 'cancelled', 'done')
  if m[1] == '1' or m[2] == '1' then return {} end
  return redis.call('SMEMBERS', KEYS[2])
end
redis.call('HSET', KEYS[1], 'total', ARGV[1], 'concurrency', ARGV[2], 'threshold', ARGV[3],
  'parent', ARGV[4], 'state', ARGV[5], 'kind', ARGV[6], 'machine', ARGV[7],
  'tolerant', ARGV[8], 'next', 0,
  'failed', 0, 'finished', ARGV[9], 'done', 0, 'cancelled', 0)
return start_next(KEYS[1], KEYS[2], KEYS[3])
"""
# KEYS: meta, active, results, decisions, specs; ARGV: index, failed (0/1), result, ttl.
_FINISH = _START_NEXT + """
local parent = redis.call('HGET', KEYS[1], 'parent') or ''
local prior = redis.call('HGET', KEYS[4], ARGV[1])
if prior then return {prior, parent} end
if redis.call('EXISTS', KEYS[1]) == 0 then return {'gone', parent} end
redis.call('SREM', KEYS[2], ARGV[1])
local decision
local m = redis.call('HMGET', KEYS[1], 'cancelled', 'done')
if m[1] == '1' or m[2] == '1' then
  decision = 'none'
else
  redis.call('HSET', KEYS[3], ARGV[1], ARGV[3])
  local failed = tonumber(redis.call('HGET', KEYS[1], 'failed'))
  if ARGV[2] == '1' then failed = redis.call('HINCRBY', KEYS[1], 'failed', 1) end
  local finished = redis.call('HINCRBY', KEYS[1], 'finished', 1)
  if ARGV[2] == '1' and failed >= tonumber(redis.call('HGET', KEYS[1], 'threshold')) then
    decision = 'fail'
  elseif finished >= tonumber(redis.call('HGET', KEYS[1], 'total')) then
    decision = 'done'
  else
    decision = 'start:' .. table.concat(start_next(KEYS[1], KEYS[2], KEYS[3]), ',')
  end
end
redis.call('HSET', KEYS[4], ARGV[1], decision)
if decision == 'fail' or decision == 'done' then
  redis.call('HSET', KEYS[1], 'done', 1)
  for i = 1, 5 do redis.call('EXPIRE', KEYS[i], ARGV[4]) end
end
return {decision, parent}
"""
# KEYS: meta, active, results, decisions, specs; ARGV: ttl.
_CANCEL = """
redis.call('HSET', KEYS[1], 'cancelled', 1)
for i = 1, 5 do redis.call('EXPIRE', KEYS[i], ARGV[1]) end
return redis.call('SMEMBERS', KEYS[2])
"""


def prefix_of(run_id: str) -> tuple[str, int]:
    """A child's run id is ``prefix.index``."""
    prefix, _, index = run_id.rpartition(".")
    return prefix, int(index)


def threshold(command: p.StartChildren) -> int:
    """The smallest failure count that ends the join (total + 1: never)."""
    total = command.total
    policy = JoinPolicy(total, command.tolerated_failure_count,
                        command.tolerated_failure_percentage)
    return next((n for n in range(1, total + 1) if policy.exceeded(n)), total + 1)


def tolerant(command: p.StartChildren) -> bool:
    return command.kind == "map" and (command.tolerated_failure_count is not None
                                      or command.tolerated_failure_percentage is not None)


@lru_cache(maxsize=8)
def _scripts(client: Any) -> dict[str, Any]:
    return {name: client.register_script(text)
            for name, text in (("open", _OPEN), ("finish", _FINISH), ("cancel", _CANCEL))}


class Joins:
    def __init__(self, client: Any, arn: str) -> None:
        self.client, self.arn = client, arn

    def key(self, prefix: str, part: str) -> str:
        return keys.join(self.arn, prefix, part)

    def _keys(self, prefix: str) -> list[str]:
        return [self.key(prefix, part) for part in ("meta", "active", "results", "decisions",
                                                      "specs")]

    def open(self, command: p.StartChildren) -> list[int]:
        """Create the join (once) and return the indexes to start now."""
        prefix = prefix_of(command.children[0].run_id)[0]
        machines = {spec.machine for spec in command.children}
        uniform = machines.pop() if len(machines) == 1 else ""
        meta = self.key(prefix, "meta")
        if not self.client.exists(meta):
            self._write_specs(prefix, command, uniform)
        started = _scripts(self.client)["open"](
            keys=[meta, self.key(prefix, "active"), self.key(prefix, "results")],
            args=[command.total, command.max_concurrency, threshold(command),
                  command.run_id, command.state, command.kind, uniform,
                  int(tolerant(command)), len(command.kept)])
        return sorted(int(i) for i in started)

    def _write_specs(self, prefix: str, command: p.StartChildren, uniform: str) -> None:
        specs = ["null"] * command.total                # a kept child is never started
        for spec in command.children:
            specs[spec.index] = json.dumps(spec.input if uniform else [spec.machine, spec.input],
                                           separators=(",", ":"))
        pipe = self.client.pipeline(transaction=True)
        pipe.delete(self.key(prefix, "specs"))
        for start in range(0, len(specs), CHUNK):
            pipe.rpush(self.key(prefix, "specs"), *specs[start:start + CHUNK])
        if command.kept:
            pipe.hset(self.key(prefix, "results"), mapping={
                str(index): json.dumps(output, separators=(",", ":"))
                for index, output in command.kept})
        pipe.execute()

    def child(self, run_id: str) -> dict[str, Any] | None:
        """What a child needs to begin: parent, state, kind, machine, input; None if the join
        is over, cancelled or gone."""
        prefix, index = prefix_of(run_id)
        pipe = self.client.pipeline(transaction=False)
        pipe.hmget(self.key(prefix, "meta"), ["parent", "state", "kind", "machine",
                                              "cancelled", "done"])
        pipe.lindex(self.key(prefix, "specs"), index)
        (parent, state, kind, machine, cancelled, done), spec = pipe.execute()
        if parent is None or spec is None or "1" in (cancelled, done):
            return None
        data = json.loads(spec)
        if not machine:
            machine, data = data
        return {"parent": parent, "state": state, "kind": kind, "machine": machine,
                "input": data, "index": index}

    def finish(self, run_id: str, result: Any, failed: bool) -> tuple[str, str]:
        """Record a child's end; returns (decision, parent run id)."""
        prefix, index = prefix_of(run_id)
        decision, parent = _scripts(self.client)["finish"](
            keys=self._keys(prefix),
            args=[index, int(failed), json.dumps(result, separators=(",", ":")), TTL_SECONDS])
        return decision, parent

    def results(self, prefix: str) -> list[Any]:
        """All outputs in child order: read once, when the join is over."""
        found = self.client.hgetall(self.key(prefix, "results"))
        ordered = sorted(found.items(), key=lambda item: int(item[0]))
        return [json.loads(value) for _, value in ordered]

    def meta(self, prefix: str, *fields: str) -> list[str | None]:
        return self.client.hmget(self.key(prefix, "meta"), list(fields))

    def active(self, prefix: str) -> list[int]:
        return sorted(int(i) for i in self.client.smembers(self.key(prefix, "active")))

    def cancel(self, prefix: str) -> list[int]:
        """Mark the join cancelled (even before it exists) and return the running children."""
        active = _scripts(self.client)["cancel"](keys=self._keys(prefix), args=[TTL_SECONDS])
        return sorted(int(i) for i in active)

    def close(self, prefix: str) -> None:
        self.client.delete(*(self.key(prefix, part) for part in PARTS))

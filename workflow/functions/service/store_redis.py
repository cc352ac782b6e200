"""The distributed function store: one Redis shared by every worker.

Keys, under the prefix (default ``sfnfn:``):
  code:{sha256 hex}     the zip (bytes)
  cfg:{name}            hash: version ($LATEST, 1, 2, ...) -> FunctionConfig json
  names                 set of function names
  al:{name}             hash: alias -> AliasRecord json
  inv:{name}            list: the last KEEP_INVOCATIONS InvocationRecord json
  invx:{execution}      list: the invocations one execution made (expire after 90 days)
  tot:{name}            hash: invocations, errors, throttles, billed_ms, gb_seconds
  slot:{name}           sorted set: concurrency slot -> lease expiry (epoch seconds)
  last                  hash: function -> last version number given
  seq                   invocation counter
"""
from __future__ import annotations

import json
import time
from typing import Any

import redis

from workflow.functions.service.records import (LATEST, AliasRecord, FunctionConfig,
                                                InvocationRecord)
from workflow.functions.service.store import KEEP_INVOCATIONS, FunctionStore

EXECUTION_TTL = 90 * 24 * 3600
_PUT_CONFIG = """
local current = redis.call('HGET', KEYS[1], ARGV[1])
if not current or cjson.decode(current)['revision_id'] ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return 1
"""
_UPDATE_ALIAS = """
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
"""
_ACQUIRE = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[4])
return 1
"""
_TOTALS = ("invocations", "errors", "throttles", "billed_ms", "gb_seconds")


class RedisFunctionStore(FunctionStore):
    def __init__(self, url: str, prefix: str = "sfnfn:") -> None:
        self.prefix = prefix
        self._r = redis.Redis.from_url(url, decode_responses=True)
        self._raw = redis.Redis.from_url(url)
        self._put_config = self._r.register_script(_PUT_CONFIG)
        self._update_alias = self._r.register_script(_UPDATE_ALIAS)
        self._acquire = self._r.register_script(_ACQUIRE)

    def _k(self, *parts: str) -> str:
        return self.prefix + ":".join(parts)

    def close(self) -> None:
        self._r.close()
        self._raw.close()

    def put_code(self, key: str, data: bytes) -> None:
        self._raw.set(self._k("code", key), data, nx=True)

    def get_code(self, key: str) -> bytes | None:
        data = self._raw.get(self._k("code", key))
        return data if isinstance(data, bytes) else None

    def create(self, config: FunctionConfig) -> bool:
        created = self._r.hsetnx(self._k("cfg", config.name), LATEST, json.dumps(config.to_json()))
        if created:
            self._r.sadd(self._k("names"), config.name)
        return bool(created)

    def configs(self, name: str, versions: tuple[str, ...]) -> dict[str, FunctionConfig]:
        values = self._r.hmget(self._k("cfg", name), list(versions))
        return {v: FunctionConfig.from_json(json.loads(text))
                for v, text in zip(versions, values) if text is not None}

    def put_config(self, config: FunctionConfig, expected_revision: str) -> bool:
        return bool(self._put_config(keys=[self._k("cfg", config.name)], args=[
            LATEST, expected_revision, json.dumps(config.to_json())]))

    def next_version(self, name: str) -> int:
        return int(self._r.hincrby(self._k("last"), name, 1))

    def add_version(self, config: FunctionConfig) -> bool:
        return bool(self._r.hsetnx(self._k("cfg", config.name), config.version,
                                   json.dumps(config.to_json())))

    def versions(self, name: str) -> list[FunctionConfig]:
        found = [FunctionConfig.from_json(json.loads(text))
                 for text in self._r.hvals(self._k("cfg", name))]
        return sorted(found, key=lambda c: -1 if c.version == LATEST else int(c.version))

    def names(self) -> list[str]:
        return sorted(str(name) for name in self._r.smembers(self._k("names")))

    def delete(self, name: str, version: str | None = None) -> bool:
        if version is not None:
            return bool(self._r.hdel(self._k("cfg", name), version))
        found = self._r.delete(self._k("cfg", name))
        self._r.delete(*(self._k(kind, name) for kind in ("al", "inv", "tot", "slot")))
        self._r.srem(self._k("names"), name)
        self._r.hdel(self._k("last"), name)
        return bool(found)

    def put_alias(self, alias: AliasRecord, create: bool) -> bool:
        key, body = self._k("al", alias.function), json.dumps(alias.to_json())
        if create:
            return bool(self._r.hsetnx(key, alias.name, body))
        return bool(self._update_alias(keys=[key], args=[alias.name, body]))

    def aliases(self, name: str) -> list[AliasRecord]:
        found = self._r.hgetall(self._k("al", name))
        return [AliasRecord.from_json(json.loads(found[k])) for k in sorted(found)]

    def alias(self, name: str, alias: str) -> AliasRecord | None:
        text = self._r.hget(self._k("al", name), alias)
        return AliasRecord.from_json(json.loads(text)) if text else None

    def delete_alias(self, name: str, alias: str) -> bool:
        return bool(self._r.hdel(self._k("al", name), alias))

    def add_invocation(self, record: InvocationRecord) -> int:
        record.seq = int(self._r.incr(self._k("seq")))
        body = json.dumps(record.to_json())
        pipe = self._r.pipeline(transaction=True)
        pipe.rpush(self._k("inv", record.function), body)
        pipe.ltrim(self._k("inv", record.function), -KEEP_INVOCATIONS, -1)
        totals = self._k("tot", record.function)
        pipe.hincrby(totals, "invocations", 1)
        pipe.hincrby(totals, "errors", int(record.error is not None))
        pipe.hincrby(totals, "throttles", int(record.throttled))
        pipe.hincrby(totals, "billed_ms", record.billed_ms)
        pipe.hincrbyfloat(totals, "gb_seconds", record.gb_seconds)
        if record.execution:
            pipe.rpush(self._k("invx", record.execution), body)
            pipe.expire(self._k("invx", record.execution), EXECUTION_TTL)
        pipe.execute()
        return record.seq

    def invocations(self, name: str, after: int = 0, limit: int = 1000) -> list[InvocationRecord]:
        found = [InvocationRecord.from_json(json.loads(text))
                 for text in self._r.lrange(self._k("inv", name), -limit, -1)]
        return [record for record in found if record.seq > after]

    def execution_invocations(self, execution: str) -> list[InvocationRecord]:
        return [InvocationRecord.from_json(json.loads(text))
                for text in self._r.lrange(self._k("invx", execution), 0, -1)]

    def totals(self, name: str) -> dict[str, float]:
        values: list[Any] = self._r.hmget(self._k("tot", name), list(_TOTALS))
        return {k: (float(v) if k == "gb_seconds" else int(v)) if v is not None else 0
                for k, v in zip(_TOTALS, values)}

    def acquire_slot(self, name: str, slot: str, limit: int, ttl: float) -> bool:
        now = time.time()
        return bool(self._acquire(keys=[self._k("slot", name)],
                                  args=[now, limit, now + ttl, slot]))

    def release_slot(self, name: str, slot: str) -> None:
        self._r.zrem(self._k("slot", name), slot)

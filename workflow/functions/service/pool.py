"""Warm instances per (function, version, revision): scale out, never up.

An idle instance is reused (warm start); when none is idle a new one is started (cold start),
so N concurrent invocations run in N processes. Instances of a revision that is no longer
current, or idle longer than ``idle_ttl``, are stopped when the pool is next used. Code is
fetched from the store by CodeSha256 and extracted once per machine under the cache dir.
"""
from __future__ import annotations

import os
import tempfile
import threading
import time
from pathlib import Path
from typing import Callable

from workflow.functions.service import codezip
from workflow.functions.service.errors import FunctionServiceError
from workflow.functions.service.instance import Instance
from workflow.functions.service.records import FunctionConfig, sha_hex

DEFAULT_IDLE_TTL = 600.0
Key = tuple[str, str, str]


def default_cache() -> Path:
    configured = os.environ.get("SFN_FUNCTIONS_CACHE")
    if configured:
        return Path(configured)
    return Path(tempfile.gettempdir()) / f"sfn-functions-{os.getuid()}"


class Pool:
    def __init__(self, fetch_code: Callable[[str], bytes | None], cache_dir: Path | None = None,
                 *, max_instances: int = 64, idle_ttl: float = DEFAULT_IDLE_TTL,
                 python_ric: str = "builtin", verify_peers: bool = True) -> None:
        self.fetch_code = fetch_code
        self.cache_dir = Path(cache_dir or default_cache())
        self.log_dir = self.cache_dir / "logs"
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.max_instances = max_instances
        self.idle_ttl = idle_ttl
        self.python_ric = python_ric
        self.verify_peers = verify_peers
        self._idle: dict[Key, list[Instance]] = {}
        self._all: set[Instance] = set()
        self._live = 0
        self._lock = threading.Lock()
        self._extract_lock = threading.Lock()

    @staticmethod
    def key(config: FunctionConfig) -> Key:
        return config.name, config.version, config.revision_id

    def acquire(self, config: FunctionConfig) -> Instance | None:
        """A warm instance, or a new one; None when the process is at max_instances."""
        found, dead = self._take_idle(config)
        for instance in dead:
            self._discard(instance)
        if found is not None or self._live_at_max():
            return found
        try:
            instance = Instance(config, self.code_dir(config), self.log_dir, self.python_ric,
                                self.verify_peers)
        except BaseException:
            with self._lock:
                self._live -= 1
            raise
        with self._lock:
            self._all.add(instance)
        return instance

    def _take_idle(self, config: FunctionConfig) -> tuple[Instance | None, list[Instance]]:
        dead = self._sweep(config)
        with self._lock:
            idle = self._idle.get(self.key(config), [])
            while idle:
                instance = idle.pop()
                if instance.alive:
                    return instance, dead
                self._live -= 1
                dead.append(instance)
        return None, dead

    def _live_at_max(self) -> bool:
        """True when no instance may be started; else counts the one about to be."""
        with self._lock:
            if self._live >= self.max_instances:
                return True
            self._live += 1
            return False

    def release(self, instance: Instance, reusable: bool) -> None:
        if reusable and instance.alive:
            instance.last_used = time.monotonic()
            with self._lock:
                self._idle.setdefault(self.key(instance.config), []).append(instance)
            return
        with self._lock:
            self._live -= 1
        self._discard(instance)

    def _discard(self, instance: Instance) -> None:
        with self._lock:
            self._all.discard(instance)
        instance.discard()

    def _sweep(self, current: FunctionConfig) -> list[Instance]:
        """Take out idle instances of an older revision of ``current`` or idle too long."""
        now, stale = time.monotonic(), list[Instance]()
        with self._lock:
            for key in list(self._idle):
                old_revision = key[:2] == self.key(current)[:2] and key != self.key(current)
                keep = [] if old_revision else [
                    i for i in self._idle[key] if now - i.last_used < self.idle_ttl]
                stale.extend(i for i in self._idle[key] if i not in keep)
                self._idle[key] = keep
            self._live -= len(stale)
        return stale

    def code_dir(self, config: FunctionConfig) -> Path:
        key = sha_hex(config.code_sha256)
        target = self.cache_dir / "code" / key
        if target.is_dir():
            return target
        with self._extract_lock:
            data = self.fetch_code(key)
            if data is None:
                raise FunctionServiceError("ServiceException",
                                           f"code {config.code_sha256} is missing", 500)
            return codezip.extract(data, self.cache_dir / "code", key)

    def instances(self) -> int:
        with self._lock:
            return self._live

    def idle(self, config: FunctionConfig) -> list[Instance]:
        with self._lock:
            return list(self._idle.get(self.key(config), []))

    def close(self) -> None:
        """Stop every instance, busy ones included (their invocations fail)."""
        with self._lock:
            every = list(self._all)
            self._all.clear()
            self._idle.clear()
            self._live = 0
        for instance in every:
            instance.discard()

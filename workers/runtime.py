"""What a worker process keeps between tasks: connections (made after the fork), compiled
machines, execution facts and function registries, each cached by an immutable key."""
from __future__ import annotations

import json
import os
from collections import ChainMap, OrderedDict
from dataclasses import dataclass
from typing import Any, Callable, Generic, Mapping, TypeVar

import redis
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

from workflow.interpreter import protocol as p
from workflow.interpreter.run import RunState
from workflow.runner.clock import SystemClock
from workers import keys
from workers.config import ADVANCE_TASK, FUNCTIONS, INVOKE_TASK, TRANSITIONS, Settings

K = TypeVar("K")
V = TypeVar("V")


class LRU(Generic[K, V]):
    def __init__(self, size: int) -> None:
        self.size = size
        self.items: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K, make: Callable[[], V | None]) -> V | None:
        if key in self.items:
            self.items.move_to_end(key)
            return self.items[key]
        value = make()
        if value is not None:
            self.items[key] = value
            if len(self.items) > self.size:
                self.items.popitem(last=False)
        return value


@dataclass(frozen=True)
class ExecutionContext:
    arn: str
    info: p.ExecutionInfo
    machine: Any
    functions: str                       # JSON {name: "abs/path.py:handler"}, sorted keys


class FrozenClock:
    """The shared virtual time, read once per task: it only moves while nothing runs."""
    virtual = True

    def __init__(self, epoch: float) -> None:
        from datetime import datetime, timezone
        self._now = datetime.fromtimestamp(epoch, timezone.utc)

    def now(self) -> Any:
        return self._now


def connect(url: str) -> redis.Redis:
    # Commands retry across a Redis restart instead of failing the task.
    return redis.Redis.from_url(url, decode_responses=True,
                                retry=Retry(ExponentialBackoff(cap=1.0, base=0.05), 40),
                                retry_on_error=[redis.ConnectionError, redis.TimeoutError],
                                health_check_interval=30)


class Runtime:
    def __init__(self, settings: Settings, app: Any = None) -> None:
        self.settings = settings
        self._app = app
        self._pid = -1
        self._redis: redis.Redis | None = None
        self._store: Any = None
        self._executions: LRU[tuple[str, str], ExecutionContext] = LRU(512)
        self._machines: LRU[str, Any] = LRU(64)
        self._invokers: LRU[str, Any] = LRU(32)
        self._outer: LRU[tuple[str, str], Mapping[str, Any]] = LRU(256)

    def _after_fork(self) -> None:
        if self._pid != os.getpid():
            self._pid = os.getpid()
            self._redis = connect(self.settings.redis_url)
            from workers.config import open_store
            self._store = open_store(self.settings.store_url)

    @property
    def redis(self) -> redis.Redis:
        self._after_fork()
        assert self._redis is not None
        return self._redis

    @property
    def store(self) -> Any:
        self._after_fork()
        return self._store

    # ---- execution facts -------------------------------------------------------------------

    def execution(self, arn: str) -> ExecutionContext | None:
        """The execution's facts, cached per redrive: a redrive changes ``$$.Execution``
        (RedriveCount, RedriveTime), so the cache is keyed by the execution's redrive count."""
        redrives = str(self.redis.hget(keys.meta(arn), "redrives") or "0")
        return self._executions.get((arn, redrives), lambda: self._load_execution(arn))

    def _load_execution(self, arn: str) -> ExecutionContext | None:
        info, digest, functions = self.redis.hmget(keys.meta(arn),
                                                   ["info", "definition", "functions"])
        if info is None:
            return None
        machine = self._machines.get(digest, lambda: self._compile(digest))
        return ExecutionContext(arn, p.ExecutionInfo.from_json(json.loads(info)), machine,
                                functions or "{}")

    def _compile(self, digest: str) -> Any:
        from workflow.model.machine import StateMachine
        text = self.redis.get(keys.definition(digest))
        if text is None:
            raise LookupError(f"definition {digest} is missing from Redis")
        return StateMachine.from_document(json.loads(text))

    def invoker(self, functions: str) -> Any:
        return self._invokers.get(functions, lambda: _invoker(functions))

    def clock(self) -> Any:
        if self.settings.virtual:
            value = self.redis.get(keys.CLOCK)
            if value is not None:
                return FrozenClock(float(value))
        return SystemClock()

    def env(self, context: ExecutionContext) -> p.Env:
        return p.Env(context.info, self.clock())

    # ---- ancestors' variables ---------------------------------------------------------------

    def outer(self, arn: str, run: RunState) -> Mapping[str, Any]:
        """The variables of every ancestor (nearest first). The parent is blocked while its
        children run, so one load per join is enough."""
        if run.parent is None:
            return {}
        prefix = run.run_id.rpartition(".")[0]
        found = self._outer.get((arn, prefix), lambda: self._load_outer(arn, run.parent))
        return found if found is not None else {}

    def _load_outer(self, arn: str, parent_id: str) -> Mapping[str, Any] | None:
        loaded = self.store.load_run(arn, parent_id)
        if loaded is None:
            return None
        parent = loaded[0]
        return ChainMap(parent.variables, self.outer(arn, parent))  # type: ignore[arg-type]

    # ---- publishing --------------------------------------------------------------------------

    @property
    def app(self) -> Any:
        if self._app is None:
            from workers.config import make_app
            self._app = make_app(self.settings)
        return self._app

    def publish(self, arn: str, run_id: str, message: dict[str, Any],
                guard: dict[str, Any] | None = None) -> None:
        self.app.send_task(ADVANCE_TASK, args=[arn, run_id, message, guard], queue=TRANSITIONS,
                           ignore_result=True)

    def publish_invoke(self, arn: str, command: p.InvokeTask) -> None:
        self.app.send_task(INVOKE_TASK, args=[arn, p.to_message(command)], queue=FUNCTIONS,
                           ignore_result=True)


def _invoker(functions: str) -> Any:
    from workflow.functions import LocalInvoker
    from workflow.runner.tasks import registry_from
    return LocalInvoker(registry_from(json.loads(functions)))


_RUNTIME: Runtime | None = None


def runtime(app: Any = None) -> Runtime:
    """The worker process's runtime, publishing through the worker's own app."""
    global _RUNTIME
    if _RUNTIME is None:
        _RUNTIME = Runtime(Settings.from_env(), app)
    return _RUNTIME

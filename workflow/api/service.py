"""What every API handler works with: the store, the engine running executions, the activity
queue, settings, and compiled definitions cached by their text."""
from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workflow.api.activities import ActivityQueue, RedisActivityQueue
from workflow.store import Store

COMPILED_CACHE = 256


@dataclass
class Settings:
    store_dir: Path = Path(".sfn")
    activity_poll_seconds: float = 60.0        # AWS holds GetActivityTask up to 60 s
    max_body_bytes: int = 1_048_576            # AWS: API request size 1 MB (hard)
    distributed: bool = False


@dataclass
class Api:
    store: Store
    engine: Any
    activities: ActivityQueue | RedisActivityQueue
    settings: Settings = field(default_factory=Settings)
    lock: threading.RLock = field(default_factory=threading.RLock)
    _compiled: "OrderedDict[str, Any]" = field(default_factory=OrderedDict)
    redrive_tokens: dict[str, dict[str, float]] = field(default_factory=dict)

    def compiled(self, definition: str) -> Any:
        """The compiled StateMachine of a definition the API already validated."""
        key = hashlib.sha256(definition.encode()).hexdigest()
        with self.lock:
            machine = self._compiled.get(key)
            if machine is not None:
                self._compiled.move_to_end(key)
                return machine
        from workflow.api.stepfunctions.definitions import compile_definition
        machine = compile_definition(definition)
        with self.lock:
            self._compiled[key] = machine
            while len(self._compiled) > COMPILED_CACHE:
                self._compiled.popitem(last=False)
        return machine

    def close(self) -> None:
        self.engine.close()
        self.store.close()


def build_api(store: Store | None, settings: Settings, functions: Any = None) -> Api:
    """An Api over ``store`` with the embedded engine, or, when distributed, over the Celery
    runner's own store (SFN_STORE_URL or the broker's Redis) with the Celery engine."""
    from workflow.api.engine import CeleryEngine, EmbeddedEngine
    from workflow.runner.tasks import local_task_handler
    activities: Any = ActivityQueue()
    if settings.distributed:
        from workers.config import Settings as WorkerSettings
        engine: Any = CeleryEngine(functions)
        store = engine.store
        activities = RedisActivityQueue(WorkerSettings.from_env().redis_url)
    else:
        assert store is not None, "the embedded engine needs a store"
        def activity_exists(arn: str) -> bool:
            record = store.get_state_machine(arn)
            return record is not None and record.kind == "activity"
        engine = EmbeddedEngine(store, local_task_handler(functions or {}), activities,
                                activity_exists)
    return Api(store, engine, activities, settings)  # type: ignore[arg-type]

"""Activity tasks waiting for a worker: parked by the runner, handed out by GetActivityTask.

An embedded server keeps them in memory: they belong to executions running in this process.
A long poll waits on the event loop (never on a worker thread), so a thousand idle pollers
cost nothing but a timer each."""
from __future__ import annotations

import asyncio
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Awaitable, Callable

POLL_INTERVAL = 0.02


@dataclass(frozen=True)
class ActivityTask:
    activity_arn: str
    task_token: str
    input: str                          # the task's input as JSON text
    execution_arn: str


class ActivityQueue:
    def __init__(self) -> None:
        self._tasks: dict[str, deque[ActivityTask]] = {}
        self._lock = threading.Lock()

    def offer(self, task: ActivityTask) -> None:
        with self._lock:
            self._tasks.setdefault(task.activity_arn, deque()).append(task)

    def take(self, activity_arn: str) -> ActivityTask | None:
        with self._lock:
            queue = self._tasks.get(activity_arn)
            return queue.popleft() if queue else None

    def forget(self, activity_arn: str) -> None:
        with self._lock:
            self._tasks.pop(activity_arn, None)

    async def poll(self, activity_arn: str, seconds: float,
                   usable: Callable[[ActivityTask], Awaitable[bool]]) -> ActivityTask | None:
        """The oldest task still worth doing (``usable``), waiting up to ``seconds``."""
        deadline = time.monotonic() + seconds
        while True:
            task = self.take(activity_arn)
            if task is not None:
                if await usable(task):
                    return task
                continue
            if time.monotonic() >= deadline:
                return None
            await asyncio.sleep(POLL_INTERVAL)

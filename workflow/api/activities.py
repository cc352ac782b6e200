"""Activity tasks waiting for a worker, handed out by GetActivityTask.

``ActivityQueue`` (embedded server): in memory, the tasks of executions running in this
process. ``RedisActivityQueue`` (Celery runner): the durable Redis list per activity ARN the
workers fill (``workers/activities.py``), so any server process can hand out any task.
Either way a long poll waits on the event loop, never on a worker thread, so a thousand idle
pollers cost nothing but a timer (or a Redis BLPOP) each."""
from __future__ import annotations

import asyncio
import json
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Any, Awaitable, Callable

POLL_INTERVAL = 0.02
Usable = Callable[["ActivityTask"], Awaitable[bool]]


@dataclass(frozen=True)
class ActivityTask:
    activity_arn: str
    task_token: str
    input: str                          # the task's input as JSON text
    execution_arn: str
    run_id: str = ""
    task_id: str = ""


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
                   usable: Usable) -> ActivityTask | None:
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


class RedisActivityQueue:
    """The Celery runner's activity lists. The asyncio client is made on first use, inside
    the server's event loop."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._client: Any = None

    def _async(self) -> Any:
        if self._client is None:
            import redis.asyncio
            self._client = redis.asyncio.Redis.from_url(self.url, decode_responses=True)
        return self._client

    def forget(self, activity_arn: str) -> None:
        from workers import keys
        from workers.runtime import connect
        connect(self.url).delete(keys.activity(activity_arn))

    async def poll(self, activity_arn: str, seconds: float,
                   usable: Usable) -> ActivityTask | None:
        """BLPOP with the poll's remaining time; an entry another poller claimed (a
        duplicate dispatch) or no longer usable is dropped."""
        from workers import keys
        client, key = self._async(), keys.activity(activity_arn)
        deadline = time.monotonic() + seconds
        while True:
            left = deadline - time.monotonic()
            if left > 0:
                popped = await client.blpop([key], timeout=max(left, 0.01))
                text = popped[1] if popped else None
            else:
                text = await client.lpop(key)
            if text is None:
                return None
            task = await self._claimed(text)
            if task is not None and await usable(task):
                return task

    async def _claimed(self, text: str) -> ActivityTask | None:
        from workers.activities import CLAIM_TTL_SECONDS, claim_key
        data = json.loads(text)
        if not await self._async().set(claim_key(data["token"]), "1", nx=True,
                                       ex=CLAIM_TTL_SECONDS):
            return None
        return ActivityTask(data["activity"], data["token"], data["input"],
                            data["execution"], data["run"], data["task"])

"""The Celery app of the distributed runner: ``celery -A workers.app worker``.

Two queues: ``sfn.transitions`` (advancing runs: short, CPU + store) and ``sfn.functions``
(invoking Task functions: may run long). Run them on separate workers in production:

    celery -A workers.app worker -Q sfn.transitions
    celery -A workers.app worker -Q sfn.functions --prefetch-multiplier 1

Messages are JSON only; tasks are acknowledged after they ran (``acks_late``) and given back
if the worker dies, so every task body is idempotent.
"""
from __future__ import annotations

import logging
import sqlite3
import time
import uuid
from typing import Any, Callable

import redis
from celery.exceptions import Reject

from workers.config import ADVANCE_TASK, INVOKE_TASK, Settings, make_app

# Redis restarting or loading its AOF, SQLite busy: the same body is run again (every body is
# idempotent), then the message goes back to the queue. Any other exception is a bug.
TRANSIENT = (redis.ConnectionError, redis.TimeoutError, sqlite3.OperationalError)
TRANSIENT_TRIES = 8
log = logging.getLogger("sfn.worker")

settings = Settings.from_env()
app = make_app(settings)
app.set_current()


def _runtime() -> Any:
    from workers.runtime import runtime
    return runtime(app)


def _busy(task: Any) -> Any:
    from workers.clock import busy
    rt = _runtime()
    return busy(rt.redis, task.request.id or uuid.uuid4().hex, rt.settings.virtual)


def _resilient(body: Callable[[], None]) -> None:
    for attempt in range(TRANSIENT_TRIES):
        try:
            return body()
        except TRANSIENT as exc:
            log.warning("transient failure (%s: %s); trying again", type(exc).__name__, exc)
            time.sleep(min(0.1 * 2 ** attempt, 5.0))
    try:
        body()
    except TRANSIENT as exc:
        raise Reject(exc, requeue=True) from exc


@app.task(name=ADVANCE_TASK, bind=True, max_retries=None)
def advance_task(self: Any, arn: str, run_id: str, message: dict[str, Any],
                 guard: dict[str, Any] | None = None) -> None:
    from workers.advance import Contended, Delivery, deliver
    with _busy(self):
        try:
            _resilient(lambda: deliver(_runtime(), Delivery(arn, run_id, message, guard)))
        except Contended as exc:
            raise self.retry(exc=exc, countdown=0.05)


@app.task(name=INVOKE_TASK, bind=True)
def invoke_task(self: Any, arn: str, command: dict[str, Any]) -> None:
    from workers.functions import run_task
    with _busy(self):
        _resilient(lambda: run_task(_runtime(), arn, command))


@app.task(name="sfn.noop", ignore_result=False)
def noop() -> None:
    """A bare round trip, for benchmarks and health checks."""

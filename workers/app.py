"""The Celery app of the distributed runner: ``celery -A workers.app worker``.

Two queues: ``sfn.transitions`` (advancing runs: short, CPU + store) and ``sfn.functions``
(invoking Task functions: may run long). Run them on separate workers in production:

    celery -A workers.app worker -Q sfn.transitions
    celery -A workers.app worker -Q sfn.functions --prefetch-multiplier 1

Messages are JSON only; tasks are acknowledged after they ran (``acks_late``) and given back
if the worker dies, so every task body is idempotent.
"""
from __future__ import annotations

import uuid
from typing import Any

from workers.config import ADVANCE_TASK, INVOKE_TASK, Settings, make_app

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


@app.task(name=ADVANCE_TASK, bind=True, max_retries=None)
def advance_task(self: Any, arn: str, run_id: str, message: dict[str, Any],
                 guard: dict[str, Any] | None = None) -> None:
    from workers.advance import Contended, Delivery, deliver
    with _busy(self):
        try:
            deliver(_runtime(), Delivery(arn, run_id, message, guard))
        except Contended as exc:
            raise self.retry(exc=exc, countdown=0.05)


@app.task(name=INVOKE_TASK, bind=True)
def invoke_task(self: Any, arn: str, command: dict[str, Any]) -> None:
    from workers.functions import run_task
    with _busy(self):
        run_task(_runtime(), arn, command)


@app.task(name="sfn.noop", ignore_result=False)
def noop() -> None:
    """A bare round trip, for benchmarks and health checks."""

"""Where both runners keep each function invocation's log lines: the execution store
(``Store.put_invocation_log``), read back by `sfn logs` and the dashboard's state panel.

The task handler (``workflow.runner.tasks``) reports every invocation it makes; the sink that
``keeping_logs`` installed around the call receives it. A context variable carries the sink
because one handler serves many executions (the server's engine builds it once), while the
sink belongs to one execution. The embedded runner installs a store sink for STANDARD
executions with a store (EXPRESS ones keep no logs, as they keep no history); the Celery
function workers install one around every Task they run.
"""
from __future__ import annotations

import logging
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from workflow.interpreter import protocol as p
from workflow.runner.embedded import TaskHandler

if TYPE_CHECKING:
    from workflow.functions import InvocationResult
    from workflow.store import Store

log = logging.getLogger("sfn.runner")


@dataclass(frozen=True)
class Invocation:
    """One function invocation made for a Task command."""
    command: p.InvokeTask
    result: "InvocationResult"
    started: float                       # epoch seconds (wall clock)
    error: str | None = None             # the Task's error when the invocation failed it


InvocationSink = Callable[[Invocation], None]
_SINK: ContextVar[InvocationSink | None] = ContextVar("sfn_invocation_sink", default=None)


def keeping_logs(tasks: TaskHandler, sink: InvocationSink) -> TaskHandler:
    """``tasks``, with the invocations it makes reported to ``sink``."""
    def handle(command: p.InvokeTask) -> p.TaskSucceeded | p.TaskFailed | None:
        token = _SINK.set(sink)
        try:
            return tasks(command)
        finally:
            _SINK.reset(token)
    return handle


def report(invocation: Invocation) -> None:
    """Hand ``invocation`` to the current sink, if any; keeping logs never fails a Task."""
    sink = _SINK.get()
    if sink is None:
        return
    try:
        sink(invocation)
    except Exception:
        log.warning("could not keep the log lines of %s (%s)", invocation.command.state,
                    invocation.result.request_id, exc_info=True)


def store_sink(store: "Store", execution_arn: str) -> InvocationSink:
    """A sink writing each invocation's log lines to ``store`` under ``execution_arn``."""
    def keep(invocation: Invocation) -> None:
        command, result = invocation.command, invocation.result
        store.put_invocation_log(
            execution_arn, run_id=command.run_id, state=command.state,
            task_id=command.task_id, attempt=command.retry_count + 1,
            request_id=result.request_id, lines=list(result.logs),
            timestamp=invocation.started, duration_ms=result.duration_ms,
            error=invocation.error)
    return keep

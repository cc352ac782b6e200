"""A Task state's work on whichever worker takes it from ``sfn.functions``: invoke the
function through the one ``Invoker`` interface, keep its log lines with the attempt, then apply
the outcome to the run right here (no second trip through the broker)."""
from __future__ import annotations

import json
import logging
import time
from typing import Any

from workflow.functions import InvocationRequest, InvocationResult
from workflow.interpreter import protocol as p
from workflow.runner.tasks import routed, task_handler, with_origin
from workers import keys
from workers.advance import Contended, Delivery, deliver
from workers.runtime import Runtime

LOG_TTL_SECONDS = 90 * 24 * 3600
log = logging.getLogger("sfn.functions")


class _Recording:
    """An Invoker that remembers the results it passed on (their logs, request ids)."""

    def __init__(self, invoker: Any) -> None:
        self.invoker = invoker
        self.results: list[InvocationResult] = []

    def invoke(self, request: InvocationRequest) -> InvocationResult:
        result = self.invoker.invoke(request)
        self.results.append(result)
        return result


def run_task(rt: Runtime, arn: str, message: dict[str, Any]) -> None:
    context = rt.execution(arn)
    command = p.from_message(message)
    assert isinstance(command, p.InvokeTask)
    if context is None:
        log.warning("dropping an invocation for unknown execution %s", arn)
        return
    recording = _Recording(routed(rt.invoker(context.functions)))
    started = time.time()
    try:
        outcome = with_origin(task_handler(recording), arn)(command)
    except Exception as exc:   # a bug in a handler adapter must still end the task
        outcome = p.TaskFailed(command.task_id, "States.Runtime", f"{type(exc).__name__}: {exc}")
    save_logs(rt, arn, command, recording.results, started)
    if outcome is None:
        return                      # parked: the token was published when the task was dispatched
    delivery = Delivery(arn, command.run_id, p.to_message(outcome))
    try:
        deliver(rt, delivery)
    except Contended:
        rt.publish(arn, command.run_id, delivery.message)


def save_logs(rt: Runtime, arn: str, command: p.InvokeTask, results: list[InvocationResult],
              started: float) -> None:
    if not results:
        return
    result = results[-1]
    entry = {"taskId": command.task_id, "run": command.run_id, "state": command.state,
             "attempt": command.retry_count + 1, "requestId": result.request_id,
             "started": started, "durationMs": result.duration_ms,
             "error": result.function_error or (result.service_error.error
                                                if result.service_error else None),
             "logs": list(result.logs)}
    pipe = rt.redis.pipeline(transaction=False)
    pipe.zadd(keys.logs_index(arn), {command.task_id: started}, nx=True)
    pipe.rpush(keys.logs(arn, command.task_id), json.dumps(entry))
    pipe.expire(keys.logs_index(arn), LOG_TTL_SECONDS)
    pipe.expire(keys.logs(arn, command.task_id), LOG_TTL_SECONDS)
    pipe.execute()


def read_logs(client: Any, arn: str) -> list[dict[str, Any]]:
    """Every invocation of every task of the execution, in the order the tasks began."""
    entries = []
    for task_id in client.zrange(keys.logs_index(arn), 0, -1):
        entries.extend(json.loads(item) for item in client.lrange(keys.logs(arn, task_id), 0, -1))
    return entries

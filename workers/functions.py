"""A Task state's work on whichever worker takes it from ``sfn.functions``: invoke the
function through the one ``Invoker`` interface, keep its log lines in the execution store
(``workflow.runner.invocation_logs``, as the embedded runner does), then apply the outcome to
the run right here (no second trip through the broker)."""
from __future__ import annotations

import logging
from typing import Any

from workflow.interpreter import protocol as p
from workflow.runner.invocation_logs import keeping_logs, store_sink
from workflow.runner.tasks import routed, task_handler, with_origin
from workers.advance import Contended, Delivery, deliver
from workers.runtime import Runtime

log = logging.getLogger("sfn.functions")


def run_task(rt: Runtime, arn: str, message: dict[str, Any]) -> None:
    context = rt.execution(arn)
    command = p.from_message(message)
    assert isinstance(command, p.InvokeTask)
    if context is None:
        log.warning("dropping an invocation for unknown execution %s", arn)
        return
    tasks = with_origin(task_handler(routed(rt.invoker(context.functions))), arn)
    try:
        outcome = keeping_logs(tasks, store_sink(rt.store, arn))(command)
    except Exception as exc:   # a bug in a handler adapter must still end the task
        outcome = p.TaskFailed(command.task_id, "States.Runtime", f"{type(exc).__name__}: {exc}")
    if outcome is None:
        return                      # parked: the token was published when the task was dispatched
    delivery = Delivery(arn, command.run_id, p.to_message(outcome))
    try:
        deliver(rt, delivery)
    except Contended:
        rt.publish(arn, command.run_id, delivery.message)

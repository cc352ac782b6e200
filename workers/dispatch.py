"""Carrying out the core's commands across processes. Every handler is idempotent: the outbox
may dispatch a step's commands twice (an invocation twice: the core ignores the second result;
a timer twice: ZADD; children twice: created only if absent, the join opened once)."""
from __future__ import annotations

from typing import Any, Callable

from workflow.interpreter import protocol as p
from workflow.interpreter.containers import TOLERANCE_EXCEEDED
from workflow.interpreter.resources import ACTIVITY, classify
from workers import activities, keys, timers
from workers.joins import Joins, prefix_of
from workers.outbox import StepContext
from workers.runtime import Runtime

DONE_TTL_SECONDS = 3600
TOLERANCE_CAUSE = "The specified tolerated failure threshold was exceeded"


def dispatch(rt: Runtime, arn: str, commands: list[p.Command], context: StepContext) -> None:
    for command in commands:
        _HANDLERS[type(command)](rt, arn, command, context)
    if context.close_join:
        Joins(rt.redis, arn).close(context.close_join)


def _invoke(rt: Runtime, arn: str, command: p.InvokeTask, _: StepContext) -> None:
    if command.task_token:
        # Published before the function runs: it may send the token back itself.
        rt.store.put_task_token(command.task_token, arn, command.run_id, command.task_id)
    if classify(command.resource).family == ACTIVITY:
        _park_activity(rt, arn, command)
    else:
        rt.publish_invoke(arn, command)


def _park_activity(rt: Runtime, arn: str, command: p.InvokeTask) -> None:
    """No function to run: the task waits in its activity's list for GetActivityTask."""
    failed = activities.missing(rt.store, command.resource)
    if failed is not None:
        event = p.TaskFailed(command.task_id, failed.error, failed.cause)
        rt.publish(arn, command.run_id, p.to_message(event))
    else:
        activities.enqueue(rt.redis, arn, command)


def _start_timer(rt: Runtime, arn: str, command: p.StartTimer, _: StepContext) -> None:
    timers.add(rt.redis, arn, command.timer_id, command.run_id, command.due)


def _cancel_timer(rt: Runtime, arn: str, command: p.CancelTimer, _: StepContext) -> None:
    timers.cancel(rt.redis, arn, command.timer_id)


def _start_children(rt: Runtime, arn: str, command: p.StartChildren, _: StepContext) -> None:
    joins = Joins(rt.redis, arn)
    prefix = prefix_of(command.children[0].run_id)[0]
    for index in joins.open(command):
        start_child(rt, arn, f"{prefix}.{index}")


def start_child(rt: Runtime, arn: str, run_id: str) -> None:
    # The input stays in the join's specs; the child's first task creates its run from there.
    rt.publish(arn, run_id, p.to_message(p.Start(None)), {"child": True})


def _cancel_children(rt: Runtime, arn: str, command: p.CancelChildren,
                     context: StepContext) -> None:
    if context.cancel_join:
        stop_children(rt, arn, context.cancel_join,
                      Joins(rt.redis, arn).cancel(context.cancel_join))


def stop_children(rt: Runtime, arn: str, prefix: str, indexes: list[int]) -> None:
    for index in indexes:
        rt.publish(arn, f"{prefix}.{index}", p.to_message(p.Stop(None, None, "ABORTED")),
                   {"child": True})


def _run_finished(rt: Runtime, arn: str, command: p.RunFinished, _: StepContext) -> None:
    if command.run_id == "":
        pipe = rt.redis.pipeline(transaction=False)
        pipe.rpush(keys.done(arn), command.status)
        pipe.expire(keys.done(arn), DONE_TTL_SECONDS)
        pipe.execute()
        return
    failed = command.status != "SUCCEEDED"
    result = {"Error": command.error, "Cause": command.cause} if failed else command.output
    joins = Joins(rt.redis, arn)
    decision, parent = joins.finish(command.run_id, result, failed)
    prefix = prefix_of(command.run_id)[0]
    if decision.startswith("start:"):
        for index in filter(None, decision[len("start:"):].split(",")):
            start_child(rt, arn, f"{prefix}.{index}")
    elif decision == "done":
        done = p.ChildrenDone(results=joins.results(prefix))
        rt.publish(arn, parent, p.to_message(done), {"join": prefix})
    elif decision == "fail":
        stop_children(rt, arn, prefix, joins.active(prefix))
        rt.publish(arn, parent, p.to_message(_failure(joins, prefix, command)),
                   {"join": prefix})


def _failure(joins: Joins, prefix: str, command: p.RunFinished) -> p.ChildrenDone:
    (tolerant,) = joins.meta(prefix, "tolerant")
    if tolerant == "1":
        return p.ChildrenDone(error=TOLERANCE_EXCEEDED, cause=TOLERANCE_CAUSE)
    return p.ChildrenDone(error=command.error or "States.BranchFailed", cause=command.cause or "")


_HANDLERS: dict[type, Callable[[Runtime, str, Any, StepContext], None]] = {
    p.InvokeTask: _invoke, p.StartTimer: _start_timer, p.CancelTimer: _cancel_timer,
    p.StartChildren: _start_children, p.CancelChildren: _cancel_children,
    p.RunFinished: _run_finished,
}

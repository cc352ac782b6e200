"""``sfn task-success|task-failure|task-heartbeat TOKEN`` and ``sfn stop EXECUTION``: reach a
running execution from another process: an embedded one through the store's inbox, a
distributed one (Celery) by enqueueing the event for its workers."""
from __future__ import annotations

from typing import Any

import click

from workflow.cli.executions_cmd import _find
from workflow.cli.options import db_option, json_argument, open_store
from workflow.errors import InputError
from workflow.interpreter import protocol as p


def _post(store: Any, arn: str, run_id: str, event: p.Event) -> None:
    """Enqueue for the Celery workers when they run this execution, else the inbox."""
    from workers.config import distributed_enabled
    if distributed_enabled():
        from workflow.runner.celery_runner import default_runner
        runner = default_runner()
        if runner.is_distributed(arn):
            runner.send(arn, run_id, event)
            return
    store.post_event(arn, run_id, p.to_message(event))


def _deliver(db: str | None, token: str, make: Any, final: bool) -> None:
    with open_store(db) as store:
        target = store.resolve_task_token(token)
        if target is None:
            # AWS: TaskDoesNotExist (or InvalidToken for a malformed one).
            raise InputError("TaskDoesNotExist: no task is waiting for this token")
        arn, run_id, task_id = target
        _post(store, arn, run_id, make(task_id))
        if final:
            store.delete_task_token(token)


@click.command("task-success")
@click.argument("token")
@click.option("--output", "output", required=True, metavar="JSON|@FILE")
@db_option
def task_success(token: str, output: str, db: str | None) -> None:
    """SendTaskSuccess: the waiting task succeeds with OUTPUT."""
    value = json_argument(output, "--output")
    _deliver(db, token, lambda task_id: p.TaskSucceeded(task_id, value), final=True)


@click.command("task-failure")
@click.argument("token")
@click.option("--error", default="", help="Error name (≤ 256 characters).")
@click.option("--cause", default="", help="Cause (≤ 32,768 characters).")
@db_option
def task_failure(token: str, error: str, cause: str, db: str | None) -> None:
    """SendTaskFailure: the waiting task fails with ERROR and CAUSE."""
    if len(error) > 256 or len(cause) > 32_768:
        raise InputError("--error is limited to 256 and --cause to 32,768 characters")
    _deliver(db, token, lambda task_id: p.TaskFailed(task_id, error, cause), final=True)


@click.command("task-heartbeat")
@click.argument("token")
@db_option
def task_heartbeat(token: str, db: str | None) -> None:
    """SendTaskHeartbeat: restart the waiting task's heartbeat clock."""
    _deliver(db, token, lambda task_id: p.TaskHeartbeat(task_id), final=False)


@click.command()
@click.argument("execution")
@click.option("--error", default=None)
@click.option("--cause", default=None)
@db_option
def stop(execution: str, error: str | None, cause: str | None, db: str | None) -> None:
    """StopExecution: abort a running execution (ARN or name)."""
    with open_store(db) as store:
        record = _find(store, execution)
        if record.status != "RUNNING":
            raise InputError(f"execution {record.name!r} is {record.status}, not RUNNING")
        _post(store, record.execution_arn, "", p.Stop(error, cause))

"""``sfn executions list``, ``sfn describe EXECUTION``, ``sfn history EXECUTION``."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

import click

from workflow.cli.options import db_option, open_store
from workflow.errors import InputError

STATUSES = ["RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE"]


def _when(epoch: float | None) -> str:
    if epoch is None:
        return "-"
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]


def _find(store: Any, execution: str) -> Any:
    """By ARN, or by execution name when it is unambiguous."""
    record = store.get_execution(execution)
    if record is not None:
        return record
    page, token = store.list_executions(limit=1000)
    matches = [r for r in page if r.name == execution]
    if len(matches) == 1:
        return store.get_execution(matches[0].execution_arn)
    if len(matches) > 1:
        raise InputError(f"execution name {execution!r} is ambiguous: give its ARN")
    raise InputError(f"no execution {execution!r} in this store")


@click.group()
def executions() -> None:
    """Executions recorded in the store."""


@executions.command("list")
@click.option("--status", type=click.Choice(STATUSES), default=None)
@click.option("--state-machine", "machine_arn", default=None, metavar="ARN")
@click.option("--max", "limit", type=click.IntRange(1, 1000), default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@db_option
def list_(status: str | None, machine_arn: str | None, limit: int, as_json: bool,
          db: str | None) -> None:
    """Newest first."""
    with open_store(db) as store:
        records, _ = store.list_executions(state_machine_arn=machine_arn, status=status,
                                           limit=limit)
    for r in records:
        if as_json:
            click.echo(json.dumps({"executionArn": r.execution_arn, "name": r.name,
                                   "status": r.status, "startDate": r.start_date,
                                   "stopDate": r.stop_date}))
        else:
            click.echo(f"{_when(r.start_date)}  {r.status:<10} {r.name:<38} {r.execution_arn}")


def describe_shape(r: Any) -> dict[str, Any]:
    """DescribeExecution's fields (JSON values decoded, dates as ISO text)."""
    shape: dict[str, Any] = {
        "executionArn": r.execution_arn, "stateMachineArn": r.state_machine_arn,
        "name": r.name, "status": r.status, "type": r.type,
        "startDate": _when(r.start_date), "stopDate": _when(r.stop_date), "input": r.input}
    if r.status == "SUCCEEDED":
        shape["output"] = r.output
    if r.error or r.cause:
        shape["error"], shape["cause"] = r.error, r.cause
    shape["redriveCount"] = r.redrive_count
    return shape


@click.command()
@click.argument("execution")
@db_option
def describe(execution: str, db: str | None) -> None:
    """Show EXECUTION (ARN or name) as DescribeExecution would."""
    with open_store(db) as store:
        record = _find(store, execution)
    click.echo(json.dumps(describe_shape(record), indent=2, ensure_ascii=False))


@click.command()
@click.argument("execution")
@click.option("--json", "as_json", is_flag=True, help="One event per line, as JSON.")
@click.option("--reverse", is_flag=True, help="Newest event first.")
@db_option
def history(execution: str, as_json: bool, reverse: bool, db: str | None) -> None:
    """The event history of EXECUTION (ARN or name), with AWS's event names."""
    with open_store(db) as store:
        record = _find(store, execution)
        events = store.history(record.execution_arn, limit=25_000, reverse=reverse)
    for event in events:
        if as_json:
            click.echo(json.dumps(event, ensure_ascii=False))
        else:
            click.echo(_event_line(event))


def _event_line(event: dict[str, Any]) -> str:
    details = {k: v for k, v in event.items()
               if k not in ("id", "previousEventId", "timestamp", "type", "run")}
    text = json.dumps(details, ensure_ascii=False) if details else ""
    if len(text) > 120:
        text = text[:117] + "..."
    return f"{event['id']:>5} {_when(event['timestamp'])} {event['type']:<28} {text}"

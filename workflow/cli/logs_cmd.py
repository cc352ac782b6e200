"""``sfn logs EXECUTION``: the log lines of every function invocation of an execution, per
state and attempt, as the runner kept them in the store (``Store.invocation_logs``): STANDARD
executions of the embedded runner (`sfn run --db`, `sfn server`) and every execution on the
Celery workers."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

import click

from workflow.cli.options import db_option, open_store


@click.command()
@click.argument("execution")
@click.option("--state", default=None, help="Only the invocations of this state.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per invocation.")
@db_option
def logs(execution: str, state: str | None, as_json: bool, db: str | None) -> None:
    """Print the function logs of EXECUTION (ARN or name), grouped by state and attempt."""
    from workflow.cli.executions_cmd import _find

    with open_store(db) as store:
        record = _find(store, execution)
        entries = store.invocation_logs(record.execution_arn, state)
    if not entries and not as_json:
        kept = "EXPRESS executions of the embedded runner keep none" \
            if record.type == "EXPRESS" else "no function ran, or none is recorded yet"
        click.echo(f"no function log lines kept for this execution ({kept})", err=True)
    for entry in entries:
        if as_json:
            click.echo(json.dumps(entry, ensure_ascii=False))
            continue
        click.echo(_heading(entry))
        for line in entry["lines"]:
            click.echo(f"   {line}")


def _heading(entry: dict[str, Any]) -> str:
    """``== STATE attempt N (run R) HH:MM:SS.mmm D ms ERROR``"""
    when = datetime.fromtimestamp(entry["timestamp"], timezone.utc).strftime("%H:%M:%S.%f")
    where = f" (run {entry['run_id']})" if entry["run_id"] else ""
    took = f" {entry['duration_ms']:.0f} ms" if entry.get("duration_ms") is not None else ""
    status = f" {entry['error']}" if entry.get("error") else ""
    return f"== {entry['state']} attempt {entry['attempt']}{where} {when[:-3]}{took}{status}"

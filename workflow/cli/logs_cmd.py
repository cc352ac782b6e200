"""``sfn logs EXECUTION``: the log lines of every function invocation of a distributed
execution, per state and attempt."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import click

from workflow.cli.options import db_option, open_store


@click.command()
@click.argument("execution")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per invocation.")
@db_option
def logs(execution: str, as_json: bool, db: str | None) -> None:
    """Print the function logs of EXECUTION (ARN or name), grouped by state and attempt."""
    from workflow.cli.executions_cmd import _find
    from workers.functions import read_logs
    from workers.runtime import Runtime
    from workers.config import Settings

    with open_store(db) as store:
        arn = _find(store, execution).execution_arn
    rt = Runtime(Settings.from_env())
    for entry in read_logs(rt.redis, arn):
        if as_json:
            click.echo(json.dumps(entry, ensure_ascii=False))
            continue
        when = datetime.fromtimestamp(entry["started"], timezone.utc).strftime("%H:%M:%S.%f")[:-3]
        status = f" {entry['error']}" if entry.get("error") else ""
        where = f" (run {entry['run']})" if entry["run"] else ""
        click.echo(f"== {entry['state']} attempt {entry['attempt']}{where} {when} "
                   f"{entry['durationMs']:.0f} ms{status}")
        for line in entry["logs"]:
            click.echo(f"   {line}")

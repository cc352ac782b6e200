"""``sfn functions logs NAME [--follow]``, ``sfn functions logs --execution EXEC`` and
``sfn functions stats NAME``: what the service recorded per invocation."""
from __future__ import annotations

import json
import time
from typing import Any

import click

from workflow.cli.functions_cmd import _Opened, echo, functions, store_option
from workflow.errors import InputError

FOLLOW_PAUSE_S = 0.5


@functions.command("logs")
@click.argument("name", required=False)
@click.option("--execution", default=None, metavar="EXEC",
              help="Instead: every invocation an execution (ARN) made, per state.")
@click.option("--follow", "-f", is_flag=True, help="Keep printing new invocations' logs.")
@click.option("--limit", type=int, default=20, show_default=True,
              help="How many of the latest invocations to print first.")
@click.option("--json", "as_json", is_flag=True, help="One JSON record per invocation.")
@store_option
def logs(name: str | None, execution: str | None, follow: bool, limit: int, as_json: bool,
         store_url: str | None) -> None:
    """Each invocation's log as Lambda frames it (START, the function's lines, END, REPORT)."""
    if (name is None) == (execution is None):
        raise InputError("give a function NAME or --execution EXEC")
    with _Opened(store_url) as registry:
        store = registry.store
        if execution is not None:
            for record in store.execution_invocations(execution):
                _show(record, as_json, header=f"== {record.state} -> {record.function}:"
                      f"{record.version}")
            return
        registry.latest(name)
        last = _print(store.invocations(name, 0, limit), as_json)
        while follow:
            time.sleep(FOLLOW_PAUSE_S)
            last = _print(store.invocations(name, last), as_json) or last


def _print(records: list[Any], as_json: bool) -> int:
    for record in records:
        _show(record, as_json)
    return records[-1].seq if records else 0


def _show(record: Any, as_json: bool, header: str | None = None) -> None:
    if as_json:
        click.echo(json.dumps(record.to_json(), ensure_ascii=False))
        return
    if header:
        click.echo(header)
    if record.throttled:
        click.echo(f"THROTTLED RequestId: {record.request_id} ({record.error_type})")
        return
    click.echo(record.log, nl=not record.log.endswith("\n"))


@functions.command("stats")
@click.argument("name")
@store_option
def stats(name: str, store_url: str | None) -> None:
    """Invocations, errors, throttles, duration p50/p99 and GB-seconds of a function."""
    from workflow.functions.service.metering import function_stats
    with _Opened(store_url) as registry:
        registry.latest(name)
        echo(function_stats(registry.store, name))

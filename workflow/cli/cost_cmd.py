"""``sfn cost EXECUTION``: what an execution would cost on AWS at list prices (state
transitions or Express requests, plus its function requests and GB-seconds)."""
from __future__ import annotations

import json

import click

from workflow.cli.functions_cmd import store_option
from workflow.cli.options import db_option


@click.command()
@click.argument("execution")
@click.option("--json", "as_json", is_flag=True, help="The breakdown as one JSON object.")
@click.option("--prices", default=None, metavar="JSON|@FILE", envvar="SFN_PRICES",
              help="Override list prices, e.g. '{\"lambda_per_gb_second\": 0.0000133334}' "
                   "(env SFN_PRICES). Defaults: us-east-1, see `sfn functions` in the README.")
@db_option
@store_option
def cost(execution: str, as_json: bool, prices: str | None, db: str | None,
         store_url: str | None) -> None:
    """What EXECUTION (ARN or name) would cost on AWS at list prices."""
    from workflow.cli.executions_cmd import _find
    from workflow.cli.options import open_store
    from workflow.functions.service import metering, open_function_store
    with open_store(db) as store:
        record = _find(store, execution)
        events = list(metering.history_events(store, record.execution_arn))
    with open_function_store(store_url) as functions:
        invocations = functions.execution_invocations(record.execution_arn)
    bill = metering.execution_cost(record, events, invocations, metering.prices(prices))
    click.echo(json.dumps(bill, indent=2) if as_json else metering.format_bill(bill))

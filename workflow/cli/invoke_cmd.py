"""``sfn invoke NAME[:QUALIFIER]``: one synchronous (or Event / DryRun) invocation of a
registered function, answered as Lambda's Invoke answers: StatusCode, ExecutedVersion,
FunctionError, LogResult (with --log-type Tail) and the Payload."""
from __future__ import annotations

import base64
import json
from typing import Any

import click

from workflow.cli.functions_cmd import store_option
from workflow.cli.options import json_argument

EXIT_OK, EXIT_FUNCTION_ERROR = 0, 1


@click.command()
@click.argument("name", metavar="NAME[:QUALIFIER]")
@click.option("--payload", default="{}", metavar="JSON|@FILE", help="The event (default {}).")
@click.option("--qualifier", default=None, help="Version or alias (or give NAME:QUALIFIER).")
@click.option("--log-type", type=click.Choice(["None", "Tail"]), default="None",
              help="Tail: also return the last 4 KB of the log (printed to stderr).")
@click.option("--invocation-type", type=click.Choice(["RequestResponse", "Event", "DryRun"]),
              default="RequestResponse", show_default=True)
@store_option
def invoke(name: str, payload: str, qualifier: str | None, log_type: str, invocation_type: str,
           store_url: str | None) -> None:
    """Invoke a function registered with `sfn functions create` and print Lambda's answer.

    Exit status: 0 success, 1 function error (FunctionError set) or service error.
    """
    from workflow.functions.invoke import InvocationRequest
    from workflow.functions.service import (FunctionServiceError, ServiceInvoker,
                                            open_function_store)
    event = json_argument(payload, "--payload")
    with open_function_store(store_url) as store:
        invoker = ServiceInvoker(store)
        try:
            result = invoker.invoke(InvocationRequest(name, event, qualifier, invocation_type,
                                                      log_type=log_type))
        finally:
            invoker.close()
    if result.service_error is not None:
        error = result.service_error
        raise FunctionServiceError(error.error, error.message, error.status_code)
    if result.log_result:
        click.echo(base64.b64decode(result.log_result).decode("utf-8", "replace"), err=True,
                   nl=False)
    click.echo(json.dumps(shape(result), indent=2, ensure_ascii=False))
    raise SystemExit(EXIT_FUNCTION_ERROR if result.function_error else EXIT_OK)


def shape(result: Any) -> dict[str, Any]:
    shown: dict[str, Any] = {"StatusCode": result.status_code}
    if result.executed_version and result.status_code == 200:
        shown["ExecutedVersion"] = result.executed_version
    if result.function_error:
        shown["FunctionError"] = result.function_error
    if result.log_result:
        shown["LogResult"] = result.log_result
    if result.status_code == 200:
        shown["Payload"] = result.payload
    return shown


"""``sfn run DEFINITION``: one execution on the embedded runner, or on the Celery workers
when SFN_BROKER_URL is set."""
from __future__ import annotations

import json
from typing import Any

import click

from workflow.cli.options import build_registry, db_option, json_argument, open_store
from workflow.errors import DefinitionError

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


@click.command()
@click.argument("definition", type=click.Path(dir_okay=False))
@click.option("--input", "input_", default="{}", metavar="JSON|@FILE",
              help="Execution input: a JSON text or @file (default {}).")
@click.option("--name", default=None, help="Execution name (default: a new UUID).")
@click.option("--type", "type_", type=click.Choice(["STANDARD", "EXPRESS"]),
              default="STANDARD", show_default=True)
@click.option("--function", "functions", multiple=True, metavar="NAME=FILE.py:HANDLER",
              help="Register a Python function Task states can call (repeatable).")
@click.option("--functions", "function_files", multiple=True, metavar="FILE.py",
              help="Register every public top-level function of FILE.py under its own name.")
@click.option("--json", "as_json", is_flag=True,
              help='Print one line: {"status", "output", "error", "cause", "executionArn"}.')
@db_option
def run(definition: str, input_: str, name: str | None, type_: str,
        functions: tuple[str, ...], function_files: tuple[str, ...], as_json: bool,
        db: str | None) -> None:
    """Run DEFINITION (JSON or YAML) to its end and print its output.

    Exit status: 0 SUCCEEDED, 1 FAILED / TIMED_OUT / ABORTED, 2 invalid definition or bad
    arguments. STANDARD executions are recorded, transition by transition, in the --db file.
    """
    import workflow

    data = json_argument(input_, "--input")
    try:
        machine = workflow.load(definition)
    except DefinitionError as exc:
        for diag in exc.diagnostics:
            click.echo(diag.format(definition), err=True)
        raise SystemExit(EXIT_USAGE) from None
    registry = build_registry(functions, function_files)
    for fn in registry.names():
        problem = registry.check(fn)
        if problem:
            click.echo(f"sfn: error: function {fn!r}: {problem}", err=True)
    execution = _execute(machine, data, name, type_, registry, db)
    _report(execution, as_json)
    raise SystemExit(EXIT_OK if execution.succeeded else EXIT_FAILED)


def _execute(machine: Any, data: Any, name: str | None, type_: str, registry: Any,
             db: str | None) -> Any:
    from workers.config import distributed_enabled
    if distributed_enabled():       # SFN_BROKER_URL: on the Celery workers
        from workflow.runner.celery_runner import default_runner
        runner = default_runner()
        return runner.wait(runner.start(machine, data, name=name, type_=type_,
                                        functions=registry))
    from workflow.runner import start_execution
    from workflow.runner.tasks import local_task_handler
    with open_store(db) as store:
        return start_execution(machine, data, tasks=local_task_handler(registry), name=name,
                               type_=type_, store=store)


def _report(execution: Any, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(execution.summary(), ensure_ascii=False))
        return
    if execution.succeeded:
        click.echo(json.dumps(execution.output, indent=2, ensure_ascii=False))
        return
    click.echo(f"{execution.status}: {execution.error or '(no error name)'}", err=True)
    if execution.cause:
        click.echo(f"cause: {execution.cause}", err=True)
    click.echo(f"execution: {execution.execution_arn}", err=True)

"""The ``sfn`` command line. Every failure is one line on stderr and an exit code; never a
traceback (set SFN_DEBUG=1 to see one for an internal error)."""
from __future__ import annotations

import os
import sys
from typing import Any

import click

from workflow.errors import SfnError

EXIT_INTERNAL = 70


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="sfn", prog_name="sfn")
def cli() -> None:
    """Run AWS Step Functions state machines anywhere."""


def _register() -> None:
    from workflow.cli import (control_cmd, executions_cmd, logs_cmd, run_cmd, server_cmd,
                              timers_cmd, validate_cmd)
    cli.add_command(validate_cmd.validate)
    cli.add_command(run_cmd.run)
    cli.add_command(executions_cmd.executions)
    cli.add_command(executions_cmd.describe)
    cli.add_command(executions_cmd.history)
    cli.add_command(logs_cmd.logs)
    cli.add_command(timers_cmd.timers)
    from workflow.cli import (cost_cmd, functions_cmd, functions_logs_cmd,  # noqa: F401
                              functions_versions_cmd, invoke_cmd)
    cli.add_command(functions_cmd.functions)     # functions_*_cmd add to the group
    cli.add_command(invoke_cmd.invoke)
    cli.add_command(cost_cmd.cost)
    cli.add_command(server_cmd.server)
    for command in (control_cmd.task_success, control_cmd.task_failure,
                    control_cmd.task_heartbeat, control_cmd.stop):
        cli.add_command(command)
    from visualizer import cli as visualizer_cli
    cli.add_command(visualizer_cli.render)
    cli.add_command(visualizer_cli.watch)


_register()


def main(argv: list[str] | None = None) -> Any:
    try:
        return cli.main(args=argv, prog_name="sfn", standalone_mode=True)
    except SfnError as exc:
        click.echo(f"sfn: error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("sfn: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # a bug of ours; still one line unless asked for more
        if os.environ.get("SFN_DEBUG"):
            raise
        click.echo(f"sfn: internal error: {type(exc).__name__}: {exc} "
                   "(set SFN_DEBUG=1 for a traceback)", err=True)
        sys.exit(EXIT_INTERNAL)

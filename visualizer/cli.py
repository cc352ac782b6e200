"""``sfn render`` and ``sfn watch``: the visualizer's commands. The store is the one every
other command uses (``--db`` / SFN_DB, or the distributed runner's store when SFN_STORE_URL /
SFN_BROKER_URL is set), so both work for embedded and Celery executions alike.

This module is the click layer only, registered by ``workflow.cli`` (import it through
``workflow.cli``, which it builds on); the logic is in ``visualizer.follow``."""
from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import click

from visualizer.follow import (Tracker, find_execution, load_definition, read_history,
                               stored_machine)
from workflow.cli.options import db_option, open_store
from workflow.errors import InputError

PIPED_WIDTH = 160
EXIT_OK, EXIT_FAILED = 0, 1


@click.command()
@click.argument("definition", required=False, metavar="DEFINITION|STATE_MACHINE")
@click.option("--execution", default=None, metavar="ARN",
              help="Colour the states by this execution's history (ARN or name).")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="FILE.svg, FILE.png or FILE.dot.")
@db_option
def render(definition: str | None, execution: str | None, output: str,
           db: str | None) -> None:
    """Draw a state machine (a definition file, or a state machine ARN or name in the store),
    optionally overlaid with an execution; the format follows the output's suffix. Without
    DEFINITION, --execution draws the definition that execution ran."""
    from visualizer import dot, model
    fmt = Path(output).suffix.lstrip(".").lower()
    if fmt not in dot.FORMATS:
        raise InputError(f"-o {output}: the file name must end in .svg, .png or .dot")
    if definition is None and execution is None:
        raise InputError("give a DEFINITION file or state machine, or --execution ARN")
    machine, view = _machine_and_view(definition, execution, db)
    diagram = model.build(machine, view)
    data = dot.render(dot.to_dot(diagram), fmt)
    try:
        Path(output).write_bytes(data)
    except OSError as exc:
        raise InputError(f"-o {output}: cannot write: {exc.strerror or exc}") from None
    click.echo(f"{output}: {len(diagram.nodes) - 1} states"
               + (f", execution {view.status.style.label.lower()}" if view else ""))


def _machine_and_view(definition: str | None, execution: str | None,
                      db: str | None) -> tuple[Any, Any]:
    from visualizer.status import derive, with_record
    if definition is not None and Path(definition).is_file():
        machine = load_definition(definition, definition)
        if execution is None:
            return machine, None
    with open_store(db) as store:
        if definition is not None and not Path(definition).is_file():
            machine = stored_machine(store, definition)
        if execution is None:
            return machine, None
        record = find_execution(store, execution)
        if definition is None:
            machine = load_definition(json.loads(record.definition), record.name)
        events = read_history(store, record.execution_arn)
    return machine, with_record(derive(events, machine), record)


@click.command()
@click.argument("execution")
@click.option("--once", is_flag=True, help="Print one frame and exit.")
@click.option("--interval", type=click.FloatRange(0.05, 60), default=0.5, show_default=True,
              help="Seconds between two polls of the store.")
@db_option
def watch(execution: str, once: bool, interval: float, db: str | None) -> None:
    """Follow EXECUTION (ARN or name) live: each state's status, the current state, elapsed
    time, the latest events and, at the end, the output or the error. Exit status: 0 when it
    succeeded (or with --once while it runs), 1 when it failed, timed out or was aborted."""
    from rich.console import Console
    from rich.live import Live

    from visualizer.terminal import frame
    console = Console()
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console = Console(width=PIPED_WIDTH)      # a log or a file: wrap less than at 80
    with open_store(db) as store:
        tracker = Tracker(store, execution)
        diagram = tracker.poll()
        if once or tracker.finished:
            console.print(frame(diagram, tracker.record, tracker.events))
        else:
            with Live(frame(diagram, tracker.record, tracker.events), console=console,
                      auto_refresh=False) as live:
                while not tracker.finished:
                    time.sleep(interval)
                    diagram = tracker.poll()
                    live.update(frame(diagram, tracker.record, tracker.events), refresh=True)
    failed = tracker.record.status not in ("RUNNING", "SUCCEEDED")
    raise SystemExit(EXIT_FAILED if failed else EXIT_OK)

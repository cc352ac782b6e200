"""``sfn render`` and ``sfn watch``: the visualizer's commands. The store is the one every
other command uses (``--db`` / SFN_DB, or the distributed runner's store when SFN_STORE_URL /
SFN_BROKER_URL is set), so both work for embedded and Celery executions alike."""
from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import click

from workflow.cli.options import db_option, open_store
from workflow.errors import DefinitionError, InputError

HISTORY_PAGE = 1000
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
    from visualizer.status import derive
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
    return machine, derive(events, machine)


def load_definition(source: Any, where: str) -> Any:
    import workflow
    try:
        return workflow.load(source)
    except DefinitionError as exc:
        raise InputError(f"{where}: invalid definition: {exc}") from None


def stored_machine(store: Any, name: str) -> Any:
    """A state machine of the store, by ARN or by name."""
    record = store.get_state_machine(name)
    if record is None:
        matches = [r for r in store.list_state_machines() if r.name == name]
        record = matches[0] if len(matches) == 1 else None
    if record is None:
        raise InputError(f"{name}: no such file, and no state machine of that ARN or name "
                         "in the store")
    return load_definition(json.loads(record.definition), record.name)


def find_execution(store: Any, execution: str) -> Any:
    from workflow.cli.executions_cmd import _find
    return _find(store, execution)


def read_history(store: Any, arn: str, after_id: int = 0) -> list[dict[str, Any]]:
    """Every event after ``after_id``, page by page."""
    events: list[dict[str, Any]] = []
    while True:
        page = store.history(arn, after_id=after_id, limit=HISTORY_PAGE)
        events.extend(page)
        if len(page) < HISTORY_PAGE:
            return events
        after_id = page[-1]["id"]


class Tracker:
    """Follows one execution in the store: new events since the last poll, the record, the
    machine it runs, and the Diagram of all of it."""

    def __init__(self, store: Any, execution: str) -> None:
        self.store = store
        self.record = find_execution(store, execution)
        self.machine = load_definition(json.loads(self.record.definition), self.record.name)
        self.events: list[dict[str, Any]] = []

    def poll(self) -> Any:
        from visualizer import model
        from visualizer.status import derive
        after = self.events[-1]["id"] if self.events else 0
        self.events += read_history(self.store, self.record.execution_arn, after)
        self.record = self.store.get_execution(self.record.execution_arn) or self.record
        running = self.record.status == "RUNNING"
        now = max(time.time(), self.events[-1]["timestamp"]) if running and self.events else None
        return model.build(self.machine, derive(self.events, self.machine, now))

    @property
    def finished(self) -> bool:
        return bool(self.record.status != "RUNNING")


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

"""``sfn validate FILE...``"""
from __future__ import annotations

import json

import click

from workflow.diagnostics import Diagnostic, aws_result, best_match
from workflow.errors import SourceError
from workflow.source import read_source
from workflow.validation.pipeline import validate_source


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=True))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="json prints AWS's ValidateStateMachineDefinition shape.")
def validate(files: tuple[str, ...], fmt: str) -> None:
    """Validate ASL definitions (JSON or YAML) and report every finding with its location.

    Exit status: 0 all valid (warnings allowed), 1 some invalid, 2 a file could not be read.
    """
    status = 0
    for name in files:
        try:
            found = validate_source(read_source(name))
        except SourceError as exc:
            click.echo(f"{exc}", err=True)
            status = 2
            continue
        invalid = any(d.is_error for d in found)
        if invalid and status == 0:
            status = 1
        _report_json(name, found, len(files) > 1) if fmt == "json" else _report_text(name, found)
    raise SystemExit(status)


def _report_text(name: str, found: list[Diagnostic]) -> None:
    for diag in found:
        click.echo(diag.format(name))
    errors = sum(d.is_error for d in found)
    warnings = len(found) - errors
    counts = f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
    if errors:
        head = best_match([d for d in found if d.is_error])
        assert head is not None
        where = f" (at {head.location})" if head.location else ""
        click.echo(f"{name}: INVALID ({counts}); best match: {head.code} {head.message}{where}")
    else:
        click.echo(f"{name}: valid ({counts})")


def _report_json(name: str, found: list[Diagnostic], many: bool) -> None:
    shape = aws_result(found)
    if many:
        shape = {"file": name, **shape}
    click.echo(json.dumps(shape, ensure_ascii=False))

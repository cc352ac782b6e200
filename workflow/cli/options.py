"""Shared CLI plumbing: the store location, JSON arguments, function registration."""
from __future__ import annotations

import ast
import json
import os
from pathlib import Path
from typing import Any

import click

from workflow.errors import InputError

DEFAULT_DB = os.path.join(".sfn", "sfn.db")

db_option = click.option(
    "--db", "db", default=None, metavar="PATH", envvar="SFN_DB",
    help=f"SQLite file holding executions (env SFN_DB; default {DEFAULT_DB}).")


def open_store(db: str | None) -> Any:
    """``--db`` if given; else the distributed runner's store when one is configured
    (SFN_STORE_URL or SFN_BROKER_URL); else the default SQLite file."""
    if db is None and (os.environ.get("SFN_STORE_URL") or os.environ.get("SFN_BROKER_URL")):
        from workers.config import Settings
        from workers.config import open_store as open_url
        return open_url(Settings.from_env().store_url)
    from workflow.store.sqlite import SqliteStore
    return SqliteStore(db or DEFAULT_DB)


def json_argument(text: str, what: str) -> Any:
    """A JSON text, or ``@file`` holding one; bad input is one clear line (exit 2)."""
    source = what
    if text.startswith("@"):
        path = Path(text[1:])
        source = f"{what} file {path}"
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise InputError(f"{source}: no such file") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"{source}: cannot read: {exc}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{source} is not valid JSON: {exc.msg} at line {exc.lineno} "
                         f"column {exc.colno}") from None


def public_functions(path: str) -> list[str]:
    """Top-level ``def`` names of a Python file, read without importing it."""
    try:
        tree = ast.parse(Path(path).read_text(encoding="utf-8"), filename=path)
    except FileNotFoundError:
        raise InputError(f"--functions {path}: no such file") from None
    except (OSError, SyntaxError, UnicodeDecodeError) as exc:
        raise InputError(f"--functions {path}: cannot read: {exc}") from None
    return [node.name for node in tree.body
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_")]


def build_registry(specs: tuple[str, ...], files: tuple[str, ...]) -> Any:
    from workflow.functions import FunctionRegistry
    registry = FunctionRegistry()
    for path in files:
        for name in public_functions(path):
            registry.register(name, f"{path}:{name}")
    for spec in specs:
        registry.register_cli(spec)
    return registry

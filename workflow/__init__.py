"""sfn's engine: load, validate, compile and run Amazon States Language state machines.

    >>> import workflow
    >>> machine = workflow.load('{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}')
    >>> [d.code for d in workflow.validate('{"StartAt": "B", "States": {"A": {"Type": "Succeed"}}}')]
    ['MISSING_TRANSITION_TARGET', 'MISSING_TRANSITION_TARGET']
"""
from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from workflow._gc import collector_paused
from workflow.diagnostics import Diagnostic, Severity, aws_result, best_match
from workflow.errors import (DefinitionError, ExpressionSyntaxError, InputError, SfnError,
                             SourceError, StatesError)

if TYPE_CHECKING:
    from workflow.model.machine import StateMachine

__all__ = [
    "load", "validate", "run", "StateMachine", "Diagnostic", "Severity", "best_match", "aws_result",
    "SfnError", "InputError", "SourceError", "DefinitionError", "ExpressionSyntaxError",
    "StatesError",
]

def __getattr__(name: str) -> Any:
    # The compiled model pulls in the expression engines; import it only when asked for.
    if name == "StateMachine":
        from workflow.model.machine import StateMachine
        return StateMachine
    raise AttributeError(name)


Definition = str | os.PathLike[str] | dict[str, Any]


def _source(definition: Definition) -> Any:
    from workflow.source import Source, read_source
    if isinstance(definition, dict):
        return Source("<definition>", "", definition)
    return read_source(definition)


def validate(definition: Definition) -> list[Diagnostic]:
    """Every finding (errors and warnings), ordered. ``definition`` is JSON/YAML text, a path
    to a file, or an already-parsed document. Raises ``SourceError`` only for a file that
    cannot be read."""
    from workflow.validation.pipeline import validate_source
    return validate_source(_source(definition))


def load(definition: Definition) -> "StateMachine":
    """Validate and compile; raises ``DefinitionError`` carrying all diagnostics on errors."""
    from workflow.model.machine import StateMachine
    from workflow.validation.pipeline import validate_source
    with collector_paused():
        source = _source(definition)
        found = validate_source(source)
        if any(d.is_error for d in found):
            raise DefinitionError(found, source.where)
        return StateMachine.from_document(source.document, tuple(found), source.where)


def run(definition: "Definition | StateMachine", input: Any = None, *,
        functions: Any = None, type: str = "STANDARD", name: str | None = None,
        store: Any = None, clock: Any = None) -> Any:
    """Run an execution to its end in this process and return its ``Execution`` (status,
    output, error, cause, history). ``functions`` maps function names to Python callables or
    ``"file.py:handler"`` specs; Task states reach them by name or Lambda ARN."""
    from workflow.model.machine import StateMachine
    from workflow.runner import start_execution
    from workflow.runner.tasks import local_task_handler
    machine = definition if isinstance(definition, StateMachine) else load(definition)
    return start_execution(machine, {} if input is None else input,
                           tasks=local_task_handler(functions or {}), name=name, type_=type,
                           store=store, clock=clock)

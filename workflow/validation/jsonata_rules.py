"""JSONata mode (asl-inventory §6): every expression parses and respects AWS's restrictions.

In a JSONata state every ``{% ... %}`` string in a field that accepts JSONata (§6.1) is parsed
once; in a JSONPath state such strings are plain strings and are not looked at.
"""
from __future__ import annotations

from typing import Any, Iterator

from workflow.diagnostics import (INVALID_JSONATA_EXPRESSION, SCHEMA_VALIDATION_FAILED,
                                  UNSUPPORTED_JSONATA_EXPRESSION, Diagnostic, error)
from workflow.validation.support import (ASSIGNING_TYPES, catchers, choice_rules, dig,
                                         is_failure, is_jsonata, jsonata_states, kind,
                                         parse_jsonata, rows_by_type)
from workflow.validation.walk import JSONATA, JSONPATH, StateRef, Walk

Tokens = tuple[str | int, ...]

_TASK, _MAP = frozenset({"Task"}), frozenset({"Map"})
_RESULT_TYPES = frozenset({"Task", "Parallel", "Map"})
_OUTPUT_TYPES = frozenset({"Task", "Parallel", "Map", "Pass", "Wait", "Choice", "Succeed"})

# (state types, containing object below the state, field) - asl-inventory §6.1
JSONATA_FIELDS: tuple[tuple[frozenset[str], Tokens, str], ...] = (
    (frozenset({"Task", "Parallel"}), (), "Arguments"),
    (_OUTPUT_TYPES, (), "Output"),
    (ASSIGNING_TYPES, (), "Assign"),
    (_MAP, (), "Items"),
    (_MAP, (), "ItemSelector"),
    (_TASK, (), "TimeoutSeconds"),
    (_TASK, (), "HeartbeatSeconds"),
    (_TASK, (), "Credentials"),
    (frozenset({"Wait"}), (), "Seconds"),
    (frozenset({"Wait"}), (), "Timestamp"),
    (frozenset({"Fail"}), (), "Error"),
    (frozenset({"Fail"}), (), "Cause"),
    (_MAP, (), "MaxConcurrency"),
    (_MAP, (), "ToleratedFailureCount"),
    (_MAP, (), "ToleratedFailurePercentage"),
    (_MAP, ("ItemReader",), "Arguments"),
    (_MAP, ("ItemReader", "ReaderConfig"), "MaxItems"),
    (_MAP, ("ItemBatcher",), "MaxItemsPerBatch"),
    (_MAP, ("ItemBatcher",), "MaxInputBytesPerBatch"),
    (_MAP, ("ItemBatcher",), "BatchInput"),
    (_MAP, ("ResultWriter",), "Arguments"),
)
_FIELDS_BY_TYPE = rows_by_type(JSONATA_FIELDS)

_RESULT_MESSAGE = ("'$states.result' is only available in the top-level 'Output' and 'Assign' "
                   "of a Task, Map or Parallel state")
_ERROR_OUTPUT_MESSAGE = ("'$states.errorOutput' is only available in a Catcher's 'Output' and "
                         "'Assign'")


def expression_fields(state: StateRef) -> Iterator[tuple[Tokens, Any, frozenset[str]]]:
    """(pointer tokens, value, readable $states members besides input/context) of every
    JSONata-capable field of a JSONata state."""
    state_type = kind(state)
    result_ok = frozenset({"result"}) if state_type in _RESULT_TYPES else frozenset()
    for _types, container, field in _FIELDS_BY_TYPE.get(state_type, ()):
        holder = dig(state.node, container)
        if holder is not None and field in holder:
            top = not container and field in ("Output", "Assign")
            yield container + (field,), holder[field], result_ok if top else frozenset()
    for i, rule in choice_rules(state):
        for field in ("Condition", "Output", "Assign"):
            if field in rule:
                yield ("Choices", i, field), rule[field], frozenset()
    for i, catcher in catchers(state):
        for field in ("Output", "Assign"):
            if field in catcher:
                yield ("Catch", i, field), catcher[field], frozenset({"errorOutput"})


def _strings(value: Any, tokens: Tokens) -> Iterator[tuple[Tokens, str]]:
    """Every JSONata string inside ``value`` (object keys are never evaluated)."""
    if isinstance(value, str):
        if is_jsonata(value):
            yield tokens, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, tokens + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, tokens + (i,))


def _expression_findings(state: StateRef, tokens: Tokens, text: str,
                         readable: frozenset[str]) -> Iterator[Diagnostic]:
    location = state.at(*tokens)
    parsed = parse_jsonata(text)
    if is_failure(parsed):
        yield error(INVALID_JSONATA_EXPRESSION, str(parsed), location, state.name)
        return
    for problem in parsed.top_level_problems:
        yield error(UNSUPPORTED_JSONATA_EXPRESSION, problem, location, state.name)
    if "result" in parsed.states_fields and "result" not in readable:
        yield error(UNSUPPORTED_JSONATA_EXPRESSION, _RESULT_MESSAGE, location, state.name)
    if "errorOutput" in parsed.states_fields and "errorOutput" not in readable:
        yield error(UNSUPPORTED_JSONATA_EXPRESSION, _ERROR_OUTPUT_MESSAGE, location, state.name)


def check_jsonata_expressions(w: Walk) -> Iterator[Diagnostic]:
    for state in jsonata_states(w):
        for tokens, value, readable in expression_fields(state):
            for where, text in _strings(value, tokens):
                yield from _expression_findings(state, where, text, readable)


def check_query_language(w: Walk) -> Iterator[Diagnostic]:
    """§6.7: under a top-level JSONata, no state may switch back to JSONPath."""
    if w.document.get("QueryLanguage") != JSONATA:
        return
    for state in w.states:
        if state.node.get("QueryLanguage") == JSONPATH:
            yield error(SCHEMA_VALIDATION_FAILED,
                        "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole "
                        "state machine", state.at("QueryLanguage"), state.name)

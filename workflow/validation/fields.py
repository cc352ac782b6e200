"""Field combinations the schema cannot express (asl-inventory §3, §11, §12, §17.3).

Only fields that are allowed on the state's type and query language are considered: a field
that is not allowed there is the schema stage's finding, and pairing it again would repeat it.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Iterator

from workflow.diagnostics import (INVALID_RESOURCE, SCHEMA_VALIDATION_FAILED, Diagnostic,
                                  error, warning)
from workflow.validation.support import (TRANSITIONING_TYPES, catchers, dig, is_int, is_jsonata,
                                         is_rfc3339, kind, retriers, rows_by_type)
from workflow.validation.walk import JSONATA, Walk

# asl-inventory §2.1: fields that exist in one query language only.
JSONPATH_ONLY = frozenset({
    "InputPath", "OutputPath", "Parameters", "Result", "ResultPath", "ResultSelector",
    "ItemsPath", "SecondsPath", "TimestampPath", "TimeoutSecondsPath", "HeartbeatSecondsPath",
    "MaxConcurrencyPath", "MaxItemsPath", "MaxItemsPerBatchPath", "MaxInputBytesPerBatchPath",
    "ToleratedFailureCountPath", "ToleratedFailurePercentagePath", "ErrorPath", "CausePath"})
JSONATA_ONLY = frozenset({"Arguments", "Output", "Items", "Condition"})

_TASK, _FAIL, _MAP = frozenset({"Task"}), frozenset({"Fail"}), frozenset({"Map"})

# (state types, object holding the pair below the state, field A, field B)
_EXCLUSIVE: tuple[tuple[frozenset[str], tuple[str, ...], str, str], ...] = (
    (_TASK, (), "TimeoutSeconds", "TimeoutSecondsPath"),
    (_TASK, (), "HeartbeatSeconds", "HeartbeatSecondsPath"),
    (_FAIL, (), "Error", "ErrorPath"),
    (_FAIL, (), "Cause", "CausePath"),
    (_MAP, (), "ItemProcessor", "Iterator"),
    (_MAP, (), "ItemSelector", "Parameters"),
    (_MAP, (), "Items", "ItemsPath"),
    (_MAP, (), "MaxConcurrency", "MaxConcurrencyPath"),
    (_MAP, (), "ToleratedFailureCount", "ToleratedFailureCountPath"),
    (_MAP, (), "ToleratedFailurePercentage", "ToleratedFailurePercentagePath"),
    (_MAP, ("ItemReader", "ReaderConfig"), "MaxItems", "MaxItemsPath"),
    (_MAP, ("ItemBatcher",), "MaxItemsPerBatch", "MaxItemsPerBatchPath"),
    (_MAP, ("ItemBatcher",), "MaxInputBytesPerBatch", "MaxInputBytesPerBatchPath"),
)
_EXCLUSIVE_BY_TYPE = rows_by_type(_EXCLUSIVE)

_WAIT_FIELDS = ("Seconds", "Timestamp", "SecondsPath", "TimestampPath")
_ALL = "States.ALL"


def allowed_in(language: str, field: str) -> bool:
    if language == JSONATA:
        return field not in JSONPATH_ONLY
    return field not in JSONATA_ONLY


def only_one(fields: list[str] | tuple[str, ...]) -> str:
    return f"There should only be one of the following fields: [{', '.join(fields)}]"


def check_next_end(w: Walk) -> Iterator[Diagnostic]:
    """Task/Pass/Wait/Parallel/Map: exactly one of Next and "End": true.

    "End": false is simply "not terminal" (AWS accepts it next to Next), so it counts as absent.
    A non-boolean End is a type error the schema stage reports; we then stay silent.
    """
    for state in w.states:
        if kind(state) not in TRANSITIONING_TYPES:
            continue
        end = state.node.get("End", False)
        if not isinstance(end, bool):
            continue
        has_next = "Next" in state.node
        if has_next and end:
            yield error(SCHEMA_VALIDATION_FAILED, only_one(("Next", "End")), state.location,
                        state.name)
        elif not has_next and not end:
            yield error(SCHEMA_VALIDATION_FAILED,
                        f"A {state.type} state needs either 'Next' or \"End\": true",
                        state.location, state.name)


def check_exclusive_fields(w: Walk) -> Iterator[Diagnostic]:
    for state in w.states:
        for _types, container, first, second in _EXCLUSIVE_BY_TYPE.get(kind(state), ()):
            holder = dig(state.node, container)
            if holder is None or first not in holder or second not in holder:
                continue
            if allowed_in(state.query_language, first) and allowed_in(state.query_language,
                                                                       second):
                yield error(SCHEMA_VALIDATION_FAILED, only_one((first, second)),
                            state.at(*container), state.name)


def check_heartbeat(w: Walk) -> Iterator[Diagnostic]:
    for state in w.states:
        if state.type != "Task":
            continue
        heartbeat, timeout = state.node.get("HeartbeatSeconds"), state.node.get("TimeoutSeconds")
        if is_int(heartbeat) and is_int(timeout) and heartbeat >= timeout:
            yield error(SCHEMA_VALIDATION_FAILED,
                        f"HeartbeatSeconds ({heartbeat}) must be smaller than TimeoutSeconds "
                        f"({timeout})", state.at("HeartbeatSeconds"), state.name)


def check_wait(w: Walk) -> Iterator[Diagnostic]:
    """Exactly one duration field; a literal Timestamp must be RFC 3339."""
    for state in w.states:
        if state.type != "Wait":
            continue
        allowed = [f for f in _WAIT_FIELDS if allowed_in(state.query_language, f)]
        present = [f for f in allowed if f in state.node]
        if not present:
            yield error(SCHEMA_VALIDATION_FAILED,
                        f"One of the following fields is required: [{', '.join(allowed)}]",
                        state.location, state.name)
        elif len(present) > 1:
            yield error(SCHEMA_VALIDATION_FAILED, only_one(present), state.location, state.name)
        stamp = state.node.get("Timestamp")
        if isinstance(stamp, str) and not is_jsonata(stamp) and not is_rfc3339(stamp):
            yield error(SCHEMA_VALIDATION_FAILED, "String does not match RFC3339 timestamp",
                        state.at("Timestamp"), state.name)


def _all_misplaced(index: int, last: int, errors: Any) -> bool:
    if not isinstance(errors, list) or _ALL not in errors:
        return False
    return len(errors) > 1 or index != last


def check_states_all(w: Walk) -> Iterator[Diagnostic]:
    """States.ALL alone in its ErrorEquals and only in the last retrier / catcher (§10.1)."""
    for state in w.states:
        node = state.node
        if "Retry" not in node and "Catch" not in node:
            continue
        for field, items in (("Retry", list(retriers(state))), ("Catch", list(catchers(state)))):
            last = len(node[field]) - 1 if items else -1
            for index, item in items:
                if _all_misplaced(index, last, item.get("ErrorEquals")):
                    yield error(SCHEMA_VALIDATION_FAILED,
                                "States.ALL can only appear in the last element, and by itself",
                                state.at(field, index, "ErrorEquals"), state.name)


# An ARN: arn:<partition>:<service>:<region>:<account>:<resource>, where each part may also be a
# ${...} substitution (CloudFormation DefinitionSubstitutions, Terraform templatefile).
_SUB = r"\$\{[^{}]+\}"
_SEGMENT = rf"(?:[\w.+=,@\-]|\$[A-Za-z]|{_SUB})+"
_ARN = re.compile(
    rf"arn:(?:aws(?:-[a-z]+)*|{_SUB}):(?:[a-z0-9][a-z0-9.\-]*|{_SUB}):(?:[a-z0-9\-]|{_SUB})*:"
    rf"(?:\d|aws|{_SUB})*:{_SEGMENT}(?:[:/](?:{_SEGMENT}|\*))*\Z")
_WHOLE_SUB = re.compile(rf"{_SUB}\Z")


@lru_cache(maxsize=4096)
def is_resource_arn(value: str) -> bool:
    return bool(_WHOLE_SUB.match(value) or _ARN.match(value))


def check_resource(w: Walk) -> Iterator[Diagnostic]:
    """AWS needs an ARN; our engine also runs a bare local function name, hence a warning."""
    for state in w.states:
        resource = state.node.get("Resource")
        if state.type == "Task" and isinstance(resource, str) and not is_resource_arn(resource):
            yield warning(INVALID_RESOURCE,
                          f"The resource '{resource}' is not a valid ARN: AWS would reject it; "
                          "here it can only name a locally registered function",
                          state.at("Resource"), state.name)


"""JSONPath-mode paths and payload templates (asl-inventory §5.3, §5.4, §9.1, §17.1, §17.4).

Only states whose effective query language is JSONPath are looked at: in a JSONata state these
fields are unsupported (the schema stage's finding) and ``$``-strings are plain strings.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Iterator

from workflow.diagnostics import (NO_DOLLAR, NO_PATH, PASS_RESULT_IS_STATIC,
                                  SCHEMA_VALIDATION_FAILED, Diagnostic, error, warning)
from workflow.validation.support import (ASSIGNING_TYPES, catchers, choice_rules, dig,
                                         is_failure, is_intrinsic_call, jsonpath_states, kind,
                                         looks_like_path, parse_intrinsic, parse_path,
                                         parse_reference_path, rows_by_type)
from workflow.validation.walk import StateRef, Walk

Tokens = tuple[str | int, ...]

# How a path field is read: its mode (asl-inventory §5.3).
PATH = "path"              # any Path; $$ and $variables allowed
REFERENCE = "reference"    # single-node path; $$ and $variables allowed
NUMERIC = "numeric"        # single-node path to a number; no $$ (Floci #3733)
RESULT = "result"          # ResultPath: single-node, no $$, no $variable
FAIL_TEXT = "fail-text"    # Fail ErrorPath/CausePath: reference path or string intrinsic

_IO_TYPES = frozenset({"Task", "Pass", "Wait", "Choice", "Parallel", "Map", "Succeed"})
_RESULT_TYPES = frozenset({"Task", "Pass", "Parallel", "Map"})
_TASK, _WAIT, _MAP, _FAIL = frozenset({"Task"}), frozenset({"Wait"}), frozenset({"Map"}), \
    frozenset({"Fail"})

# (state types, containing object below the state, field, mode)
PATH_FIELDS: tuple[tuple[frozenset[str], Tokens, str, str], ...] = (
    (_IO_TYPES, (), "InputPath", PATH),
    (_IO_TYPES, (), "OutputPath", PATH),
    (_RESULT_TYPES, (), "ResultPath", RESULT),
    (_MAP, (), "ItemsPath", REFERENCE),
    (_TASK, (), "TimeoutSecondsPath", NUMERIC),
    (_TASK, (), "HeartbeatSecondsPath", NUMERIC),
    (_WAIT, (), "SecondsPath", NUMERIC),
    (_WAIT, (), "TimestampPath", REFERENCE),
    (_MAP, (), "MaxConcurrencyPath", NUMERIC),
    (_MAP, (), "ToleratedFailureCountPath", NUMERIC),
    (_MAP, (), "ToleratedFailurePercentagePath", NUMERIC),
    (_MAP, ("ItemReader", "ReaderConfig"), "MaxItemsPath", NUMERIC),
    (_MAP, ("ItemBatcher",), "MaxItemsPerBatchPath", NUMERIC),
    (_MAP, ("ItemBatcher",), "MaxInputBytesPerBatchPath", NUMERIC),
    (_FAIL, (), "ErrorPath", FAIL_TEXT),
    (_FAIL, (), "CausePath", FAIL_TEXT),
)

# Payload templates: (state types, containing object, field)
TEMPLATE_FIELDS: tuple[tuple[frozenset[str], Tokens, str], ...] = (
    (_RESULT_TYPES, (), "Parameters"),
    (frozenset({"Task", "Parallel", "Map"}), (), "ResultSelector"),
    (_MAP, (), "ItemSelector"),
    (_TASK, (), "Credentials"),
    (ASSIGNING_TYPES, (), "Assign"),
    (_MAP, ("ItemReader",), "Parameters"),
    (_MAP, ("ResultWriter",), "Parameters"),
    (_MAP, ("ItemBatcher",), "BatchInput"),
)

# Literal fields whose path-looking value probably meant the ...Path twin (AWS NO_PATH).
LITERAL_FIELDS: tuple[tuple[frozenset[str], Tokens, str], ...] = (
    (_WAIT, (), "Seconds"), (_WAIT, (), "Timestamp"),
    (_FAIL, (), "Error"), (_FAIL, (), "Cause"),
    (_TASK, (), "TimeoutSeconds"), (_TASK, (), "HeartbeatSeconds"),
    (_MAP, (), "MaxConcurrency"), (_MAP, (), "ToleratedFailureCount"),
    (_MAP, (), "ToleratedFailurePercentage"),
    (_MAP, ("ItemReader", "ReaderConfig"), "MaxItems"),
    (_MAP, ("ItemBatcher",), "MaxItemsPerBatch"),
    (_MAP, ("ItemBatcher",), "MaxInputBytesPerBatch"),
)


_PATHS_BY_TYPE = rows_by_type(PATH_FIELDS)
_TEMPLATES_BY_TYPE = rows_by_type(TEMPLATE_FIELDS)
_LITERALS_BY_TYPE = rows_by_type(LITERAL_FIELDS)


def _fields(state: StateRef, index: dict[str, tuple[Any, ...]]
            ) -> list[tuple[Tokens, Any, tuple[Any, ...]]]:
    """(pointer tokens, value, table row) for each indexed field present on ``state``."""
    node = state.node
    found = []
    for row in index.get(kind(state), ()):  # type: ignore[arg-type]
        container, field = row[1], row[2]
        holder = dig(node, container) if container else node
        if holder is not None and field in holder:
            found.append((container + (field,), holder[field], row))
    return found


@lru_cache(maxsize=8192)
def path_problem(value: str, field: str, mode: str) -> str | None:
    """Why ``value`` is not acceptable for a path field of ``mode``; None when it is."""
    if mode == FAIL_TEXT and is_intrinsic_call(value):
        call = parse_intrinsic(value)
        if is_failure(call):
            return (f"The value for the field '{field}' is not a valid intrinsic function call: "
                    f"{call}")
        if not call.returns_string:
            return (f"The value for the field '{field}' must be a Reference Path or an intrinsic "
                    f"function that returns a string; {call.name} does not")
        return None
    parsed = (parse_path if mode == PATH else parse_reference_path)(value)
    if is_failure(parsed):
        what = "JSONPath" if mode == PATH else "Reference Path"
        return f"The value for the field '{field}' must be a valid {what}: {parsed}"
    if mode in (NUMERIC, RESULT) and parsed.root_kind == "context":
        return f"The value for the field '{field}' must not use the context object ($$)"
    if mode == RESULT and parsed.root_kind == "variable":
        return f"The value for the field '{field}' must not reference a variable"
    return None


def _check_path_value(state: StateRef, tokens: Tokens, value: Any,
                      mode: str) -> Iterator[Diagnostic]:
    if not isinstance(value, str):
        return       # null is allowed where it is allowed; other types: the schema stage
    problem = path_problem(value, str(tokens[-1]), mode)
    if problem:
        yield error(SCHEMA_VALIDATION_FAILED, problem, state.at(*tokens), state.name)


def check_path_fields(w: Walk) -> Iterator[Diagnostic]:
    for state in jsonpath_states(w):
        for tokens, value, row in _fields(state, _PATHS_BY_TYPE):
            yield from _check_path_value(state, tokens, value, row[3])
        for i, catcher in catchers(state) if "Catch" in state.node else ():
            if "ResultPath" in catcher:
                yield from _check_path_value(state, ("Catch", i, "ResultPath"),
                                             catcher["ResultPath"], RESULT)


def dynamic_value_problem(key: str, value: Any) -> str | None:
    """Why the value of a ``.$`` key is unacceptable; None when it is a path or intrinsic."""
    detail = _dynamic_text_problem(value) if isinstance(value, str) else ""
    if detail is None:
        return None
    base = (f"The value for the field '{key}' must be a valid JSONPath or a valid intrinsic "
            "function call")
    return f"{base}: {detail}" if detail else base


@lru_cache(maxsize=8192)
def _dynamic_text_problem(text: str) -> str | None:
    """None when ``text`` is a path or a valid intrinsic call, else the reason ('' = bad path)."""
    if is_intrinsic_call(text):
        call = parse_intrinsic(text)
        return str(call) if is_failure(call) else None
    return "" if is_failure(parse_path(text)) else None


def _template(state: StateRef, value: dict[str, Any], tokens: Tokens) -> Iterator[Diagnostic]:
    """Every ``.$`` key at any depth of a payload template, in document order (iterative:
    templates can be big)."""
    stack: list[tuple[Iterator[tuple[Any, Any]], Tokens, Any]] = [
        (iter(value.items()), tokens, value)]
    while stack:
        entries, where, node = stack[-1]
        entry = next(entries, None)
        if entry is None:
            stack.pop()
            continue
        key, item = entry
        if isinstance(key, str) and key.endswith(".$"):
            if key[:-2] in node or dynamic_value_problem(key, item):
                yield from _dynamic_key(state, node, key, item, where + (key,))
        elif isinstance(item, dict):
            stack.append((iter(item.items()), where + (key,), item))
        elif isinstance(item, list):
            stack.append((enumerate(item), where + (key,), item))
        elif isinstance(key, str) and looks_like_path(item):
            yield warning(NO_DOLLAR,
                          f"The value of the field '{key}' looks like a path but is used as a "
                          f"literal string; name the field '{key}.$' to evaluate it",
                          state.at(*where, key), state.name)


def _dynamic_key(state: StateRef, holder: dict[str, Any], key: str, item: Any,
                 here: Tokens) -> Iterator[Diagnostic]:
    if key[:-2] in holder:
        yield error(SCHEMA_VALIDATION_FAILED,
                    f"The field '{key}' collides with the field '{key[:-2]}' once the '.$' "
                    "suffix is removed", state.at(*here), state.name)
    problem = dynamic_value_problem(key, item)
    if problem:
        yield error(SCHEMA_VALIDATION_FAILED, problem, state.at(*here), state.name)


def template_locations(state: StateRef) -> Iterator[tuple[Tokens, Any]]:
    """Every payload template of a JSONPath state, including Choice rule and Catcher Assign."""
    for tokens, value, row in _fields(state, _TEMPLATES_BY_TYPE):
        if row[2] == "Credentials" and isinstance(value, dict):
            # Only RoleArn exists there; any other key is the schema stage's finding.
            value = {k: v for k, v in value.items() if k in ("RoleArn", "RoleArn.$")}
        yield tokens, value
    for i, rule in choice_rules(state) if "Choices" in state.node else ():
        if "Assign" in rule:
            yield ("Choices", i, "Assign"), rule["Assign"]
    for i, catcher in catchers(state) if "Catch" in state.node else ():
        if "Assign" in catcher:
            yield ("Catch", i, "Assign"), catcher["Assign"]


def check_templates(w: Walk) -> Iterator[Diagnostic]:
    for state in jsonpath_states(w):
        for tokens, value in template_locations(state):
            if isinstance(value, dict):
                yield from _template(state, value, tokens)


def check_literal_paths(w: Walk) -> Iterator[Diagnostic]:
    """NO_PATH: a literal field given a path-looking string; PASS_RESULT_IS_STATIC."""
    for state in jsonpath_states(w):
        for tokens, value, row in _fields(state, _LITERALS_BY_TYPE):
            if looks_like_path(value):
                yield warning(NO_PATH,
                              f"The value of the field '{row[2]}' looks like a path but is used "
                              f"as a literal; use '{row[2]}Path' to read it from the input",
                              state.at(*tokens), state.name)
        if kind(state) == "Pass" and "Result" in state.node and _has_path(state.node["Result"]):
            yield warning(PASS_RESULT_IS_STATIC,
                          "The 'Result' field is static: paths in it are not evaluated (use "
                          "'Parameters' to select data from the input)",
                          state.at("Result"), state.name)


def _has_path(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if looks_like_path(item):
            return True
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False

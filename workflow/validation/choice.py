"""Choice rules (asl-inventory §3.3, §4): shape, one operator, operand types, JSONata rules.

The schema stage checks that ``Choices`` is a non-empty array; everything inside a rule is
checked here. A top-level element that is not an object is left to the schema stage.
"""
from __future__ import annotations

from typing import Any, Callable, Iterator

from workflow.diagnostics import SCHEMA_VALIDATION_FAILED, Diagnostic, error
from workflow.validation.support import (choice_rules, is_failure, is_jsonata, is_number,
                                         is_rfc3339, parse_reference_path)
from workflow.validation.walk import JSONATA, StateRef, Walk

_STRING_OPS = ("StringEquals", "StringLessThan", "StringGreaterThan", "StringLessThanEquals",
               "StringGreaterThanEquals")
_NUMERIC_OPS = ("NumericEquals", "NumericLessThan", "NumericGreaterThan",
                "NumericLessThanEquals", "NumericGreaterThanEquals")
_TIMESTAMP_OPS = ("TimestampEquals", "TimestampLessThan", "TimestampGreaterThan",
                  "TimestampLessThanEquals", "TimestampGreaterThanEquals")
_TYPE_TESTS = ("IsNull", "IsPresent", "IsNumeric", "IsString", "IsBoolean", "IsTimestamp")

# operator -> (operand check, what the operand must be)
_OPERAND: dict[str, tuple[Callable[[Any], bool], str]] = {}
_OPERAND.update({op: (lambda v: isinstance(v, str), "a string") for op in _STRING_OPS})
_OPERAND["StringMatches"] = (lambda v: isinstance(v, str), "a string")
_OPERAND.update({op: (is_number, "a number") for op in _NUMERIC_OPS})
_OPERAND["BooleanEquals"] = (lambda v: isinstance(v, bool), "a boolean")
_OPERAND.update({op: (is_rfc3339, "an RFC3339 timestamp string") for op in _TIMESTAMP_OPS})
_OPERAND.update({op: (lambda v: isinstance(v, bool), "a boolean") for op in _TYPE_TESTS})
PATH_OPERATORS = frozenset(op + "Path" for op in
                           _STRING_OPS + _NUMERIC_OPS + _TIMESTAMP_OPS + ("BooleanEquals",))
OPERATORS = frozenset(_OPERAND) | PATH_OPERATORS
_COMBINATORS = ("And", "Or", "Not")

JSONPATH_RULE_FIELDS = OPERATORS | {"Variable", *_COMBINATORS}
JSONATA_RULE_FIELDS = frozenset({"Condition", "Output"})
_TOP_ONLY = frozenset({"Next", "Assign"})


def _fail(message: str, state: StateRef, tokens: tuple[str | int, ...]) -> Diagnostic:
    return error(SCHEMA_VALIDATION_FAILED, message, state.at(*tokens), state.name)


def _language_mismatch(field: str, language: str) -> str:
    other = "JSONPath" if language == JSONATA else "JSONata"
    return (f"The QueryLanguage is set to '{language}', but field '{field}' is only supported "
            f"for the '{other}' QueryLanguage")


def _unexpected_fields(rule: dict[str, Any], state: StateRef, tokens: tuple[str | int, ...],
                       own: frozenset[str], foreign: frozenset[str],
                       nested: bool) -> Iterator[Diagnostic]:
    for key in rule:
        if key == "Comment" or key in own or (key in _TOP_ONLY and not nested):
            continue
        if key in foreign:
            yield _fail(_language_mismatch(key, state.query_language), state, tokens)
        elif key in _TOP_ONLY:
            yield _fail(f"Field '{key}' is not supported in a nested Choice rule (inside And, "
                        "Or or Not)", state, tokens + (key,))
        else:
            yield _fail(f"Field '{key}' is not supported", state, tokens)


def _check_top_next(rule: dict[str, Any], state: StateRef,
                    tokens: tuple[str | int, ...]) -> Iterator[Diagnostic]:
    if "Next" not in rule:
        yield _fail("These fields are required: [Next]", state, tokens)
    elif not isinstance(rule["Next"], str):
        yield _fail("The value for the field 'Next' must be a string", state, tokens + ("Next",))


def _reference_problem(value: Any, field: str) -> str | None:
    if isinstance(value, str) and not is_failure(parse_reference_path(value)):
        return None
    return f"The value for the field '{field}' must be a valid Reference Path"


def _check_operator(op: str, value: Any) -> str | None:
    if op in PATH_OPERATORS:
        return _reference_problem(value, op)
    valid, expected = _OPERAND[op]
    if not valid(value):
        return f"The value for the field '{op}' must be {expected}"
    if op == "StringMatches" and _dangling_backslash(value):
        return ("The value for the field 'StringMatches' ends with an unescaped '\\' "
                "(write '\\\\' for a literal backslash, '\\*' for a literal star)")
    return None


def _dangling_backslash(pattern: str) -> bool:
    i = 0
    while i < len(pattern):
        if pattern[i] == "\\":
            if i + 1 == len(pattern):
                return True
            i += 1
        i += 1
    return False


def _check_data_test(rule: dict[str, Any], op: str, state: StateRef,
                     tokens: tuple[str | int, ...]) -> Iterator[Diagnostic]:
    if "Variable" not in rule:
        yield _fail("These fields are required: [Variable]", state, tokens)
    else:
        problem = _reference_problem(rule["Variable"], "Variable")
        if problem:
            yield _fail(problem, state, tokens + ("Variable",))
    problem = _check_operator(op, rule[op])
    if problem:
        yield _fail(problem, state, tokens + (op,))


def _check_combinator(rule: dict[str, Any], op: str, state: StateRef,
                      tokens: tuple[str | int, ...]) -> Iterator[Diagnostic]:
    if "Variable" in rule:
        yield _fail(f"Field 'Variable' is not supported next to '{op}'", state, tokens)
    value = rule[op]
    if op == "Not":
        if isinstance(value, dict):
            yield from _check_jsonpath_rule(value, state, tokens + (op,), nested=True)
        else:
            yield _fail("The value for the field 'Not' must be a Choice rule object", state,
                        tokens + (op,))
        return
    if not isinstance(value, list) or not value:
        yield _fail(f"The value for the field '{op}' must be a non-empty array of Choice rules",
                    state, tokens + (op,))
        return
    for i, inner in enumerate(value):
        if isinstance(inner, dict):
            yield from _check_jsonpath_rule(inner, state, tokens + (op, i), nested=True)
        else:
            yield _fail("A Choice rule must be an object", state, tokens + (op, i))


def _check_jsonpath_rule(rule: dict[str, Any], state: StateRef, tokens: tuple[str | int, ...],
                         nested: bool) -> Iterator[Diagnostic]:
    yield from _unexpected_fields(rule, state, tokens, JSONPATH_RULE_FIELDS,
                                  JSONATA_RULE_FIELDS, nested)
    if not nested:
        yield from _check_top_next(rule, state, tokens)
    ops = [k for k in rule if k in OPERATORS or k in _COMBINATORS]
    if len(ops) > 1:
        yield _fail("Each Choice Rule can only have one comparison operator", state, tokens)
    elif not ops:
        yield _fail("A Choice Rule needs a comparison operator, or one of And, Or, Not", state,
                    tokens)
    elif ops[0] in _COMBINATORS:
        yield from _check_combinator(rule, ops[0], state, tokens)
    else:
        yield from _check_data_test(rule, ops[0], state, tokens)


def _check_jsonata_rule(rule: dict[str, Any], state: StateRef,
                        tokens: tuple[str | int, ...]) -> Iterator[Diagnostic]:
    yield from _unexpected_fields(rule, state, tokens, JSONATA_RULE_FIELDS,
                                  JSONPATH_RULE_FIELDS, nested=False)
    yield from _check_top_next(rule, state, tokens)
    if "Condition" not in rule:
        yield _fail("These fields are required: [Condition]", state, tokens)
        return
    condition = rule["Condition"]
    # The expression itself is parsed by the JSONata checks; here only its shape.
    if not isinstance(condition, bool) and not is_jsonata(condition):
        yield _fail("The value for the field 'Condition' must be a boolean or a JSONata "
                    "expression ({% ... %})", state, tokens + ("Condition",))


def check_choice_rules(w: Walk) -> Iterator[Diagnostic]:
    for state in w.states:
        for i, rule in choice_rules(state):
            tokens = ("Choices", i)
            if state.query_language == JSONATA:
                yield from _check_jsonata_rule(rule, state, tokens)
            else:
                yield from _check_jsonpath_rule(rule, state, tokens, nested=False)


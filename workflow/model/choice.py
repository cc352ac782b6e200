"""Compiled Choice rules (asl-inventory §3.3, §4): one class per rule shape, each able to
evaluate itself against already-computed state data and to summarise itself for humans."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Mapping

from workflow.errors import StatesError
from workflow.expressions.jsonata import JsonataExpression
from workflow.expressions.jsonpath import Path

Env = tuple[Any, Any, Mapping[str, Any]]   # (state data, context object, variables)


class Condition:
    def matches(self, env: Env) -> bool:
        raise NotImplementedError

    def summary(self) -> str:
        raise NotImplementedError


@dataclass(frozen=True, slots=True)
class ChoiceRule:
    """A top-level rule: a condition plus where it leads and what it assigns/outputs."""

    condition: "Condition"
    next: str
    assign: Any = None         # PayloadTemplate / JsonataTemplate
    output: Any = None         # JsonataTemplate (JSONata states)
    comment: str | None = None


# RFC 3339 as AWS states it: YYYY-MM-DDThh:mm:ss[.frac], uppercase T, then Z or ±hh:mm.
# (datetime.fromisoformat alone also takes ISO 8601 forms such as 20240101T000000Z.)
_RFC3339_SHAPE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})")


def _rfc3339(value: Any) -> datetime | None:
    if not isinstance(value, str) or not _RFC3339_SHAPE.fullmatch(value):
        return None
    text = value[:-1] + "+00:00" if value.endswith("Z") else value
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _string_matches(value: str, pattern: str) -> bool:
    return _wildcard_regex(pattern).fullmatch(value) is not None


_WILDCARDS: dict[str, re.Pattern[str]] = {}


def _wildcard_regex(pattern: str) -> re.Pattern[str]:
    compiled = _WILDCARDS.get(pattern)
    if compiled is None:
        parts, i = [], 0
        while i < len(pattern):
            ch = pattern[i]
            if ch == "\\" and i + 1 < len(pattern):
                parts.append(re.escape(pattern[i + 1]))
                i += 2
                continue
            parts.append(".*" if ch == "*" else re.escape(ch))
            i += 1
        compiled = _WILDCARDS[pattern] = re.compile("".join(parts), re.DOTALL)
    return compiled


Compare = Callable[[Any, Any], bool]


def _typed(check: Callable[[Any], bool], op: Compare) -> Compare:
    return lambda a, b: check(a) and check(b) and op(a, b)


def _timestamps(op: Compare) -> Compare:
    def compare(a: Any, b: Any) -> bool:
        left, right = _rfc3339(a), _rfc3339(b)
        return left is not None and right is not None and op(left, right)
    return compare


_ORDER: dict[str, Compare] = {
    "Equals": lambda a, b: a == b,
    "LessThan": lambda a, b: a < b,
    "GreaterThan": lambda a, b: a > b,
    "LessThanEquals": lambda a, b: a <= b,
    "GreaterThanEquals": lambda a, b: a >= b,
}

COMPARATORS: dict[str, Compare] = {}
for _suffix, _op in _ORDER.items():
    COMPARATORS["String" + _suffix] = _typed(lambda v: isinstance(v, str), _op)
    COMPARATORS["Numeric" + _suffix] = _typed(_is_number, _op)
    COMPARATORS["Timestamp" + _suffix] = _timestamps(_op)
COMPARATORS["BooleanEquals"] = _typed(lambda v: isinstance(v, bool), lambda a, b: a == b)
COMPARATORS["StringMatches"] = _typed(lambda v: isinstance(v, str), _string_matches)

TYPE_TESTS: dict[str, Callable[[Any], bool]] = {
    "IsNull": lambda v: v is None,
    "IsNumeric": _is_number,
    "IsString": lambda v: isinstance(v, str),
    "IsBoolean": lambda v: isinstance(v, bool),
    "IsTimestamp": lambda v: _rfc3339(v) is not None,
}

_SYMBOLS = {"Equals": "==", "LessThan": "<", "GreaterThan": ">", "LessThanEquals": "<=",
            "GreaterThanEquals": ">=", "Matches": "matches"}


def operator_symbol(operator: str) -> str:
    base = operator[:-4] if operator.endswith("Path") and operator != "IsPresent" else operator
    for suffix, symbol in _SYMBOLS.items():
        if base.endswith(suffix):
            return symbol
    return base


@dataclass(frozen=True, slots=True)
class DataTest(Condition):
    variable: Path
    operator: str              # e.g. "NumericEquals", "StringEqualsPath", "IsPresent"
    operand: Any               # literal, or a Path for *Path operators

    def matches(self, env: Env) -> bool:
        data, context, variables = env
        if self.operator == "IsPresent":
            return self.variable.exists(data, context, variables) == bool(self.operand)
        value = self.variable.evaluate(data, context, variables)
        test = TYPE_TESTS.get(self.operator)
        if test is not None:
            return test(value) == bool(self.operand)
        operand = self.operand
        name = self.operator
        if isinstance(operand, Path):
            operand = operand.evaluate(data, context, variables)
            name = name[:-4]
        if name == "StringMatches" and isinstance(operand, str) and _dangling_escape(operand):
            raise StatesError("States.Runtime", f"Invalid StringMatches pattern: {operand!r}")
        return COMPARATORS[name](value, operand)

    def summary(self) -> str:
        operand = self.operand.text if isinstance(self.operand, Path) else json.dumps(self.operand)
        if self.operator in TYPE_TESTS or self.operator == "IsPresent":
            prefix = "" if self.operand else "not "
            return f"{self.variable.text} {prefix}{self.operator[2:].lower()}"
        return f"{self.variable.text} {operator_symbol(self.operator)} {operand}"


def _dangling_escape(pattern: str) -> bool:
    # Escapes pair up left to right, so an odd run of trailing backslashes leaves one dangling.
    return (len(pattern) - len(pattern.rstrip("\\"))) % 2 == 1


@dataclass(frozen=True, slots=True)
class AndCondition(Condition):
    conditions: tuple[Condition, ...]

    def matches(self, env: Env) -> bool:
        return all(c.matches(env) for c in self.conditions)

    def summary(self) -> str:
        return " and ".join(_grouped(c) for c in self.conditions)


@dataclass(frozen=True, slots=True)
class OrCondition(Condition):
    conditions: tuple[Condition, ...]

    def matches(self, env: Env) -> bool:
        return any(c.matches(env) for c in self.conditions)

    def summary(self) -> str:
        return " or ".join(_grouped(c) for c in self.conditions)


@dataclass(frozen=True, slots=True)
class NotCondition(Condition):
    condition: Condition

    def matches(self, env: Env) -> bool:
        return not self.condition.matches(env)

    def summary(self) -> str:
        return f"not {_grouped(self.condition)}"


def _grouped(condition: Condition) -> str:
    text = condition.summary()
    return f"({text})" if isinstance(condition, (AndCondition, OrCondition)) else text


@dataclass(frozen=True, slots=True)
class JsonataCondition(Condition):
    """JSONata ``Condition``: a literal boolean or an expression that must yield a boolean."""

    expression: JsonataExpression | bool

    def matches(self, env: Env) -> bool:
        """In JSONata states the interpreter passes the ``$states`` object as the data."""
        if isinstance(self.expression, bool):
            return self.expression
        states, _context, variables = env
        value = self.expression.evaluate(states, variables)
        if not isinstance(value, bool):
            raise StatesError("States.QueryEvaluationError",
                              f"The Condition '{self.expression.text}' returned "
                              f"{json.dumps(value)}; expected a boolean.")
        return value

    def summary(self) -> str:
        if isinstance(self.expression, bool):
            return json.dumps(self.expression)
        return self.expression.text[2:-2].strip()

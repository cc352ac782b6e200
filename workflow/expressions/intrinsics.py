"""Intrinsic functions (``States.Format(...)`` etc., asl-inventory §9): parse once with static
checks, then evaluate through precompiled argument closures.

    call = parse_intrinsic("States.Format('Hello, {}', $.name)")
    call.evaluate({"name": "Ana"})          -> "Hello, Ana"
"""
from __future__ import annotations

import re
from typing import Any, Callable, Mapping

from workflow.errors import ExpressionSyntaxError
from workflow.expressions._intrinsic_functions import IMPLEMENTATIONS, Impl, fail, format_string
from workflow.expressions._intrinsic_parse import RawCall, parse_call, split_template
from workflow.expressions._intrinsic_specs import (
    SPECS, STRING_RESULT_FUNCTIONS, VALUE_CHECKS, arity_problem, json_kind, kind_problem,
)
from workflow.expressions.jsonpath import Path
from workflow.expressions.runtime import DEFAULT_ENV, ExpressionEnv

__all__ = ["IntrinsicCall", "is_intrinsic_call", "parse_intrinsic", "FUNCTION_NAMES"]

FUNCTION_NAMES = frozenset(SPECS)
_LOOKS_LIKE_CALL = re.compile(r"States\.[A-Za-z0-9_.]*\(")

Variables = Mapping[str, Any]
ArgFn = Callable[[Any, Any, "Variables | None", ExpressionEnv], Any]


def is_intrinsic_call(text: str) -> bool:
    """True when ``text`` reads like ``States.Name(`` (so it is not meant as a path)."""
    return isinstance(text, str) and _LOOKS_LIKE_CALL.match(text) is not None


class IntrinsicCall:
    """An immutable, checked intrinsic function call."""

    __slots__ = ("name", "args", "text", "returns", "_arg_fns", "_impl", "_pieces")

    name: str
    args: tuple[Any, ...]           # literal values, Path or IntrinsicCall, in order
    text: str
    returns: str | None             # JSON type of the result when fixed ("string", ...)
    _arg_fns: tuple[ArgFn, ...]
    _impl: Impl | None              # None for States.Format (needs the template pieces)
    _pieces: list[str] | None

    def __init__(self, name: str, args: tuple[Any, ...], text: str,
                 pieces: list[str] | None = None) -> None:
        set_ = object.__setattr__
        set_(self, "name", name)
        set_(self, "args", args)
        set_(self, "text", text)
        set_(self, "returns", SPECS[name].returns)
        set_(self, "_arg_fns", tuple(_arg_fn(a) for a in args))
        set_(self, "_impl", IMPLEMENTATIONS.get(name))
        set_(self, "_pieces", pieces)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("IntrinsicCall is immutable")

    def __repr__(self) -> str:
        return f"IntrinsicCall({self.text!r})"

    @property
    def returns_string(self) -> bool:
        """Usable as Fail ErrorPath/CausePath (asl-inventory §3.6)."""
        return self.name in STRING_RESULT_FUNCTIONS

    def paths(self) -> list[Path]:
        """Every path argument, nested calls included, in source order."""
        out: list[Path] = []
        for arg in self.args:
            if isinstance(arg, Path):
                out.append(arg)
            elif isinstance(arg, IntrinsicCall):
                out.extend(arg.paths())
        return out

    def evaluate(self, data: Any, context: Any = None, variables: Variables | None = None,
                 env: ExpressionEnv | None = None) -> Any:
        """Run the call. Raises StatesError: States.IntrinsicFailure for a failing function,
        States.Runtime for a path argument that matches nothing."""
        return self._run(data, context, variables, env or DEFAULT_ENV)

    def _run(self, data: Any, context: Any, variables: Variables | None,
             env: ExpressionEnv) -> Any:
        values = [fn(data, context, variables, env) for fn in self._arg_fns]
        _check_values(self.name, values)
        if self._impl is None:
            return format_string(self._pieces, values)
        return self._impl(values, env)


def _arg_fn(arg: Any) -> ArgFn:
    if isinstance(arg, Path):
        evaluate = arg.evaluate
        return lambda data, context, variables, env: evaluate(data, context, variables)
    if isinstance(arg, IntrinsicCall):
        return arg._run
    return lambda data, context, variables, env: arg


def _check_values(name: str, values: list[Any]) -> None:
    for index, value in enumerate(values):
        problem = kind_problem(name, index, json_kind(value))
        check = VALUE_CHECKS.get((name, index))
        problem = problem or (check(value) if check else None)
        if problem:
            fail(problem[0].upper() + problem[1:])


_CACHE: dict[str, IntrinsicCall] = {}
_CACHE_LIMIT = 20_000


def parse_intrinsic(text: str) -> IntrinsicCall:
    """Parse and statically check an intrinsic call; raises ExpressionSyntaxError. Calls are
    immutable, so validation and compilation share one parse per text (as for paths)."""
    cached = _CACHE.get(text) if isinstance(text, str) else None
    if cached is not None:
        return cached
    if not isinstance(text, str):
        raise ExpressionSyntaxError("An intrinsic function call must be a string")
    call = _build(parse_call(text), text)
    if len(_CACHE) >= _CACHE_LIMIT:
        _CACHE.clear()
    _CACHE[text] = call
    return call


def _build(raw: RawCall, text: str) -> IntrinsicCall:
    if raw.name not in SPECS:
        raise ExpressionSyntaxError(f"Unknown intrinsic function '{raw.name}'", text, raw.position)
    args = tuple(_build(a, text) if isinstance(a, RawCall) else a for a in raw.args)

    def problem(message: str) -> ExpressionSyntaxError:
        return ExpressionSyntaxError(message[0].upper() + message[1:], text, raw.position)

    count_problem = arity_problem(raw.name, len(args))
    if count_problem:
        raise problem(count_problem)
    for index, arg in enumerate(args):
        literal = not isinstance(arg, (Path, IntrinsicCall))
        issue = kind_problem(raw.name, index, _static_kind(arg))
        check = VALUE_CHECKS.get((raw.name, index))
        issue = issue or (check(arg) if check and literal else None)
        if issue:
            raise problem(issue)
    pieces = _template_pieces(raw, args, problem) if raw.name == "States.Format" else None
    return IntrinsicCall(raw.name, args, text[raw.position:raw.end], pieces)


def _static_kind(arg: Any) -> str | None:
    if isinstance(arg, IntrinsicCall):
        return arg.returns
    if isinstance(arg, Path):
        return "number" if arg.has_length else None
    return json_kind(arg)


def _template_pieces(raw: RawCall, args: tuple[Any, ...],
                     problem: Callable[[str], ExpressionSyntaxError]) -> list[str] | None:
    if 0 not in raw.raw:
        return None                    # template comes from a path or call: checked at run time
    try:
        pieces = split_template(raw.raw[0])
    except ValueError as exc:
        raise problem(f"invalid States.Format template: {exc}") from None
    if len(pieces) - 1 != len(args) - 1:
        raise problem(f"the States.Format template has {len(pieces) - 1} placeholder(s) but "
                      f"{len(args) - 1} value argument(s) were given")
    return pieces

"""Compiled payload templates (JSONPath mode, asl-inventory §5.4) and JSONata templates (§6.1).

Both compile once into a tree of closures; constant sub-trees are kept as the original values.
Results share those constant parts with the template and with the input document (path
results are not copied), so callers must treat results as immutable (copy-on-write).
"""
from __future__ import annotations

from typing import Any, Callable, Mapping

from workflow.errors import ExpressionSyntaxError, StatesError
from workflow.expressions._json import MISSING, compact
from workflow.expressions.intrinsics import IntrinsicCall, is_intrinsic_call, parse_intrinsic
from workflow.expressions.jsonata import JsonataExpression, is_jsonata, parse_jsonata
from workflow.expressions.jsonpath import Path, parse_path
from workflow.expressions.runtime import DEFAULT_ENV, ExpressionEnv

__all__ = ["JsonataTemplate", "PayloadTemplate", "compile_jsonata_template",
           "compile_payload_template"]

Variables = Mapping[str, Any]
_PayloadFn = Callable[[Any, Any, "Variables | None", ExpressionEnv], Any]
_Compiled = tuple[bool, Any]            # (is dynamic, closure or constant value)


# -- JSONPath payload templates ----------------------------------------------------------------
class PayloadTemplate:
    """Parameters / ResultSelector / ItemSelector / Assign / BatchInput in JSONPath mode."""

    __slots__ = ("source", "is_constant", "_fn", "_refs")

    def __init__(self, source: Any, compiled: _Compiled, refs: list[Path | IntrinsicCall]) -> None:
        self.source = source
        self.is_constant = not compiled[0]
        self._fn: _PayloadFn | None = compiled[1] if compiled[0] else None
        self._refs = tuple(refs)

    def evaluate(self, data: Any, context: Any = None, variables: Variables | None = None,
                 env: ExpressionEnv | None = None) -> Any:
        if self._fn is None:
            return self.source
        return self._fn(data, context, variables, env or DEFAULT_ENV)

    def paths(self) -> list[Path]:
        """Every path read, including intrinsic arguments (for analysis)."""
        out: list[Path] = []
        for ref in self._refs:
            out.extend(ref.paths() if isinstance(ref, IntrinsicCall) else [ref])
        return out

    def intrinsics(self) -> list[IntrinsicCall]:
        return [ref for ref in self._refs if isinstance(ref, IntrinsicCall)]


def compile_payload_template(value: Any) -> PayloadTemplate:
    refs: list[Path | IntrinsicCall] = []
    return PayloadTemplate(value, _compile_payload(value, refs), refs)


def _compile_payload(value: Any, refs: list[Path | IntrinsicCall]) -> _Compiled:
    if isinstance(value, dict):
        items: list[tuple[str, bool, Any]] = []
        for key, sub in value.items():
            if isinstance(key, str) and key.endswith(".$"):
                items.append((key[:-2], True, _dynamic_field(key, sub, refs)))
            else:
                items.append((key, *_compile_payload(sub, refs)))
        return _object_node(value, items)
    if isinstance(value, list):
        return _array_node(value, [_compile_payload(item, refs) for item in value])
    return False, value


def _object_node(value: dict[str, Any], items: list[tuple[str, bool, Any]]) -> _Compiled:
    if not any(dynamic for _, dynamic, _ in items):
        return False, value
    frozen = tuple(items)

    def build(*args: Any) -> dict[str, Any]:
        return {key: fn(*args) if dynamic else fn for key, dynamic, fn in frozen}
    return True, build


def _array_node(value: list[Any], items: list[_Compiled]) -> _Compiled:
    if not any(dynamic for dynamic, _ in items):
        return False, value
    frozen = tuple(items)

    def build(*args: Any) -> list[Any]:
        return [fn(*args) if dynamic else fn for dynamic, fn in frozen]
    return True, build


def _dynamic_field(key: str, text: Any, refs: list[Path | IntrinsicCall]) -> _PayloadFn:
    if not isinstance(text, str):
        raise ExpressionSyntaxError(f"The value for the field '{key}' must be a valid JSONPath or "
                                    "a valid intrinsic function call", str(text), None)
    try:
        parsed: Path | IntrinsicCall = (parse_intrinsic(text) if is_intrinsic_call(text)
                                        else parse_path(text))
    except ExpressionSyntaxError as exc:
        raise ExpressionSyntaxError(f"The value for the field '{key}' must be a valid JSONPath or "
                                    f"a valid intrinsic function call: {exc}", text,
                                    exc.position) from None
    refs.append(parsed)
    if isinstance(parsed, IntrinsicCall):
        return parsed.evaluate
    return _path_field(key, parsed)


def _path_field(key: str, path: Path) -> _PayloadFn:
    lookup = path.lookup

    def evaluate(data: Any, context: Any, variables: Variables | None, env: ExpressionEnv) -> Any:
        value = lookup(data, context, variables)
        if value is MISSING:
            raise StatesError("States.Runtime", _missing_cause(key, path, data, variables))
        return value
    return evaluate


def _missing_cause(key: str, path: Path, data: Any, variables: Variables | None) -> str:
    if path.is_variable and (variables is None or path.variable not in variables):
        return path.missing_cause(variables)
    return (f"The JSONPath '{path.text}' specified for the field '{key}' could not be found in "
            f"the input '{compact(data)}'")


# -- JSONata templates -------------------------------------------------------------------------
_Options = tuple["str | None", "str | None", "int | None", "ExpressionEnv | None", bool]
_JsonataFn = Callable[[Any, "Variables | None", _Options], Any]


class JsonataTemplate:
    """A JSON value with ``{% %}`` strings at any depth (Output, Arguments, Assign, ...)."""

    __slots__ = ("source", "is_constant", "_fn", "_expressions")

    def __init__(self, source: Any, compiled: _Compiled, expressions: list[JsonataExpression]) -> None:
        self.source = source
        self.is_constant = not compiled[0]
        self._fn: _JsonataFn | None = compiled[1] if compiled[0] else None
        self._expressions = tuple(expressions)

    def expressions(self) -> list[JsonataExpression]:
        return list(self._expressions)

    def evaluate(self, states: Mapping[str, Any], variables: Variables | None = None, *,
                 state_name: str | None = None, field: str | None = None,
                 event_id: int | None = None, env: ExpressionEnv | None = None,
                 omit_undefined: bool = False) -> Any:
        """The value with every expression replaced by its result. An expression returning
        nothing raises States.QueryEvaluationError naming its field, e.g. 'Output/a/b' (measured
        AWS behaviour); with ``omit_undefined`` a nested one drops its key/element instead."""
        if self._fn is None:
            return self.source
        return self._fn(states, variables, (state_name, field, event_id, env, omit_undefined))


def compile_jsonata_template(value: Any) -> JsonataTemplate:
    expressions: list[JsonataExpression] = []
    return JsonataTemplate(value, _compile_jsonata(value, "", expressions), expressions)


def _compile_jsonata(value: Any, location: str, out: list[JsonataExpression]) -> _Compiled:
    if isinstance(value, str) and is_jsonata(value):
        expression = parse_jsonata(value)
        out.append(expression)
        return True, _jsonata_leaf(expression, location)
    if isinstance(value, dict):
        items = [(k, *_compile_jsonata(v, f"{location}/{k}", out)) for k, v in value.items()]
        if not any(dynamic for _, dynamic, _ in items):
            return False, value
        return True, _jsonata_object(tuple(items))
    if isinstance(value, list):
        elements = [_compile_jsonata(v, f"{location}[{i}]", out) for i, v in enumerate(value)]
        if not any(dynamic for dynamic, _ in elements):
            return False, value
        return True, _jsonata_array(tuple(elements))
    return False, value


def _jsonata_leaf(expression: JsonataExpression, location: str) -> _JsonataFn:
    def evaluate(states: Any, variables: Variables | None, options: _Options) -> Any:
        state_name, field, event_id, env, omit_undefined = options
        where = field + location if field else (location.lstrip("/") or None)
        method = expression.evaluate_optional if omit_undefined and location else expression.evaluate
        return method(states, variables, state_name=state_name, field=where, event_id=event_id,
                      env=env)
    return evaluate


def _jsonata_object(items: tuple[tuple[str, bool, Any], ...]) -> _JsonataFn:
    def build(states: Any, variables: Variables | None, options: _Options) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, dynamic, fn in items:
            value = fn(states, variables, options) if dynamic else fn
            if value is not MISSING:
                out[key] = value
        return out
    return build


def _jsonata_array(elements: tuple[_Compiled, ...]) -> _JsonataFn:
    def build(states: Any, variables: Variables | None, options: _Options) -> list[Any]:
        values = [fn(states, variables, options) if dynamic else fn for dynamic, fn in elements]
        return [v for v in values if v is not MISSING]
    return build

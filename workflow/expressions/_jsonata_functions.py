"""Step Functions' extra JSONata functions (asl-inventory §6.6) and the conversion of
jsonata-python results to plain JSON values."""
from __future__ import annotations

import contextvars
import hashlib
import json
import math
import random
from typing import Any, Callable

from jsonata import Jsonata, JException
from jsonata.parser import Parser
from jsonata.utils import Utils

from workflow.expressions._json import MISSING, compact
from workflow.expressions.runtime import DEFAULT_ENV, ExpressionEnv

CURRENT_ENV: contextvars.ContextVar[ExpressionEnv] = contextvars.ContextVar(
    "sfn_expression_env", default=DEFAULT_ENV)
_HASHES = {"MD5": "md5", "SHA-1": "sha1", "SHA-256": "sha256", "SHA-384": "sha384",
           "SHA-512": "sha512"}
_MAX_RANGE_ITEMS = 1000
_MAX_HASH_CHARS = 10_000
_SAFE_INT = 2 ** 53


class FunctionError(JException):
    """A Step Functions-provided function rejected its arguments (or a result is not JSON).
    A JException so that the library passes it through unchanged."""

    def __init__(self, message: str) -> None:
        super().__init__("D3137", -1, message)     # D3137's text is the message itself


def to_json(value: Any) -> Any:
    """A library result -> plain JSON (``MISSING`` for undefined, functions and regexes)."""
    if value is None or _is_function(value):
        return MISSING
    return _plain(value)


def _plain(value: Any) -> Any:
    if value is None or value is Utils.NULL_VALUE:
        return None
    if isinstance(value, bool) or isinstance(value, str):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise FunctionError("The result contains a number that JSON cannot represent")
        # JSON has one number type: 3.0 and 3 are the same value, keep it an int.
        return int(value) if value.is_integer() and abs(value) < _SAFE_INT else value
    if isinstance(value, int):
        return value
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items() if not _is_function(v)}
    if isinstance(value, list):
        return [None if _is_function(v) else _plain(v) for v in value]
    raise FunctionError(f"The result contains a value of type {type(value).__name__}")


def _is_function(value: Any) -> bool:
    return isinstance(value, (Jsonata.JFunctionCallable, Parser.Symbol))


def _arg(value: Any) -> Any:
    """A function argument as plain JSON (undefined -> None)."""
    return None if value is None else _plain(value)


def _integer(value: Any, what: str) -> int:
    value = _arg(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise FunctionError(f"{what[0].upper()}{what[1:]} must be a number")
    return math.floor(value)        # JSONata functions wanting integers round down


def _partition(array: Any = None, size: Any = None) -> list[list[Any]]:
    items = _arg(array)
    if not isinstance(items, list):
        items = [] if items is None else [items]
    chunk = _integer(size, "the partition size")
    if chunk <= 0:
        raise FunctionError("The partition size must be greater than 0")
    return [items[i:i + chunk] for i in range(0, len(items), chunk)]


def _range(start: Any = None, end: Any = None, step: Any = None) -> list[int]:
    first, last = _integer(start, "start"), _integer(end, "end")
    by = 1 if step is None else _integer(step, "step")
    if by == 0:
        raise FunctionError("The step must not be 0")
    values = range(first, last + (1 if by > 0 else -1), by)
    if len(values) > _MAX_RANGE_ITEMS:
        raise FunctionError(f"The range would have more than {_MAX_RANGE_ITEMS} items")
    return list(values)


def _hash(value: Any = None, algorithm: Any = None) -> str:
    data = _arg(value)
    text = data if isinstance(data, str) else compact(data)
    if algorithm not in _HASHES:
        raise FunctionError(f"The hash algorithm must be one of {', '.join(_HASHES)}")
    if len(text) > _MAX_HASH_CHARS:
        raise FunctionError(f"The input to $hash exceeds {_MAX_HASH_CHARS} characters")
    return hashlib.new(_HASHES[algorithm], text.encode("utf-8")).hexdigest()


def _random(seed: Any = None) -> float:
    if seed is None:
        return CURRENT_ENV.get().rng.random()
    seed_value = _arg(seed)
    if not isinstance(seed_value, (int, float, str)) or isinstance(seed_value, bool):
        raise FunctionError("The seed must be a number or a string")
    return random.Random(seed_value).random()


def _uuid() -> str:
    return CURRENT_ENV.get().new_uuid()


def _parse(text: Any = None) -> Any:
    if not isinstance(text, str):
        raise FunctionError("$parse expects a string")
    try:
        parsed = json.loads(text)
    except ValueError as exc:
        raise FunctionError(f"$parse: the argument is not valid JSON ({exc})") from None
    return Utils.NULL_VALUE if parsed is None else parsed


STEP_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "partition": _partition,
    "range": _range,
    "hash": _hash,
    "random": _random,
    "uuid": _uuid,
    "parse": _parse,
}

"""Run-time behaviour of the intrinsic functions (asl-inventory §9.2). Each implementation gets
the already-evaluated, already type-checked argument list."""
from __future__ import annotations

import base64
import binascii
import hashlib
import json
import random
from typing import Any, Callable, NoReturn

from workflow.errors import StatesError
from workflow.expressions._intrinsic_parse import split_template
from workflow.expressions._intrinsic_specs import round_half_up
from workflow.expressions._json import compact, json_equal
from workflow.expressions.runtime import ExpressionEnv

INTRINSIC_FAILURE = "States.IntrinsicFailure"
MAX_RANGE_ITEMS = 1000
MAX_TEXT_CHARS = 10_000
_INT32 = (-(2 ** 31), 2 ** 31 - 1)
_HASHES = {"MD5": "md5", "SHA-1": "sha1", "SHA-256": "sha256", "SHA-384": "sha384",
           "SHA-512": "sha512"}

Impl = Callable[[list[Any], ExpressionEnv], Any]


def fail(cause: str) -> NoReturn:
    raise StatesError(INTRINSIC_FAILURE, cause)


def format_string(pieces: list[str] | None, args: list[Any]) -> str:
    """States.Format; ``pieces`` is precomputed when the template is a literal."""
    if pieces is None:
        try:
            pieces = split_template(args[0])
        except ValueError as exc:
            fail(f"States.Format: invalid template '{args[0]}': {exc}")
    values = args[1:]
    if len(pieces) - 1 != len(values):
        fail(f"States.Format: the template has {len(pieces) - 1} placeholder(s) but "
             f"{len(values)} argument(s) were given")
    out = [pieces[0]]
    for value, piece in zip(values, pieces[1:]):
        out.append(value if isinstance(value, str) else json.dumps(value))
        out.append(piece)
    return "".join(out)


def _string_to_json(args: list[Any], env: ExpressionEnv) -> Any:
    try:
        return json.loads(args[0])
    except ValueError as exc:
        fail(f"States.StringToJson: the argument is not valid JSON text ({exc})")


def _array_partition(args: list[Any], env: ExpressionEnv) -> list[list[Any]]:
    array, size = args[0], round_half_up(args[1])
    return [array[i:i + size] for i in range(0, len(array), size)]


def _array_range(args: list[Any], env: ExpressionEnv) -> list[int]:
    start, end, step = (round_half_up(a) for a in args)
    values = range(start, end + (1 if step > 0 else -1), step)
    if len(values) > MAX_RANGE_ITEMS:
        fail(f"States.ArrayRange: the range would have {len(values)} items; "
             f"at most {MAX_RANGE_ITEMS} are allowed")
    return list(values)


def _array_get_item(args: list[Any], env: ExpressionEnv) -> Any:
    array, index = args[0], round_half_up(args[1])
    if not 0 <= index < len(array):
        fail(f"States.ArrayGetItem: index {index} is out of bounds for an array of length "
             f"{len(array)}")
    return array[index]


def _array_unique(args: list[Any], env: ExpressionEnv) -> list[Any]:
    out: list[Any] = []
    for item in args[0]:
        if not any(json_equal(item, seen) for seen in out):
            out.append(item)
    return out


def _limited(name: str, text: str) -> str:
    if len(text) > MAX_TEXT_CHARS:
        fail(f"{name}: the input has {len(text)} characters; at most {MAX_TEXT_CHARS} are allowed")
    return text


def _base64_encode(args: list[Any], env: ExpressionEnv) -> str:
    text = _limited("States.Base64Encode", args[0])
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def _base64_decode(args: list[Any], env: ExpressionEnv) -> str:
    text = _limited("States.Base64Decode", args[0])
    try:
        return base64.b64decode(text, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError) as exc:
        fail(f"States.Base64Decode: the argument is not valid Base64-encoded text ({exc})")


def _hash(args: list[Any], env: ExpressionEnv) -> str:
    data = args[0] if isinstance(args[0], str) else compact(args[0])
    data = _limited("States.Hash", data)
    return hashlib.new(_HASHES[args[1]], data.encode("utf-8")).hexdigest()


def _int_args(name: str, args: list[Any]) -> list[int]:
    values = [round_half_up(a) for a in args]
    for value in values:
        if not _INT32[0] <= value <= _INT32[1]:
            fail(f"{name}: {value} is outside the signed 32-bit integer range")
    return values


def _math_random(args: list[Any], env: ExpressionEnv) -> int:
    values = _int_args("States.MathRandom", args)
    start, end = values[0], values[1]
    if start >= end:
        fail(f"States.MathRandom: the start ({start}) must be less than the end ({end})")
    rng = random.Random(values[2]) if len(values) > 2 else env.rng
    return rng.randrange(start, end)


def _math_add(args: list[Any], env: ExpressionEnv) -> int:
    total = sum(_int_args("States.MathAdd", args))
    if not _INT32[0] <= total <= _INT32[1]:
        fail(f"States.MathAdd: the sum {total} is outside the signed 32-bit integer range")
    return total


def _string_split(args: list[Any], env: ExpressionEnv) -> list[str]:
    # Every delimiter character separates; empty tokens are dropped (measured AWS behaviour).
    text, delimiters = args
    if not delimiters:
        return [text] if text else []
    tokens: list[str] = []
    current: list[str] = []
    for char in text:
        if char in delimiters:
            tokens.append("".join(current))
            current = []
        else:
            current.append(char)
    tokens.append("".join(current))
    return [t for t in tokens if t]


IMPLEMENTATIONS: dict[str, Impl] = {
    "States.StringToJson": _string_to_json,
    "States.JsonToString": lambda args, env: compact(args[0]),
    "States.Array": lambda args, env: list(args),
    "States.ArrayPartition": _array_partition,
    "States.ArrayContains": lambda args, env: any(json_equal(x, args[1]) for x in args[0]),
    "States.ArrayRange": _array_range,
    "States.ArrayGetItem": _array_get_item,
    "States.ArrayLength": lambda args, env: len(args[0]),
    "States.ArrayUnique": _array_unique,
    "States.Base64Encode": _base64_encode,
    "States.Base64Decode": _base64_decode,
    "States.Hash": _hash,
    "States.JsonMerge": lambda args, env: {**args[0], **args[1]},
    "States.MathRandom": _math_random,
    "States.MathAdd": _math_add,
    "States.StringSplit": _string_split,
    "States.UUID": lambda args, env: env.new_uuid(),
}

"""Static facts about the 18 intrinsic functions (asl-inventory §9.2): arity, argument JSON
types, result type, and the checks that can be made before run time."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from workflow.expressions._json import is_number

STRING, NUMBER, BOOLEAN, NULL, ARRAY, OBJECT = "string", "number", "boolean", "null", "array", "object"
SCALAR = frozenset({STRING, NUMBER, BOOLEAN, NULL})
HASH_ALGORITHMS = ("MD5", "SHA-1", "SHA-256", "SHA-384", "SHA-512")

Kinds = frozenset[str] | None             # None = any JSON value


@dataclass(frozen=True)
class Spec:
    min_args: int
    max_args: int | None                   # None = unbounded
    params: tuple[Kinds, ...]              # one entry per position; the last repeats
    returns: str | None                    # JSON type of the result, None = any

    def kinds(self, index: int) -> Kinds:
        if not self.params:
            return None
        return self.params[min(index, len(self.params) - 1)]


def _k(*kinds: str) -> frozenset[str]:
    return frozenset(kinds)


SPECS: dict[str, Spec] = {
    "States.Format": Spec(1, None, (_k(STRING), SCALAR), STRING),
    "States.StringToJson": Spec(1, 1, (_k(STRING),), None),
    "States.JsonToString": Spec(1, 1, (None,), STRING),
    "States.Array": Spec(0, None, (None,), ARRAY),
    "States.ArrayPartition": Spec(2, 2, (_k(ARRAY), _k(NUMBER)), ARRAY),
    "States.ArrayContains": Spec(2, 2, (_k(ARRAY), None), BOOLEAN),
    "States.ArrayRange": Spec(3, 3, (_k(NUMBER),), ARRAY),
    "States.ArrayGetItem": Spec(2, 2, (_k(ARRAY), _k(NUMBER)), None),
    "States.ArrayLength": Spec(1, 1, (_k(ARRAY),), NUMBER),
    "States.ArrayUnique": Spec(1, 1, (_k(ARRAY),), ARRAY),
    "States.Base64Encode": Spec(1, 1, (_k(STRING),), STRING),
    "States.Base64Decode": Spec(1, 1, (_k(STRING),), STRING),
    "States.Hash": Spec(2, 2, (None, _k(STRING)), STRING),
    "States.JsonMerge": Spec(3, 3, (_k(OBJECT), _k(OBJECT), _k(BOOLEAN)), OBJECT),
    "States.MathRandom": Spec(2, 3, (_k(NUMBER),), NUMBER),
    "States.MathAdd": Spec(2, 2, (_k(NUMBER),), NUMBER),
    "States.StringSplit": Spec(2, 2, (_k(STRING),), ARRAY),
    "States.UUID": Spec(0, 0, (), STRING),
}

# Fail ErrorPath/CausePath accept these (asl-inventory §3.6).
STRING_RESULT_FUNCTIONS = frozenset({
    "States.Format", "States.JsonToString", "States.ArrayGetItem", "States.Base64Encode",
    "States.Base64Decode", "States.Hash", "States.UUID",
})


def json_kind(value: Any) -> str:
    if value is None:
        return NULL
    if isinstance(value, bool):
        return BOOLEAN
    if is_number(value):
        return NUMBER
    if isinstance(value, str):
        return STRING
    if isinstance(value, list):
        return ARRAY
    if isinstance(value, dict):
        return OBJECT
    return type(value).__name__


def arity_problem(name: str, count: int) -> str | None:
    spec = SPECS[name]
    if spec.min_args <= count and (spec.max_args is None or count <= spec.max_args):
        return None
    if spec.max_args is None:
        expected = f"at least {spec.min_args}"
    elif spec.min_args == spec.max_args:
        expected = str(spec.min_args)
    else:
        expected = f"{spec.min_args} or {spec.max_args}"
    plural = "" if expected == "1" else "s"
    verb = "was" if count == 1 else "were"
    return f"{name} takes {expected} argument{plural}, but {count} {verb} given"


def kind_problem(name: str, index: int, kind: str | None) -> str | None:
    """``kind`` is the statically known JSON type of argument ``index`` (None = unknown)."""
    allowed = SPECS[name].kinds(index)
    if kind is None or allowed is None or kind in allowed:
        return None
    return f"argument {index + 1} of {name} must be {_describe(allowed)}, not {_article(kind)}"


def _describe(kinds: frozenset[str]) -> str:
    if kinds == SCALAR:
        return "a string, number, boolean or null"
    return " or ".join(_article(k) for k in sorted(kinds))


def _article(kind: str) -> str:
    return ("an " if kind[0] in "aeiou" else "a ") + kind


def _hash_algorithm(value: Any) -> str | None:
    if isinstance(value, str) and value not in HASH_ALGORITHMS:
        return f"the hash algorithm must be one of {', '.join(HASH_ALGORITHMS)}, not '{value}'"
    return None


def _deep_merge(value: Any) -> str | None:
    if value is True:
        return "States.JsonMerge only supports a shallow merge: the third argument must be false"
    return None


def _step(value: Any) -> str | None:
    return "the step of States.ArrayRange must not be 0" if is_number(value) and value == 0 else None


def _chunk(value: Any) -> str | None:
    if is_number(value) and round_half_up(value) <= 0:
        return "the chunk size of States.ArrayPartition must be greater than 0"
    return None


# (function, argument index) -> check of a literal (or run-time) argument value.
VALUE_CHECKS: dict[tuple[str, int], Callable[[Any], str | None]] = {
    ("States.Hash", 1): _hash_algorithm,
    ("States.JsonMerge", 2): _deep_merge,
    ("States.ArrayRange", 2): _step,
    ("States.ArrayPartition", 1): _chunk,
}


def round_half_up(value: float) -> int:
    """Round half away from zero, as AWS does for integer arguments (not Python's banker's)."""
    if isinstance(value, int):
        return value
    whole = int(abs(value) + 0.5)
    return whole if value >= 0 else -whole

"""A fast yes/no check compiled from the JSON Schema subset that ``asl_schemas/`` uses.

python-jsonschema spends ~100-200 us on one state, too slow for a 1,000-state definition, so the
schema stage asks this compiled predicate first and only lets jsonschema (the authority for
error messages) look at objects that fail. Both read the same schema files; the tests check
that they agree on every corpus definition. Unknown keywords are refused at compile time, so a
schema edit that needs more than this subset cannot silently pass everything.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from referencing._core import Resolver   # not re-exported by the package

Check = Callable[[Any], bool]

# Keywords that never change validity.
_ANNOTATIONS = frozenset({"$schema", "$id", "$defs", "$comment", "title", "description",
                          "then", "else"})   # then/else are compiled together with "if"


def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _is_integer(x: Any) -> bool:
    # Same rule as jsonschema: 1.0 is an integer, True is not.
    return _is_number(x) and (isinstance(x, int) or x.is_integer())


_TYPES: dict[str, Check] = {
    "object": lambda x: isinstance(x, dict),
    "array": lambda x: isinstance(x, list),
    "string": lambda x: isinstance(x, str),
    "boolean": lambda x: isinstance(x, bool),
    "null": lambda x: x is None,
    "number": _is_number,
    "integer": _is_integer,
}


def _same(a: Any, b: Any) -> bool:
    return isinstance(a, bool) == isinstance(b, bool) and a == b


def compile_schema(schema: Any, resolver: Resolver) -> Check:
    """A predicate equal to jsonschema's validity for ``schema`` (refs found by ``resolver``)."""
    if schema is True:
        return lambda x: True
    if schema is False:
        return lambda x: False
    checks = [_keyword(k, v, schema, resolver) for k, v in schema.items() if k not in _ANNOTATIONS]
    return _all_of([c for c in checks if c is not None])


def _all_of(checks: list[Check]) -> Check:
    """The conjunction of ``checks``, in order (unrolled for the short lists schemas have)."""
    if not checks:
        return lambda x: True
    if len(checks) == 1:
        return checks[0]
    if len(checks) == 2:
        first, second = checks
        return lambda x: first(x) and second(x)
    if len(checks) == 3:
        first, second, third = checks
        return lambda x: first(x) and second(x) and third(x)

    def check(x: Any) -> bool:
        for c in checks:
            if not c(x):
                return False
        return True
    return check


def _any_of(checks: list[Check]) -> Check:
    if len(checks) == 1:
        return checks[0]
    if len(checks) == 2:
        first, second = checks
        return lambda x: first(x) or second(x)

    def check(x: Any) -> bool:
        for c in checks:
            if c(x):
                return True
        return False
    return check


def _keyword(key: str, value: Any, schema: dict[str, Any], resolver: Resolver) -> Check | None:
    if key in _SIMPLE:
        return _SIMPLE[key](value)
    if key == "$ref":
        resolved = resolver.lookup(value)
        return compile_schema(resolved.contents, resolved.resolver)
    if key == "properties":
        return _properties(schema, resolver)
    if key == "additionalProperties":
        return None if "properties" in schema else _properties(schema, resolver)
    if key == "items":
        return _items(compile_schema(value, resolver))
    if key in ("anyOf", "allOf"):
        subs = [compile_schema(s, resolver) for s in value]
        return _any_of(subs) if key == "anyOf" else _all_of(subs)
    if key == "not":
        sub = compile_schema(value, resolver)
        return lambda x: not sub(x)
    if key == "if":
        return _conditional(schema, resolver)
    raise ValueError(f"schema keyword {key!r} is not supported by the fast checker")


def _items(item: Check) -> Check:
    def check(x: Any) -> bool:
        if isinstance(x, list):
            for i in x:
                if not item(i):
                    return False
        return True
    return check


def _type(value: str | list[str]) -> Check:
    return _any_of([_TYPES[t] for t in ([value] if isinstance(value, str) else value)])


def _pattern(value: str) -> Check:
    search = re.compile(value).search
    return lambda x: not isinstance(x, str) or search(x) is not None


def _required(names: list[str]) -> Check:
    if len(names) == 1:
        name = names[0]
        return lambda x: not isinstance(x, dict) or name in x
    wanted = frozenset(names)
    return lambda x: not isinstance(x, dict) or x.keys() >= wanted


def _const(value: Any) -> Check:
    if isinstance(value, str):
        # For JSON values _same(x, value) is plain equality: only an equal string matches.
        return lambda x: x == value
    return lambda x: _same(x, value)


def _enum(values: list[Any]) -> Check:
    if values and all(isinstance(v, str) for v in values):
        strings = frozenset(values)
        return lambda x: isinstance(x, str) and x in strings
    return lambda x: any(_same(x, v) for v in values)


_SIMPLE: dict[str, Callable[[Any], Check]] = {
    "type": _type,
    "pattern": _pattern,
    "required": _required,
    "enum": _enum,
    "const": _const,
    "minimum": lambda lo: lambda x: (not isinstance(x, (int, float)) or isinstance(x, bool)
                                     or x >= lo),
    "maximum": lambda hi: lambda x: (not isinstance(x, (int, float)) or isinstance(x, bool)
                                     or x <= hi),
    "minItems": lambda n: lambda x: not isinstance(x, list) or len(x) >= n,
    "minProperties": lambda n: lambda x: not isinstance(x, dict) or len(x) >= n,
    "maxLength": lambda n: lambda x: not isinstance(x, str) or len(x) <= n,
}


def _properties(schema: dict[str, Any], resolver: Resolver) -> Check:
    """``properties`` and ``additionalProperties`` in one pass over the object."""
    props = {k: compile_schema(v, resolver) for k, v in schema.get("properties", {}).items()}
    extra_schema = schema.get("additionalProperties", True)
    extra = None if extra_schema is True else compile_schema(extra_schema, resolver)

    get = props.get
    if extra is None:
        def check(x: Any) -> bool:
            if isinstance(x, dict):
                for key, value in x.items():
                    sub = get(key)
                    if sub is not None and not sub(value):
                        return False
            return True
        return check

    def check_extra(x: Any) -> bool:
        if isinstance(x, dict):
            for key, value in x.items():
                if not get(key, extra)(value):
                    return False
        return True
    return check_extra


def _conditional(schema: dict[str, Any], resolver: Resolver) -> Check:
    test = compile_schema(schema["if"], resolver)
    then = compile_schema(schema.get("then", True), resolver)
    other = compile_schema(schema.get("else", True), resolver)
    return lambda x: then(x) if test(x) else other(x)

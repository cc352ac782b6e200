"""JSONPath as ASL uses it (Jayway dialect; asl-inventory §5): parse once, evaluate fast.

    parse_path("$.a.b[0]").evaluate(data)        -> the single value (reference path)
    parse_path("$.items[*].id").evaluate(data)   -> list of every match (possibly [])

Roots: ``$`` data, ``$$`` context object, ``$name`` workflow variable. A *reference* path
(``is_reference``) uses only plain names and single indices and so addresses one node.
"""
from __future__ import annotations

from typing import Any, Callable, Literal, Mapping

from workflow.errors import ExpressionSyntaxError, StatesError
from workflow.expressions._json import MISSING, Missing, compact
from workflow.expressions._pathast import (
    Child, Index, Length, ParsedPath, Segment, is_single_step, normalized,
)
from workflow.expressions._pathparse import parse_path_prefix, parse_path_text
from workflow.expressions._pathsteps import compile_steps, lookup_keys, root_value, run_steps

__all__ = ["MISSING", "Missing", "Path", "parse_path", "parse_path_at", "parse_reference_path",
           "set_reference_path"]

RUNTIME = "States.Runtime"
Variables = Mapping[str, Any]
_Lookup = Callable[[Any, Any, "Variables | None"], Any]


class Path:
    """An immutable, compiled JSONPath. Build it with ``parse_path``."""

    __slots__ = ("text", "root_kind", "variable", "segments", "is_reference", "keys",
                 "normalized", "has_length", "_lookup")

    text: str
    root_kind: Literal["data", "context", "variable"]
    variable: str | None
    segments: tuple[Segment, ...]
    is_reference: bool                 # addresses exactly one node (asl-inventory §5.3)
    keys: tuple[str | int, ...]        # the plain keys of a reference path, else ()
    normalized: str                    # Jayway spelling, e.g. $['a'][0]
    has_length: bool                   # ends with .length(): evaluates to one number
    _lookup: _Lookup

    def __init__(self, text: str, parsed: ParsedPath) -> None:
        set_ = object.__setattr__
        reference = all(is_single_step(s) for s in parsed.segments)
        set_(self, "text", text)
        set_(self, "root_kind", parsed.root_kind)
        set_(self, "variable", parsed.variable)
        set_(self, "segments", parsed.segments)
        set_(self, "is_reference", reference)
        set_(self, "keys", _keys(parsed.segments) if reference else ())
        set_(self, "normalized", normalized(parsed))
        set_(self, "has_length", bool(parsed.segments) and isinstance(parsed.segments[-1], Length))
        set_(self, "_lookup", _compile_lookup(parsed, self.keys if reference else None))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Path is immutable")

    def __repr__(self) -> str:
        return f"Path({self.text!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Path) and other.text == self.text

    def __hash__(self) -> int:
        return hash(self.text)

    @property
    def is_definite(self) -> bool:
        return self.is_reference

    @property
    def is_context(self) -> bool:
        return self.root_kind == "context"

    @property
    def is_variable(self) -> bool:
        return self.root_kind == "variable"

    @property
    def returns_single(self) -> bool:
        """True when ``evaluate`` yields one value rather than a list of matches."""
        return self.is_reference or self.has_length

    def lookup(self, data: Any, context: Any = None, variables: Variables | None = None) -> Any:
        """The value (single-value paths) or list of matches; ``MISSING`` if nothing / undefined
        variable. Never raises."""
        return self._lookup(data, context, variables)

    def evaluate(self, data: Any, context: Any = None, variables: Variables | None = None) -> Any:
        """Like ``lookup`` but a miss raises ``States.Runtime`` with AWS's wording."""
        value = self._lookup(data, context, variables)
        if value is MISSING:
            raise StatesError(RUNTIME, self.missing_cause(variables))
        return value

    def find(self, data: Any, context: Any = None, variables: Variables | None = None) -> list[Any]:
        """Every match as a list (``[]`` when none). Never raises."""
        value = self._lookup(data, context, variables)
        if value is MISSING:
            return []
        return [value] if self.returns_single else value

    def exists(self, data: Any, context: Any = None, variables: Variables | None = None) -> bool:
        """Choice ``IsPresent``: the path matches at least one node."""
        value = self._lookup(data, context, variables)
        return value is not MISSING and (self.returns_single or bool(value))

    def missing_cause(self, variables: Variables | None = None) -> str:
        if self.root_kind == "variable" and (variables is None or self.variable not in variables):
            return f"Invalid path '{self.text}' : The variable '{self.variable}' is not defined."
        return f"Invalid path '{self.text}' : No results for path: {self.normalized}"


def _keys(segments: tuple[Segment, ...]) -> tuple[str | int, ...]:
    return tuple(s.names[0] if isinstance(s, Child) else s.indices[0]
                 for s in segments if isinstance(s, (Child, Index)))


def _compile_lookup(parsed: ParsedPath, keys: tuple[str | int, ...] | None) -> _Lookup:
    if keys is not None and parsed.root_kind == "data":
        return _data_lookup(keys)
    steps = compile_steps(parsed.segments)
    has_length = bool(parsed.segments) and isinstance(parsed.segments[-1], Length)

    def lookup(data: Any, context: Any, variables: Variables | None) -> Any:
        scope = (data, context, variables)
        root = root_value(parsed, None, scope)
        if root is MISSING:
            return MISSING
        if keys is not None:
            return lookup_keys(root, keys)
        found = run_steps(steps, root, scope)
        return _length(found, parsed) if has_length else found
    return lookup


def _data_lookup(keys: tuple[str | int, ...]) -> _Lookup:
    """The hot path: ``$.a.b[0]`` on the state's data."""
    if all(isinstance(k, str) for k in keys):
        def lookup(data: Any, context: Any, variables: Variables | None) -> Any:
            node = data
            try:
                for key in keys:        # only dicts take str keys; str/list/scalars raise
                    node = node[key]
            except (KeyError, TypeError):
                return MISSING
            return node
        return lookup
    return lambda data, context, variables: lookup_keys(data, keys)


def _length(found: list[Any], parsed: ParsedPath) -> Any:
    base_single = all(is_single_step(s) for s in parsed.segments[:-1])
    if base_single:
        if not found:
            return MISSING
        target = found[0]
        return len(target) if isinstance(target, (list, dict, str)) else MISSING
    return len(found)


_CACHE: dict[str, Path] = {}
_CACHE_LIMIT = 20_000


def parse_path(text: str) -> Path:
    """Parse (or fetch from the cache) a JSONPath; raises ExpressionSyntaxError."""
    cached = _CACHE.get(text) if isinstance(text, str) else None
    if cached is not None:
        return cached
    if not isinstance(text, str):
        raise ExpressionSyntaxError(f"A path must be a string, not {type(text).__name__}")
    path = Path(text, parse_path_text(text))
    if len(_CACHE) >= _CACHE_LIMIT:
        _CACHE.clear()
    _CACHE[text] = path
    return path


def parse_path_at(text: str, start: int) -> tuple[Path, int]:
    """Parse a path embedded in a larger text (intrinsic arguments); returns (path, end)."""
    parsed, end = parse_path_prefix(text, start)
    return Path(text[start:end], parsed), end


def parse_reference_path(text: str) -> Path:
    """A path that must address a single node (ResultPath, ItemsPath, ...Path fields)."""
    path = parse_path(text)
    if not path.is_reference:
        raise ExpressionSyntaxError(
            f"Invalid path '{text}': must be a reference path (only field names and single array "
            "indices; no '*', '..', slices, unions, filters or functions)", text, 0)
    return path


def set_reference_path(path: Path, data: Any, value: Any) -> Any:
    """ResultPath: a new document with ``value`` at ``path`` (only the spine is copied)."""
    if not path.is_reference or path.root_kind != "data":
        raise ValueError(f"ResultPath must be a reference path on the data, not {path.text!r}")
    try:
        return _put(data, path.keys, 0, value)
    except _NoMatch:
        shown = data if isinstance(data, str) else compact(data)
        cause = f'Unable to apply ResultPath "{path.text}" to input "{shown}"'
        raise StatesError("States.ResultPathMatchFailure", cause) from None


class _NoMatch(Exception):
    pass


def _put(node: Any, keys: tuple[str | int, ...], i: int, value: Any) -> Any:
    if i == len(keys):
        return value
    key = keys[i]
    if isinstance(key, str):
        if not isinstance(node, dict):
            raise _NoMatch
        child = node.get(key, MISSING)
        if child is MISSING and i + 1 < len(keys):
            if not isinstance(keys[i + 1], str):
                raise _NoMatch
            child = {}                  # ResultPath creates missing intermediate objects
        out = dict(node)
        out[key] = _put(child, keys, i + 1, value)
        return out
    if not isinstance(node, list) or not -len(node) <= key < len(node):
        raise _NoMatch
    out_list = list(node)
    out_list[key] = _put(node[key], keys, i + 1, value)
    return out_list

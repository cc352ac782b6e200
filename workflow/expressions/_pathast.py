"""Syntax tree of a parsed JSONPath (Jayway dialect as ASL uses it)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, Union

RootKind = Literal["data", "context", "variable", "current"]


@dataclass(frozen=True, slots=True)
class Child:
    """``.name`` / ``['name']``; several names = a union ``['a','b']``."""

    names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Index:
    """``[n]``, ``[-n]``; several indices = a union ``[0,1]``."""

    indices: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Wildcard:
    """``.*`` / ``[*]``."""


@dataclass(frozen=True, slots=True)
class Slice:
    start: int | None
    stop: int | None
    step: int | None


@dataclass(frozen=True, slots=True)
class Filter:
    expr: "FilterNode"
    text: str                      # source text between '[' and ']', for normalised output


@dataclass(frozen=True, slots=True)
class Scan:
    """``..x``: ``target`` applied to the node and every descendant."""

    target: Union[Child, Index, Wildcard, Slice, Filter]


@dataclass(frozen=True, slots=True)
class Length:
    """Trailing ``.length()`` (Jayway function)."""


Segment = Union[Child, Index, Wildcard, Slice, Filter, Scan, Length]


@dataclass(frozen=True, slots=True)
class ParsedPath:
    root_kind: RootKind
    variable: str | None
    segments: tuple[Segment, ...]


@dataclass(frozen=True, slots=True)
class FLiteral:
    value: Any


@dataclass(frozen=True, slots=True)
class FPath:
    path: ParsedPath


@dataclass(frozen=True, slots=True)
class FCompare:
    op: str
    left: Union[FLiteral, FPath]
    right: Union[FLiteral, FPath]


@dataclass(frozen=True, slots=True)
class FExists:
    path: ParsedPath


@dataclass(frozen=True, slots=True)
class FNot:
    inner: "FilterNode"


@dataclass(frozen=True, slots=True)
class FBool:
    op: Literal["&&", "||"]
    left: "FilterNode"
    right: "FilterNode"


FilterNode = Union[FCompare, FExists, FNot, FBool]


def is_single_step(segment: Segment) -> bool:
    """A step that addresses at most one node (asl-inventory §5.3: reference paths)."""
    if isinstance(segment, Child):
        return len(segment.names) == 1
    if isinstance(segment, Index):
        return len(segment.indices) == 1
    return False


def normalized(parsed: ParsedPath) -> str:
    """Jayway's normalised spelling, e.g. ``$['a'][0]`` (used in AWS error causes)."""
    root = {"data": "$", "context": "$$", "current": "@"}.get(parsed.root_kind)
    out = [root if root is not None else "$" + str(parsed.variable)]
    for seg in parsed.segments:
        out.append(_segment_text(seg))
    return "".join(out)


def _segment_text(seg: Segment) -> str:
    if isinstance(seg, Scan):
        return ".." + _segment_text(seg.target)
    if isinstance(seg, Child):
        return "[" + ",".join("'" + n.replace("'", "\\'") + "'" for n in seg.names) + "]"
    if isinstance(seg, Index):
        return "[" + ",".join(str(i) for i in seg.indices) + "]"
    if isinstance(seg, Wildcard):
        return "[*]"
    if isinstance(seg, Slice):
        parts = ["" if v is None else str(v) for v in (seg.start, seg.stop)]
        tail = "" if seg.step is None else f":{seg.step}"
        return f"[{parts[0]}:{parts[1]}{tail}]"
    if isinstance(seg, Filter):
        return "[" + seg.text + "]"
    return ".length()"

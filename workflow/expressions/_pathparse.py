"""Recursive-descent parser for ASL JSONPath (Jayway dialect, asl-inventory §5.3).

Roots: ``$`` (data), ``$$`` (context object), ``$name`` (workflow variable); inside filters
also ``@`` (the current node). ``embedded`` mode is used by the intrinsic-function parser: the
path then ends at a top-level ``,``, ``)`` or whitespace instead of at the end of the text.
"""
from __future__ import annotations

import re
from typing import NoReturn

from workflow.errors import ExpressionSyntaxError
from workflow.expressions._filterparse import parse_filter_expr
from workflow.expressions._pathast import (
    Child, Filter, Index, Length, ParsedPath, RootKind, Scan, Segment, Slice, Wildcard,
)

_INT = re.compile(r"-?\d+")
_NAME_STOPS = frozenset(".[]()'\",")
_FILTER_STOPS = _NAME_STOPS | frozenset("=!<>&|")
_FILTER_END = _FILTER_STOPS - {".", "["}


def parse_path_text(text: str) -> ParsedPath:
    """Parse a whole path; the entire text must be consumed."""
    if not text:
        raise ExpressionSyntaxError("Invalid path '': a path must not be empty", text, 0)
    return _Parser(text, 0, embedded=False).whole()


def parse_path_prefix(text: str, start: int) -> tuple[ParsedPath, int]:
    """Parse a path starting at ``start``; return it and the offset just after it."""
    parser = _Parser(text, start, embedded=True)
    parsed = parser.path(in_filter=False)
    return parsed, parser.pos


class _Parser:
    def __init__(self, text: str, pos: int, embedded: bool) -> None:
        self.text = text
        self.pos = pos
        self.embedded = embedded
        self.in_filter = False

    # -- helpers ---------------------------------------------------------------------------
    def fail(self, problem: str, pos: int | None = None) -> NoReturn:
        where = self.pos if pos is None else pos
        raise ExpressionSyntaxError(
            f"Invalid path '{self.text}': {problem} (at position {where})", self.text, where)

    def peek(self, offset: int = 0) -> str:
        i = self.pos + offset
        return self.text[i] if i < len(self.text) else ""

    def skip_ws(self) -> None:
        while self.peek().isspace():
            self.pos += 1

    def expect(self, char: str) -> None:
        self.skip_ws()
        if self.peek() != char:
            found = repr(self.peek()) if self.peek() else "end of path"
            self.fail(f"expected '{char}' but found {found}")
        self.pos += 1

    def at_stop(self) -> bool:
        char = self.peek()
        if self.in_filter:
            return char in _FILTER_END or char.isspace()
        return self.embedded and (char in ",)" or char.isspace())

    # -- paths -----------------------------------------------------------------------------
    def whole(self) -> ParsedPath:
        parsed = self.path(in_filter=False)
        if self.pos != len(self.text):
            self.fail(f"unexpected character {self.peek()!r}")
        return parsed

    def path(self, in_filter: bool) -> ParsedPath:
        saved, self.in_filter = self.in_filter, in_filter
        try:
            root_kind, variable = self.root()
            return ParsedPath(root_kind, variable, self.segments())
        finally:
            self.in_filter = saved

    def root(self) -> tuple[RootKind, str | None]:
        char = self.peek()
        if char == "@" and self.in_filter:
            self.pos += 1
            return "current", None
        if char != "$":
            self.fail("a path must start with '$'")
        self.pos += 1
        if self.peek() == "$":
            self.pos += 1
            return "context", None
        if self.peek().isidentifier():
            start = self.pos
            while self.peek() and ("_" + self.peek()).isidentifier():
                self.pos += 1
            return "variable", self.text[start:self.pos]
        return "data", None

    def segments(self) -> tuple[Segment, ...]:
        out: list[Segment] = []
        while self.pos < len(self.text) and not self.at_stop():
            if out and isinstance(out[-1], Length):
                self.fail("length() must be the last part of a path")
            char = self.peek()
            if char == ".":
                out.append(self.dot())
            elif char == "[":
                out.append(self.bracket())
            else:
                self.fail(f"unexpected character {char!r}")
        return tuple(out)

    def dot(self) -> Segment:
        self.pos += 1
        char = self.peek()
        if char == ".":
            self.pos += 1
            return Scan(self.scan_target())
        if char == "*":
            self.pos += 1
            return Wildcard()
        if char == "[":
            return self.bracket()
        start = self.pos
        name = self.name()
        if not name:
            self.fail("expected a field name after '.'", start)
        if self.peek() == "(":
            return self.function(name, start)
        return Child((name,))

    def function(self, name: str, start: int) -> Length:
        if name != "length" or self.peek(1) != ")":
            self.fail(f"unsupported path function '{name}()'", start)
        self.pos += 2
        return Length()

    def scan_target(self) -> Child | Index | Wildcard | Slice | Filter:
        char = self.peek()
        if char == "*":
            self.pos += 1
            return Wildcard()
        if char == "[":
            segment = self.bracket()
            assert not isinstance(segment, (Scan, Length))
            return segment
        start = self.pos
        name = self.name()
        if not name:
            self.fail("expected a field name or '*' after '..'", start)
        return Child((name,))

    def name(self) -> str:
        stops = _FILTER_STOPS if self.in_filter else _NAME_STOPS
        chars: list[str] = []
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char == "\\":
                if self.pos + 1 >= len(self.text):
                    self.fail("a backslash must be followed by the character it escapes")
                chars.append(self.text[self.pos + 1])
                self.pos += 2
                continue
            if char in stops or char.isspace():
                break
            chars.append(char)
            self.pos += 1
        return "".join(chars)

    # -- brackets --------------------------------------------------------------------------
    def bracket(self) -> Segment:
        open_at = self.pos
        self.pos += 1
        self.skip_ws()
        char = self.peek()
        if not char:
            self.fail("unclosed '['", open_at)
        if char == "*":
            self.pos += 1
            segment: Segment = Wildcard()
        elif char in "'\"":
            segment = self.quoted_names()
        elif char == "?":
            segment = self.filter(open_at)
        elif char == "-" or char == ":" or char.isdigit():
            segment = self.indices()
        else:
            self.fail(f"unexpected character {char!r} after '['")
        self.expect("]")
        return segment

    def quoted_names(self) -> Child:
        names = [self.quoted()]
        self.skip_ws()
        while self.peek() == ",":
            self.pos += 1
            self.skip_ws()
            if self.peek() not in ("'", '"') or not self.peek():
                self.fail("expected a quoted field name after ','")
            names.append(self.quoted())
            self.skip_ws()
        return Child(tuple(names))

    def quoted(self) -> str:
        quote, start = self.peek(), self.pos
        self.pos += 1
        chars: list[str] = []
        while self.pos < len(self.text) and self.text[self.pos] != quote:
            if self.text[self.pos] == "\\" and self.pos + 1 < len(self.text):
                self.pos += 1
            chars.append(self.text[self.pos])
            self.pos += 1
        if self.pos >= len(self.text):
            self.fail("unterminated quoted name", start)
        self.pos += 1
        return "".join(chars)

    def integer(self) -> int | None:
        self.skip_ws()
        match = _INT.match(self.text, self.pos)
        if not match:
            return None
        self.pos = match.end()
        return int(match.group())

    def indices(self) -> Index | Slice:
        first = self.integer()
        self.skip_ws()
        if self.peek() == ":":
            return self.slice_rest(first)
        if first is None:
            self.fail("expected an array index")
        values = [first]
        while self.peek() == ",":
            self.pos += 1
            value = self.integer()
            if value is None:
                self.fail("expected an array index after ','")
            values.append(value)
            self.skip_ws()
        return Index(tuple(values))

    def slice_rest(self, start: int | None) -> Slice:
        self.pos += 1
        stop = self.integer()
        step = None
        self.skip_ws()
        if self.peek() == ":":
            self.pos += 1
            step = self.integer()
            if step == 0:
                self.fail("a slice step must not be 0")
        return Slice(start, stop, step)

    def filter(self, open_at: int) -> Filter:
        self.pos += 1
        self.expect("(")
        expr = parse_filter_expr(self)
        self.expect(")")
        self.skip_ws()
        return Filter(expr, self.text[open_at + 1:self.pos].strip())

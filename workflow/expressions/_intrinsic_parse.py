"""Parser for intrinsic function calls (asl-inventory §9.1).

    call     := Name '(' [arg (',' arg)*] ')'
    arg      := 'string' | number | null | true | false | path | call

String literals use ``\\'``, ``\\{``, ``\\}`` and ``\\\\`` escapes; any other backslash is an error.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, NoReturn

from workflow.errors import ExpressionSyntaxError
from workflow.expressions.jsonpath import parse_path_at

MAX_DEPTH = 10
_NAME = re.compile(r"[A-Za-z0-9_.]+")
_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][+-]?\d+)?")
_KEYWORDS = {"null": None, "true": True, "false": False}
_ESCAPABLE = "'{}\\"
_PLAIN_RUN = re.compile(r"[^'\\\\]*")     # string literal characters up to a quote or backslash
_BRACE = re.compile(r"[{}]")


@dataclass
class RawCall:
    name: str
    position: int
    args: list[Any] = field(default_factory=list)        # values, Path or RawCall
    raw: dict[int, str] = field(default_factory=dict)     # arg index -> undecoded literal text
    end: int = 0                                          # offset just after the ')'


def parse_call(text: str) -> RawCall:
    parser = _Parser(text)
    call = parser.call(1)
    parser.skip_ws()
    if parser.pos != len(text):
        parser.fail(f"unexpected text {text[parser.pos:]!r} after the call")
    return call


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def fail(self, problem: str, pos: int | None = None) -> NoReturn:
        where = self.pos if pos is None else pos
        raise ExpressionSyntaxError(
            f"Invalid intrinsic function call '{self.text}': {problem} (at position {where})",
            self.text, where)

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def skip_ws(self) -> None:
        while self.peek().isspace():
            self.pos += 1

    def call(self, depth: int) -> RawCall:
        start = self.pos
        match = _NAME.match(self.text, self.pos)
        if not match:
            self.fail("expected a function name")
        if depth > MAX_DEPTH:
            self.fail(f"intrinsic functions can be nested at most {MAX_DEPTH} levels deep", start)
        self.pos = match.end()
        if self.peek() != "(":
            self.fail(f"expected '(' after '{match.group()}'")
        self.pos += 1
        call = RawCall(match.group(), start)
        self.arguments(call, depth)
        call.end = self.pos
        return call

    def arguments(self, call: RawCall, depth: int) -> None:
        self.skip_ws()
        if self.peek() == ")":
            self.pos += 1
            return
        while True:
            self.skip_ws()
            call.args.append(self.argument(call, depth))
            self.skip_ws()
            char = self.peek()
            self.pos += 1
            if char == ")":
                return
            if char != ",":
                self.pos -= 1
                found = repr(char) if char else "end of text"
                self.fail(f"expected ',' or ')' but found {found}")

    def argument(self, call: RawCall, depth: int) -> Any:
        char = self.peek()
        if char == "'":
            value, raw = self.string()
            call.raw[len(call.args)] = raw
            return value
        if char == "$":
            path, self.pos = parse_path_at(self.text, self.pos)
            return path
        number = _NUMBER.match(self.text, self.pos)
        if number:
            self.pos = number.end()
            is_int = number.group(1) is None and number.group(2) is None
            return int(number.group()) if is_int else float(number.group())
        word = _NAME.match(self.text, self.pos)
        if word and word.group() in _KEYWORDS:
            self.pos = word.end()
            return _KEYWORDS[word.group()]
        if word:
            return self.call(depth + 1)
        self.fail(f"unexpected {char!r}" if char else "unexpected end of text")

    def string(self) -> tuple[str, str]:
        text, start = self.text, self.pos
        self.pos += 1
        chars: list[str] = []
        while self.pos < len(text):
            end = _PLAIN_RUN.match(text, self.pos).end()   # type: ignore[union-attr]
            if end > self.pos:
                chars.append(text[self.pos:end])
                self.pos = end
                if end == len(text):
                    break
            char = text[self.pos]
            if char == "'":
                self.pos += 1
                return "".join(chars), text[start + 1:self.pos - 1]
            escaped = text[self.pos + 1:self.pos + 2]      # char is a backslash
            if not escaped or escaped not in _ESCAPABLE:
                self.fail("a backslash in a string literal must escape one of ' { } \\")
            chars.append(escaped)
            self.pos += 2
        self.fail("unterminated string literal", start)


def split_template(raw: str) -> list[str]:
    """States.Format template text -> the literal pieces around each ``{}`` placeholder.
    Raises ValueError for an unescaped brace that is not part of ``{}``."""
    if "\\" not in raw:
        # No escapes: the "{}" placeholders split the text, and the first brace left in the
        # pieces (in order) is the first one the scan below would stop at.
        pieces = raw.split("{}")
        for piece in pieces:
            brace = _BRACE.search(piece)
            if brace:
                char = brace.group()
                raise ValueError(f"unescaped '{char}' in the template (write \\{char} for a "
                                 "literal brace)")
        return pieces
    pieces = []
    buf: list[str] = []
    i = 0
    while i < len(raw):
        char = raw[i]
        if char == "\\" and i + 1 < len(raw) and raw[i + 1] in _ESCAPABLE:
            buf.append(raw[i + 1])
            i += 2
        elif char == "\\":
            raise ValueError("a backslash must escape one of ' { } \\")
        elif raw.startswith("{}", i):
            pieces.append("".join(buf))
            buf = []
            i += 2
        elif char in "{}":
            raise ValueError(f"unescaped '{char}' in the template (write \\{char} for a literal brace)")
        else:
            buf.append(char)
            i += 1
    pieces.append("".join(buf))
    return pieces

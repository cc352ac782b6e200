"""Parser for Jayway filter expressions ``[?( ... )]``.

Grammar (lowest precedence first)::

    or      := and ('||' and)*
    and     := unary ('&&' unary)*
    unary   := '!' unary | '(' or ')' | operand [cmp operand]
    operand := @path | $path | 'string' | "string" | number | true | false | null

A path operand with no comparison is an existence test (``[?(@.isbn)]``).
"""
from __future__ import annotations

import re
from typing import NoReturn, Protocol

from workflow.expressions._pathast import (
    FBool, FCompare, FExists, FilterNode, FLiteral, FNot, FPath, ParsedPath,
)

_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][+-]?\d+)?")
_COMPARISONS = ("==", "!=", "<=", ">=", "<", ">")
_KEYWORDS = {"true": True, "false": False, "null": None}


class _PathParser(Protocol):
    text: str
    pos: int

    def fail(self, problem: str, pos: int | None = ...) -> NoReturn: ...
    def peek(self, offset: int = ...) -> str: ...
    def skip_ws(self) -> None: ...
    def expect(self, char: str) -> None: ...
    def quoted(self) -> str: ...
    def path(self, in_filter: bool) -> ParsedPath: ...


def parse_filter_expr(parser: _PathParser) -> FilterNode:
    return _or(parser)


def _match(parser: _PathParser, token: str) -> bool:
    parser.skip_ws()
    if parser.text.startswith(token, parser.pos):
        parser.pos += len(token)
        return True
    return False


def _or(parser: _PathParser) -> FilterNode:
    left = _and(parser)
    while _match(parser, "||"):
        left = FBool("||", left, _and(parser))
    return left


def _and(parser: _PathParser) -> FilterNode:
    left = _unary(parser)
    while _match(parser, "&&"):
        left = FBool("&&", left, _unary(parser))
    return left


def _unary(parser: _PathParser) -> FilterNode:
    parser.skip_ws()
    if parser.peek() == "!" and parser.peek(1) != "=":
        parser.pos += 1
        return FNot(_unary(parser))
    if parser.peek() == "(":
        parser.pos += 1
        inner = _or(parser)
        parser.expect(")")
        return inner
    return _comparison(parser)


def _comparison(parser: _PathParser) -> FilterNode:
    left = _operand(parser)
    parser.skip_ws()
    op = next((o for o in _COMPARISONS if parser.text.startswith(o, parser.pos)), None)
    if op is None:
        if isinstance(left, FPath):
            return FExists(left.path)
        parser.fail("expected a comparison operator after a literal")
    parser.pos += len(op)
    return FCompare(op, left, _operand(parser))


_BARE_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def _operand(parser: _PathParser) -> FLiteral | FPath:
    parser.skip_ws()
    char = parser.peek()
    if char in ("@", "$") and char:
        return FPath(parser.path(in_filter=True))
    if char in ("'", '"') and char:
        return FLiteral(parser.quoted())
    match = _NUMBER.match(parser.text, parser.pos)
    if match:
        parser.pos = match.end()
        literal = match.group()
        is_int = match.group(1) is None and match.group(2) is None
        return FLiteral(int(literal) if is_int else float(literal))
    for word, value in _KEYWORDS.items():
        if parser.text.startswith(word, parser.pos):
            parser.pos += len(word)
            return FLiteral(value)
    bare = _BARE_WORD.match(parser.text, parser.pos)
    if bare:
        # Jayway reads an unquoted word as a string value, and AWS accepts it: AWS's own
        # published samples filter with [?(@.Name==Receipt)].
        parser.pos = bare.end()
        return FLiteral(bare.group())
    found = repr(char) if char else "end of path"
    parser.fail(f"expected a value or a path in the filter but found {found}")

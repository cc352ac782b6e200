"""Line and column of JSON pointers, duplicate keys, and YAML loading with marks.

The JSON locator scans only when asked (a finding needs a position, or the fast C parser saw a
duplicate key), so a valid definition pays for one cheap nesting-depth pass and nothing else.
"""
from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any, Iterator

import yaml

from workflow.diagnostics import escape_token
from workflow.errors import SourceError

Position = tuple[int, int]   # 1-based line, 1-based column

_STRING = r'"[^"\\\n]*(?:\\.[^"\\\n]*)*"'     # unrolled "(?:[^"\\\n]|\\.)*": same matches
_TOKENS = re.compile(_STRING + r'|[{}\[\]:,]|[^\s{}\[\]:,"]+')
_STRINGS = re.compile(_STRING)
_NOT_BRACKETS = re.compile(r"[^\[\]{}]+")
_DEPTH_CHANGE = {"[": 1, "{": 1, "]": -1, "}": -1}
_ONLY_BRACKETS = {c: None for c in range(128) if chr(c) not in "[]{}"}   # str.translate table


class JsonLocator:
    def __init__(self, text: str) -> None:
        self.text = text
        self._positions: dict[str, Position] | None = None
        self._duplicates: list[tuple[str, str]] = []
        self._line_starts: list[int] | None = None

    def max_depth(self) -> int:
        text = self.text
        parts = text.split('"')
        if "\\" not in text and len(parts) % 2 and "\n" not in "".join(parts[1::2]):
            # No escapes and no string broken by a newline: quotes pair up in order, so every
            # other piece is outside the strings, exactly what _STRINGS.sub leaves (faster).
            outside = "".join(parts[::2])
        else:
            outside = _STRINGS.sub("", text)
        brackets = (outside.translate(_ONLY_BRACKETS) if outside.isascii()
                    else _NOT_BRACKETS.sub("", outside))
        return max(0, max(accumulate(map(_DEPTH_CHANGE.__getitem__, brackets)), default=0))

    def position(self, location: str) -> Position | None:
        positions = self._scan()
        while True:
            if location in positions:
                return positions[location]
            if not location:
                return None
            location = location.rsplit("/", 1)[0]   # fall back to the nearest located parent

    def duplicate_keys(self) -> list[tuple[str, str]]:
        self._scan()
        return list(self._duplicates)

    def _offset_to_position(self, offset: int) -> Position:
        if self._line_starts is None:
            self._line_starts = [0] + [m.end() for m in re.finditer("\n", self.text)]
        line = bisect.bisect_right(self._line_starts, offset)
        return line, offset - self._line_starts[line - 1] + 1

    def _scan(self) -> dict[str, Position]:
        if self._positions is None:
            self._positions = {}
            for location, offset in _JsonScan(self.text, self._duplicates).run():
                self._positions[location] = self._offset_to_position(offset)
        return self._positions


@dataclass
class _Frame:
    location: str
    is_object: bool
    index: int = 0
    key: str | None = None
    expecting_key: bool = True
    keys: set[str] = field(default_factory=set)


class _JsonScan:
    """Iterative token walk yielding (pointer, offset) for every member key and array item."""

    def __init__(self, text: str, duplicates: list[tuple[str, str]]) -> None:
        self.text = text
        self.duplicates = duplicates
        self.stack: list[_Frame] = []

    def run(self) -> Iterator[tuple[str, int]]:
        yield "", 0
        for match in _TOKENS.finditer(self.text):
            token, offset = match.group(), match.start()
            top = self.stack[-1] if self.stack else None
            if token in "}]":
                if self.stack:
                    self.stack.pop()
                continue
            if token in ",:":
                if top is not None and token == "," :
                    top.expecting_key = top.is_object
                    if not top.is_object:
                        top.index += 1
                continue
            if top is not None and top.is_object and top.expecting_key:
                yield self._key(top, token, offset)
                continue
            location = self._value_location(top)
            if top is not None and not top.is_object:
                yield location, offset
            if token in "{[":
                self.stack.append(_Frame(location, token == "{"))

    def _key(self, top: _Frame, token: str, offset: int) -> tuple[str, int]:
        try:
            key = json.loads(token)
        except ValueError:
            key = token
        key = str(key)
        if key in top.keys:
            self.duplicates.append((top.location + "/" + escape_token(key), key))
        top.keys.add(key)
        top.key = key
        top.expecting_key = False
        return top.location + "/" + escape_token(key), offset

    @staticmethod
    def _value_location(top: _Frame | None) -> str:
        if top is None:
            return ""
        if top.is_object:
            return top.location + "/" + escape_token(top.key or "")
        return top.location + "/" + str(top.index)


# ---- YAML --------------------------------------------------------------------------------

class _Loader(yaml.SafeLoader):
    """Safe YAML with JSON's data model: no timestamps or other implicit non-JSON types, and
    CloudFormation-style tags (``!Sub``, ``!Ref``, ...) read as their plain content."""


_Loader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _plain_tag(loader: _Loader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node, deep=True)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    return loader.construct_scalar(node)


_Loader.add_multi_constructor("!", _plain_tag)


@dataclass
class YamlDocument:
    document: Any
    marks: dict[str, Position]
    duplicates: list[tuple[str, str]]

    def position(self, location: str) -> Position | None:
        while True:
            if location in self.marks:
                return self.marks[location]
            if not location:
                return None
            location = location.rsplit("/", 1)[0]


def load_yaml(text: str) -> YamlDocument:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise SourceError("the YAML document is empty")
        marks: dict[str, Position] = {}
        duplicates: list[tuple[str, str]] = []
        _index_nodes(node, marks, duplicates)
        document = loader.construct_document(node)
        json.dumps(document)   # every value must be JSON-representable
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise SourceError(f"not valid JSON or YAML: {exc.problem}{where}") from None
    except yaml.YAMLError as exc:
        raise SourceError(f"not valid JSON or YAML: {exc}") from None
    except RecursionError:
        raise SourceError("YAML nested too deeply") from None
    except (TypeError, ValueError) as exc:
        raise SourceError(f"YAML value is not representable as JSON: {exc}") from None
    finally:
        loader.dispose()
    return YamlDocument(document, marks, duplicates)


def _index_nodes(root: yaml.Node, marks: dict[str, Position],
                 duplicates: list[tuple[str, str]]) -> None:
    pending: list[tuple[str, yaml.Node]] = [("", root)]
    while pending:
        location, node = pending.pop()
        marks.setdefault(location, (node.start_mark.line + 1, node.start_mark.column + 1))
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key_node, value_node in node.value:
                key = str(key_node.value)
                child = location + "/" + escape_token(key)
                if key in seen:
                    duplicates.append((child, key))
                seen.add(key)
                marks[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                pending.append((child, value_node))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                pending.append((f"{location}/{i}", item))

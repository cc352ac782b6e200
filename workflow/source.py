"""Reading a definition: JSON or YAML text in, a document plus a locator out.

Problems with the text itself (empty, binary, too large, not JSON/YAML, nested too deep, not an
object, duplicate keys) become diagnostics, exactly as AWS reports INVALID_JSON_DESCRIPTION;
only a file that cannot be read at all raises ``SourceError``.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from workflow import diagnostics as d
from workflow.diagnostics import Diagnostic
from workflow.errors import SourceError
from workflow.locate import JsonLocator, Position, YamlDocument, load_yaml

# AWS quota: a definition is at most 1,048,576 characters (asl-inventory §15.3).
MAX_DEFINITION_CHARS = 1_048_576
MAX_NESTING = 200   # JSON depth; far beyond any real definition, far below the C stack.


@dataclass
class Source:
    where: str
    text: str
    document: Any = None
    problems: list[Diagnostic] = field(default_factory=list)
    _locate: Callable[[str], Position | None] | None = None

    @property
    def ok(self) -> bool:
        return not any(p.is_error for p in self.problems)

    def position(self, location: str) -> Position | None:
        return self._locate(location) if self._locate else None


def read_source(target: str | os.PathLike[str]) -> Source:
    """A path (str/PathLike naming an existing file) or definition text."""
    if isinstance(target, os.PathLike) or _looks_like_path(target):
        return _read_file(Path(target))
    return parse_text(str(target), "<definition>")


def _looks_like_path(target: str) -> bool:
    stripped = target.lstrip()
    return bool(stripped) and stripped[0] not in "{[" and "\n" not in target and len(target) < 4096


def _read_file(path: Path) -> Source:
    where = str(path)
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise SourceError("is a directory, not a definition file", where)
        # UTF-8 needs at most 4 bytes a character: anything bigger cannot fit the quota.
        if size > 4 * MAX_DEFINITION_CHARS:
            return _invalid(where, "", f"definition is {size:,} bytes; the limit is "
                                       f"{MAX_DEFINITION_CHARS:,} characters")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise SourceError("no such file", where) from None
    except PermissionError:
        raise SourceError("permission denied", where) from None
    except OSError as exc:
        raise SourceError(f"cannot read: {exc.strerror or exc}", where) from None
    if b"\x00" in raw:
        return _invalid(where, "", "binary data, not a JSON or YAML definition")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return _invalid(where, "", f"not UTF-8 text (invalid byte at offset {exc.start})")
    yaml_hint = path.suffix.lower() in (".yaml", ".yml")
    return parse_text(text, where, yaml_hint=yaml_hint)


def _invalid(where: str, text: str, message: str, code: str = d.INVALID_JSON_DESCRIPTION,
             position: Position | None = None) -> Source:
    diag = d.error(code, message)
    if position:
        diag = diag.with_position(*position)
    return Source(where, text, None, [diag])


def parse_text(text: str, where: str = "<definition>", *, yaml_hint: bool = False) -> Source:
    if not text.strip():
        return _invalid(where, text, "the definition is empty", d.MISSING_DESCRIPTION)
    if len(text) > MAX_DEFINITION_CHARS:
        return _invalid(where, text, f"definition is {len(text):,} characters; the limit is "
                                     f"{MAX_DEFINITION_CHARS:,}")
    first = text.lstrip()[0]
    if first in "{[" and not yaml_hint:
        source = _parse_json(text, where)
    else:
        source = _parse_yaml(text, where)
    if source.ok and not isinstance(source.document, dict):
        kind = _json_kind(source.document)
        source.problems.append(d.error(
            d.INVALID_JSON_DESCRIPTION,
            f"the top-level value is {kind}; a state machine definition is a JSON object"))
    return source


def _json_kind(value: Any) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    return "a number"


def _parse_json(text: str, where: str) -> Source:
    locator = JsonLocator(text)
    depth = locator.max_depth()
    if depth > MAX_NESTING:
        return _invalid(where, text, f"JSON nested {depth:,} levels deep; the limit is "
                                     f"{MAX_NESTING}", d.TOO_DEEPLY_NESTED)
    seen_duplicates: list[bool] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out = dict(items)
        if len(out) != len(items):
            seen_duplicates.append(True)
        return out

    try:
        document = json.loads(text, object_pairs_hook=pairs, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        return _invalid(where, text, f"not valid JSON: {exc.msg}", position=(exc.lineno, exc.colno))
    except ValueError as exc:
        return _invalid(where, text, f"not valid JSON: {exc}")
    source = Source(where, text, document, _locate=locator.position)
    if seen_duplicates:
        source.problems.extend(_duplicate_key_diagnostics(locator.duplicate_keys()))
    return source


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def _duplicate_key_diagnostics(found: list[tuple[str, str]]) -> list[Diagnostic]:
    out = []
    for location, key in found:
        if location.rsplit("/", 1)[0].endswith("/States"):
            out.append(d.error(d.DUPLICATE_STATE_NAME, f"Duplicate State name: '{key}'", location))
        else:
            out.append(d.error(d.SCHEMA_VALIDATION_FAILED,
                               f"Duplicate key '{key}' in the same object", location))
    return out


def _parse_yaml(text: str, where: str) -> Source:
    try:
        parsed: YamlDocument = load_yaml(text)
    except SourceError as exc:
        return _invalid(where, text, exc.reason)
    source = Source(where, text, parsed.document, _locate=parsed.position)
    source.problems.extend(_duplicate_key_diagnostics(parsed.duplicates))
    return source

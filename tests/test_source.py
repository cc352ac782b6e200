"""Reading definitions: every kind of bad input becomes one located diagnostic, never a crash."""
from __future__ import annotations

from pathlib import Path

import pytest

from workflow import diagnostics as d
from workflow.errors import SourceError
from workflow.source import parse_text, read_source

DUPLICATE_END = """{
  "StartAt": "A",
  "States": {
    "A": {"Type": "Pass", "End": true, "End": false},
    "B": {"Type": "Pass", "Next": "A"}
  }
}"""


def only(source_problems: list[d.Diagnostic]) -> d.Diagnostic:
    assert len(source_problems) == 1, source_problems
    return source_problems[0]


@pytest.mark.parametrize("text, code, fragment", [
    ("", d.MISSING_DESCRIPTION, "empty"),
    ("   \n\t", d.MISSING_DESCRIPTION, "empty"),
    ("[1, 2]", d.INVALID_JSON_DESCRIPTION, "top-level value is an array"),
    ('"just a string"', d.INVALID_JSON_DESCRIPTION, "top-level value is a string"),
    ('{"a": NaN}', d.INVALID_JSON_DESCRIPTION, "NaN is not a JSON value"),
    ('{"a": ', d.INVALID_JSON_DESCRIPTION, "not valid JSON"),
    ("key: [unclosed", d.INVALID_JSON_DESCRIPTION, "not valid JSON or YAML"),
    ("[" * 10_000 + "]" * 10_000, d.TOO_DEEPLY_NESTED, "10,000 levels deep"),
])
def test_bad_text_is_one_diagnostic(text: str, code: str, fragment: str) -> None:
    problem = only(parse_text(text).problems)
    assert problem.code == code and problem.is_error
    assert fragment in problem.message


def test_json_syntax_error_has_line_and_column() -> None:
    problem = only(parse_text('{\n  "StartAt": "A",\n  "States": {,}\n}').problems)
    assert (problem.line, problem.column) == (3, 14)


def test_duplicate_keys_are_found_and_located() -> None:
    source = parse_text(DUPLICATE_END)
    problem = only(source.problems)
    assert problem.code == d.SCHEMA_VALIDATION_FAILED
    assert problem.location == "/States/A/End"
    assert source.position("/States/A/End") == (4, 40)
    assert source.position("/States/B/Next") == (5, 27)
    assert source.position("/States/B/Missing") == (5, 5)   # nearest located parent


def test_duplicate_state_names_in_one_states_object() -> None:
    text = '{"StartAt": "A", "States": {"A": {"Type": "Succeed"}, "A": {"Type": "Fail"}}}'
    problem = only(parse_text(text).problems)
    assert problem.code == d.DUPLICATE_STATE_NAME
    assert problem.location == "/States/A"


def test_yaml_definition_with_cloudformation_tags_and_marks() -> None:
    text = ("StartAt: A\nComment: !Sub 'hello ${X}'\nStates:\n  A:\n    Type: Pass\n"
            "    Result: 2020-01-01T00:00:00Z\n    End: true\n")
    source = parse_text(text)
    assert source.ok
    assert source.document["Comment"] == "hello ${X}"
    # Timestamps stay strings: the JSON data model, not YAML's.
    assert source.document["States"]["A"]["Result"] == "2020-01-01T00:00:00Z"
    assert source.position("/States/A/End") == (7, 5)


def test_yaml_duplicate_keys() -> None:
    source = parse_text("StartAt: A\nStates:\n  A: {Type: Pass, End: true}\n  A: {Type: Fail}\n")
    assert only(source.problems).location == "/States/A"


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "blob.json"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    assert "binary data" in only(read_source(path).problems).message


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes('{"Comment": "caf\xe9"}'.encode("latin-1"))
    assert "not UTF-8" in only(read_source(path).problems).message


def test_fifty_megabyte_file_is_rejected_without_parsing(tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    with path.open("wb") as fh:
        fh.write(b'{"Comment": "')
        fh.seek(50 * 1024 * 1024)
        fh.write(b'"}')
    problem = only(read_source(path).problems)
    assert problem.code == d.INVALID_JSON_DESCRIPTION
    assert "limit is 1,048,576 characters" in problem.message


def test_text_over_the_character_quota() -> None:
    text = '{"Comment": "' + "x" * 1_048_576 + '"}'
    assert "limit is 1,048,576" in only(parse_text(text).problems).message


def test_missing_file_and_directory_raise_source_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no such file"):
        read_source(tmp_path / "nope.json")
    with pytest.raises(SourceError, match="is a directory"):
        read_source(tmp_path)

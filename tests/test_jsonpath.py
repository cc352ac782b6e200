"""JSONPath as ASL uses it: syntax, evaluation, reference paths, ResultPath (asl-inventory §5)."""
from __future__ import annotations

import copy

import pytest

from workflow.errors import ExpressionSyntaxError, StatesError
from workflow.expressions.jsonpath import (
    MISSING, parse_path, parse_path_at, parse_reference_path, set_reference_path,
)

STORE = {
    "store": {
        "book": [
            {"category": "reference", "author": "Nigel Rees", "title": "Sayings", "price": 8.95},
            {"category": "fiction", "author": "Evelyn Waugh", "title": "Sword", "price": 12.99},
            {"category": "fiction", "author": "Herman Melville", "title": "Moby Dick",
             "isbn": "0-553-21311-3", "price": 8.99},
        ],
        "bicycle": {"color": "red", "price": 19.95},
    },
    "expensive": 10,
}


@pytest.mark.parametrize("text, expected", [
    ("$", STORE),
    ("$.expensive", 10),
    ("$.store.bicycle.color", "red"),
    ("$.store.book[0].author", "Nigel Rees"),
    ("$.store.book[-1].title", "Moby Dick"),
    ("$['store']['bicycle']['price']", 19.95),
    ('$["store"].bicycle["color"]', "red"),
    ("$[ 'store' ][ 'book' ][ 1 ].price", 12.99),
    ("$.store.['bicycle'].color", "red"),
])
def test_reference_paths_return_the_single_value(text: str, expected: object) -> None:
    path = parse_path(text)
    assert path.is_reference and path.is_definite
    assert path.evaluate(STORE) == expected


@pytest.mark.parametrize("text, expected", [
    ("$.store.book[*].author", ["Nigel Rees", "Evelyn Waugh", "Herman Melville"]),
    ("$..author", ["Nigel Rees", "Evelyn Waugh", "Herman Melville"]),
    ("$.store.*.color", ["red"]),
    ("$..book[2].isbn", ["0-553-21311-3"]),
    ("$.store.book[0,1].price", [8.95, 12.99]),
    ("$.store.book[:2].price", [8.95, 12.99]),
    ("$.store.book[1:].price", [12.99, 8.99]),
    ("$.store.book[-2:].price", [12.99, 8.99]),
    ("$.store.book[::2].price", [8.95, 8.99]),
    ("$.store.book[?(@.isbn)].title", ["Moby Dick"]),
    ("$.store.book[?(@.price < 10)].title", ["Sayings", "Moby Dick"]),
    ("$.store.book[?(@.price <= 8.95)].title", ["Sayings"]),
    ("$.store.book[?(@.category == 'fiction' && @.price > 10)].title", ["Sword"]),
    ("$.store.book[?(@.category == \"reference\" || @.isbn)].title", ["Sayings", "Moby Dick"]),
    ("$.store.book[?(!(@.category == 'fiction'))].title", ["Sayings"]),
    ("$.store.book[?(@.category != 'fiction')].title", ["Sayings"]),
    ("$.store.book[?(@.price > $.expensive)].title", ["Sword"]),
    ("$.store.book[?( @.price>=12.99 )].title", ["Sword"]),
    ("$.store['bicycle','missing','expensive']", [{"color": "red", "price": 19.95}]),
    ("$['store','expensive'].color", []),
    ("$.store.book[?(@.price < 1)]", []),
    ("$.nothing[*]", []),
])
def test_indefinite_paths_gather_matches_into_a_list(text: str, expected: list) -> None:
    path = parse_path(text)
    assert not path.is_reference
    assert path.evaluate(STORE) == expected


def test_deep_scan_is_document_order_and_includes_nested_prices() -> None:
    assert parse_path("$..price").evaluate(STORE) == [8.95, 12.99, 8.99, 19.95]
    assert len(parse_path("$..*").evaluate({"a": {"b": 1}, "c": [2]})) == 4


def test_filter_comparisons_are_type_strict() -> None:
    data = {"xs": [{"v": 1}, {"v": True}, {"v": "1"}, {"v": 1.0}, {"v": None}, {}]}
    assert parse_path("$.xs[?(@.v == 1)]").evaluate(data) == [{"v": 1}, {"v": 1.0}]
    assert parse_path("$.xs[?(@.v == true)]").evaluate(data) == [{"v": True}]
    assert parse_path("$.xs[?(@.v == null)]").evaluate(data) == [{"v": None}]
    assert parse_path("$.xs[?(@.v < 2)]").evaluate(data) == [{"v": 1}, {"v": 1.0}]
    assert parse_path("$.xs[?(@.v == '1')]").evaluate(data) == [{"v": "1"}]


def test_length_function() -> None:
    data = {"items": [1, 2, 3], "name": "abcd"}
    assert parse_path("$.items.length()").evaluate(data) == 3
    assert parse_path("$.name.length()").evaluate(data) == 4
    assert parse_path("$..items.length()").evaluate(data) == 1
    assert not parse_path("$.items.length()").is_reference


def test_escaped_dot_and_unicode_names() -> None:
    data = {"store.book": 1, "größe": {"ü": 2}, "a-b": 3}
    assert parse_path(r"$.store\.book").evaluate(data) == 1
    assert parse_path(r"$.store\.book").is_reference
    assert parse_path("$.größe.ü").evaluate(data) == 2
    assert parse_path("$.a-b").evaluate(data) == 3


def test_context_and_variable_roots() -> None:
    context = {"Execution": {"Id": "arn:x", "Input": {"k": 1}}, "Map": {"Item": {"Index": 2}}}
    variables = {"order": {"items": ["apple", "pear"]}, "größe": 3}
    path = parse_path("$$.Execution.Id")
    assert path.is_context and path.root_kind == "context" and path.is_reference
    assert path.evaluate({}, context) == "arn:x"
    assert parse_path("$$").evaluate({}, context) == context
    var = parse_path("$order.items[0]")
    assert var.root_kind == "variable" and var.variable == "order" and not var.is_context
    assert var.evaluate({}, None, variables) == "apple"
    assert parse_path("$order").evaluate({}, None, variables) == variables["order"]
    assert parse_path("$größe").evaluate({}, None, variables) == 3
    assert parse_path("$order.items[*]").evaluate({}, None, variables) == ["apple", "pear"]


def test_missing_definite_path_is_states_runtime_with_aws_wording() -> None:
    with pytest.raises(StatesError) as info:
        parse_path("$.a.b").evaluate({"a": {}})
    assert info.value.error == "States.Runtime"
    assert info.value.cause == "Invalid path '$.a.b' : No results for path: $['a']['b']"


@pytest.mark.parametrize("text, data", [
    ("$.a[0]", {"a": "string"}),       # strings are not indexable
    ("$.a.b", {"a": [1]}),
    ("$.a[3]", {"a": [1]}),
    ("$.a.b", {"a": None}),
    ("$.a", [1, 2]),
])
def test_type_mismatch_is_a_miss(text: str, data: object) -> None:
    path = parse_path(text)
    assert path.lookup(data) is MISSING
    assert path.find(data) == [] and not path.exists(data)
    with pytest.raises(StatesError):
        path.evaluate(data)


def test_undefined_variable_is_states_runtime() -> None:
    with pytest.raises(StatesError) as info:
        parse_path("$missing.x").evaluate({}, None, {"other": 1})
    assert info.value.error == "States.Runtime"
    assert "missing" in info.value.cause
    assert parse_path("$missing.x").find({}, None, None) == []


def test_find_and_exists() -> None:
    data = {"a": None, "b": [1, 2]}
    assert parse_path("$.a").exists(data)                  # present with a null value
    assert parse_path("$.a").find(data) == [None]
    assert not parse_path("$.z").exists(data)
    assert parse_path("$.b[*]").find(data) == [1, 2]
    assert not parse_path("$.b[?(@ > 5)]").exists(data)


@pytest.mark.parametrize("text", [
    "", "bug$.x", "$.", "$[", "$..", "$.a[?(@.x >)]", "$.a[", "$.a]", "$['a'", "$[a]",
    "$.a b", " $.a", "$.a.", "$[?(@.a == 1]", "$[1:2:0]", "$.foo()", "$.length().a", "a.b",
    "$[?(1)]", "$$$", "$.a\\", "$['a',]", "$[0,]",
])
def test_syntax_errors(text: str) -> None:
    with pytest.raises(ExpressionSyntaxError) as info:
        parse_path(text)
    assert info.value.text == text
    assert info.value.position is not None or text == ""


def test_syntax_error_reports_position() -> None:
    with pytest.raises(ExpressionSyntaxError) as info:
        parse_path("$.a[?(@.x >)]")
    assert info.value.position == 11
    assert "$.a[?(@.x >)]" in str(info.value)


def test_non_string_path_is_a_syntax_error() -> None:
    with pytest.raises(ExpressionSyntaxError):
        parse_path(42)  # type: ignore[arg-type]


@pytest.mark.parametrize("text, reference", [
    ("$", True), ("$.a.b", True), ("$['a'][0]", True), ("$$.Map.Item.Value", True),
    ("$.a[*]", False), ("$..a", False), ("$.a[0:1]", False), ("$.a[0,1]", False),
    ("$['a','b']", False), ("$.a[?(@.b)]", False), ("$.*", False),
])
def test_is_reference(text: str, reference: bool) -> None:
    assert parse_path(text).is_reference is reference


def test_parse_reference_path_rejects_indefinite_paths() -> None:
    assert parse_reference_path("$.a[0]").keys == ("a", 0)
    with pytest.raises(ExpressionSyntaxError, match="reference path"):
        parse_reference_path("$.a[*]")


def test_paths_are_cached_and_immutable() -> None:
    path = parse_path("$.cached.path")
    assert parse_path("$.cached.path") is path
    with pytest.raises(AttributeError):
        path.text = "$"  # type: ignore[misc]
    assert path.normalized == "$['cached']['path']"


def test_parse_path_at_stops_at_argument_delimiters() -> None:
    text = "States.Format('{}', $.a['b c'], $$.x)"
    path, end = parse_path_at(text, 20)
    assert path.text == "$.a['b c']" and text[end] == ","


# -- ResultPath --------------------------------------------------------------------------------
def test_result_path_dollar_replaces_the_input() -> None:
    assert set_reference_path(parse_path("$"), {"a": 1}, [1]) == [1]


def test_result_path_adds_and_overwrites_without_mutating() -> None:
    data = {"a": {"keep": 1, "x": 0}, "other": [1]}
    before = copy.deepcopy(data)
    out = set_reference_path(parse_path("$.a.x"), data, {"new": True})
    assert out == {"a": {"keep": 1, "x": {"new": True}}, "other": [1]}
    assert data == before
    assert out["other"] is data["other"]        # only the spine is copied


def test_result_path_creates_missing_intermediate_objects() -> None:
    assert set_reference_path(parse_path("$.a.b.c"), {}, 1) == {"a": {"b": {"c": 1}}}


def test_result_path_into_existing_array_element() -> None:
    out = set_reference_path(parse_path("$.list[1].v"), {"list": [{}, {"v": 0}]}, 5)
    assert out == {"list": [{}, {"v": 5}]}


@pytest.mark.parametrize("text, data", [
    ("$.x", "a string"),
    ("$.x", 5),
    ("$.a.b", {"a": 3}),
    ("$.a[5]", {"a": [1]}),
    ("$.a[0]", {}),
])
def test_result_path_match_failure(text: str, data: object) -> None:
    with pytest.raises(StatesError) as info:
        set_reference_path(parse_path(text), data, 1)
    assert info.value.error == "States.ResultPathMatchFailure"
    assert info.value.cause.startswith(f'Unable to apply ResultPath "{text}" to input')


def test_result_path_must_be_a_data_reference_path() -> None:
    with pytest.raises(ValueError):
        set_reference_path(parse_path("$$.x"), {}, 1)

"""Intrinsic functions: expected values from the AWS intrinsic-functions documentation examples
and the rules of asl-inventory §9."""
from __future__ import annotations

import random
import re
from typing import Any

import pytest

from workflow.errors import ExpressionSyntaxError, StatesError
from workflow.expressions.intrinsics import FUNCTION_NAMES, is_intrinsic_call, parse_intrinsic
from workflow.expressions.jsonpath import Path
from workflow.expressions.runtime import ExpressionEnv, seeded_env

DIGITS = [1, 2, 3, 4, 5, 6, 7, 8, 9]


def run(text: str, data: Any = None, context: Any = None, variables: Any = None,
        env: ExpressionEnv | None = None) -> Any:
    return parse_intrinsic(text).evaluate({} if data is None else data, context, variables, env)


def failure(text: str, data: Any = None, error: str = "States.IntrinsicFailure") -> str:
    with pytest.raises(StatesError) as info:
        run(text, data)
    assert info.value.error == error
    return info.value.cause


# -- AWS documentation examples ----------------------------------------------------------------
def test_format() -> None:
    assert run("States.Format('Hello, my name is {}.', $.name)", {"name": "Arnav"}) == \
        "Hello, my name is Arnav."
    assert run(r"States.Format('Welcome to {} {}\'s playlist.', $.firstName, $.lastName)",
               {"firstName": "John", "lastName": "Doe"}) == "Welcome to John Doe's playlist."


def test_string_to_json_and_back() -> None:
    assert run("States.StringToJson($.someString)", {"someString": '{"number": 20}'}) == \
        {"number": 20}
    assert run("States.JsonToString($.someJson)", {"someJson": {"name": "Foo", "year": 2020}}) == \
        '{"name":"Foo","year":2020}'


def test_array() -> None:
    data = {"someJson": {"random": "abcdefghij"}}
    assert run("States.Array('Foo', 2020, $.someJson, null)", data) == \
        ["Foo", 2020, {"random": "abcdefghij"}, None]
    assert run("States.Array()") == []


def test_array_functions() -> None:
    data = {"inputArray": DIGITS, "lookingFor": 5, "index": 5}
    assert run("States.ArrayPartition($.inputArray, 4)", data) == [[1, 2, 3, 4], [5, 6, 7, 8], [9]]
    assert run("States.ArrayContains($.inputArray, $.lookingFor)", data) is True
    assert run("States.ArrayRange(1, 9, 2)") == [1, 3, 5, 7, 9]
    assert run("States.ArrayGetItem($.inputArray, $.index)", data) == 6
    assert run("States.ArrayLength($.inputArray)", data) == 9
    assert run("States.ArrayUnique($.a)", {"a": [1, 2, 3, 3, 3, 3, 3, 3, 4]}) == [1, 2, 3, 4]


def test_base64() -> None:
    assert run("States.Base64Encode($.input)", {"input": "Data to encode"}) == "RGF0YSB0byBlbmNvZGU="
    assert run("States.Base64Decode($.base64)", {"base64": "RGF0YSB0byBlbmNvZGU="}) == \
        "Data to encode"


@pytest.mark.parametrize("algorithm, digest", [
    ("SHA-1", "aaff4a450a104cd177d28d18d74485e8cae074b7"),
    ("MD5", "812f45842bc6d66ee14572ce20db8e86"),
])
def test_hash(algorithm: str, digest: str) -> None:
    data = {"Data": "input data", "Algorithm": algorithm}
    assert run("States.Hash($.Data, $.Algorithm)", data) == digest
    assert run(f"States.Hash('input data', '{algorithm}')") == digest


def test_json_merge_is_shallow() -> None:
    data = {"json1": {"a": {"a1": 1, "a2": 2}, "b": 2}, "json2": {"a": {"a3": 1, "a4": 2}, "c": 3}}
    assert run("States.JsonMerge($.json1, $.json2, false)", data) == \
        {"a": {"a3": 1, "a4": 2}, "b": 2, "c": 3}


def test_math() -> None:
    assert run("States.MathAdd($.value1, $.step)", {"value1": 111, "step": -1}) == 110
    value = run("States.MathRandom($.start, $.end)", {"start": 1, "end": 999})
    assert isinstance(value, int) and 1 <= value < 999


def test_string_split() -> None:
    assert run("States.StringSplit($.s, $.d)", {"s": "1,2,3,4,5", "d": ","}) == \
        ["1", "2", "3", "4", "5"]
    assert run("States.StringSplit($.s, $.d)", {"s": "This.is+a,test=string", "d": ".+,="}) == \
        ["This", "is", "a", "test", "string"]


def test_uuid_is_v4() -> None:
    value = run("States.UUID()")
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", value)


# -- finer semantics ---------------------------------------------------------------------------
def test_format_renders_non_strings_as_json_and_unescapes_braces() -> None:
    data = {"n": 1.5, "i": 3, "b": True, "z": None}
    assert run("States.Format('{}|{}|{}|{}', $.n, $.i, $.b, $.z)", data) == "1.5|3|true|null"
    assert run(r"States.Format('\{\} {} \\', 'x')") == "{} x \\"


def test_format_template_from_a_path_is_checked_at_run_time() -> None:
    assert run("States.Format($.t, 'a')", {"t": "<{}>"}) == "<a>"
    assert "placeholder" in failure("States.Format($.t, 'a')", {"t": "no placeholder"})


def test_format_rejects_arrays_and_objects() -> None:
    failure("States.Format('{}', $.a)", {"a": [1]})
    failure("States.Format('{}', $.a)", {"a": {"k": 1}})


def test_nested_calls() -> None:
    data = {"a": [3, 1, 3]}
    text = "States.Format('{} items: {}', States.ArrayLength(States.ArrayUnique($.a)), " \
           "States.JsonToString(States.ArrayUnique($.a)))"
    assert run(text, data) == "2 items: [3,1]"


def test_context_object_and_variable_arguments() -> None:
    context = {"Execution": {"Name": "run-1"}}
    text = "States.Format('{}/{}', $$.Execution.Name, $user.name)"
    assert run(text, {}, context, {"user": {"name": "ann"}}) == "run-1/ann"


def test_bracket_paths_in_arguments() -> None:
    assert run("States.Array($.abc.['def ghi'], $['x y'])", {"abc": {"def ghi": 1}, "x y": 2}) == [1, 2]


def test_indefinite_path_argument_is_a_list() -> None:
    assert run("States.ArrayLength($.items[*].id)", {"items": [{"id": 1}, {"id": 2}, {}]}) == 2


def test_array_contains_uses_deep_json_equality() -> None:
    assert run("States.ArrayContains($.a, $.v)", {"a": [[1, 2], {"k": [None]}], "v": {"k": [None]}})
    assert not run("States.ArrayContains($.a, $.v)", {"a": [1, 0], "v": True})
    assert run("States.ArrayContains($.a, $.v)", {"a": [1.0], "v": 1})


def test_array_unique_keeps_first_occurrences_and_distinguishes_types() -> None:
    data = {"a": [None, None, True, 1, 1, 1.1, 0, "x", "x", [], [], {"a": 1}, {"a": 1}, False]}
    assert run("States.ArrayUnique($.a)", data) == [None, True, 1, 1.1, 0, "x", [], {"a": 1}, False]


@pytest.mark.parametrize("args, expected", [
    ("0, 9, 3", [0, 3, 6, 9]), ("0, 10, 3", [0, 3, 6, 9]), ("1, 9, 9", [1]),
    ("5, 1, -2", [5, 3, 1]), ("1.5, 3.4, 1", [2, 3]),
])
def test_array_range_is_inclusive(args: str, expected: list[int]) -> None:
    assert run(f"States.ArrayRange({args})") == expected


def test_array_range_limit_of_1000_items() -> None:
    assert len(run("States.ArrayRange(1, 1000, 1)")) == 1000
    assert "1000" in failure("States.ArrayRange(0, 1000, 1)")


@pytest.mark.parametrize("size, expected", [
    (1, [[0], [1], [2]]), (2, [[0, 1], [2]]), (5, [[0, 1, 2]]), (2.4, [[0, 1], [2]]),
])
def test_array_partition_sizes(size: float, expected: list) -> None:
    assert run("States.ArrayPartition($.a, $.n)", {"a": [0, 1, 2], "n": size}) == expected
    assert run("States.ArrayPartition($.a, 3)", {"a": []}) == []


def test_array_partition_rejects_non_positive_chunk() -> None:
    failure("States.ArrayPartition($.a, $.n)", {"a": [1], "n": 0})
    with pytest.raises(ExpressionSyntaxError):
        parse_intrinsic("States.ArrayPartition($.a, 0)")


def test_array_get_item_out_of_bounds() -> None:
    assert "out of bounds" in failure("States.ArrayGetItem($.a, 3)", {"a": [1, 2, 3]})


@pytest.mark.parametrize("a, b, total", [
    (-9, 3, -6), (1.49, 1.50, 3), (0.5, 0, 1), (2.5, 0, 3), (-0.5, 0, -1), (-2.5, 0, -3),
])
def test_math_add_rounds_half_away_from_zero(a: float, b: float, total: int) -> None:
    assert run("States.MathAdd($.a, $.b)", {"a": a, "b": b}) == total


def test_math_add_is_limited_to_int32() -> None:
    failure("States.MathAdd($.a, 1)", {"a": 2 ** 31 - 1})
    failure("States.MathAdd($.a, 0)", {"a": 2 ** 31})


def test_math_random_with_seed_is_deterministic() -> None:
    first = run("States.MathRandom(0, 999, 3)")
    assert all(run("States.MathRandom(0, 999, 3)") == first for _ in range(5))
    assert 0 <= first < 999
    failure("States.MathRandom(5, 5)")


def test_injected_environment_makes_random_and_uuid_reproducible() -> None:
    one, two = seeded_env(7), seeded_env(7)
    for env_a, env_b in ((one, two),):
        assert run("States.UUID()", env=env_a) == run("States.UUID()", env=env_b)
        assert run("States.MathRandom(0, 10000)", env=env_a) == \
            run("States.MathRandom(0, 10000)", env=env_b)
    fixed = ExpressionEnv(rng=random.Random(1), new_uuid=lambda: "fixed-id")
    assert run("States.UUID()", env=fixed) == "fixed-id"


@pytest.mark.parametrize("text, delimiters, expected", [
    (" ", ",", [" "]), (" , ", ",", [" ", " "]), (", , ,", ",", [" ", " "]), (",,,,", ",", []),
    ("split on T and \nnew line", "T\n", ["split on ", " and ", "new line"]),
])
def test_string_split_drops_empty_tokens(text: str, delimiters: str, expected: list[str]) -> None:
    assert run("States.StringSplit($.s, $.d)", {"s": text, "d": delimiters}) == expected


def test_text_limits_of_10000_characters() -> None:
    assert run("States.Base64Encode($.s)", {"s": "a" * 10_000})
    failure("States.Base64Encode($.s)", {"s": "a" * 10_001})
    failure("States.Hash($.s, 'MD5')", {"s": "a" * 10_001})


def test_hash_of_non_string_hashes_its_json_text() -> None:
    assert run("States.Hash($.v, 'SHA-256')", {"v": {"a": 1}}) == \
        run("States.Hash('{\"a\":1}', 'SHA-256')")


@pytest.mark.parametrize("text, data", [
    ("States.StringToJson($.s)", {"s": "{not json"}),
    ("States.Base64Decode($.s)", {"s": "%%%"}),
    ("States.ArrayLength($.s)", {"s": "not an array"}),
    ("States.JsonMerge($.a, $.b, false)", {"a": {}, "b": []}),
    ("States.JsonMerge($.a, $.a, $.deep)", {"a": {}, "deep": True}),
    ("States.Hash('x', $.alg)", {"alg": "SHA1"}),
    ("States.MathAdd($.a, 1)", {"a": "1"}),
    ("States.ArrayRange(1, 5, $.step)", {"step": 0}),
])
def test_run_time_failures_are_intrinsic_failure(text: str, data: Any) -> None:
    failure(text, data)


def test_missing_path_argument_is_states_runtime() -> None:
    failure("States.Format('{}', $.missing)", {}, error="States.Runtime")


# -- parsing and static checks -----------------------------------------------------------------
def test_is_intrinsic_call() -> None:
    assert is_intrinsic_call("States.Format('x')")
    assert is_intrinsic_call("States.Nope(1)")
    assert not is_intrinsic_call("$.States.Format")
    assert not is_intrinsic_call("States.Format")
    assert not is_intrinsic_call(" States.UUID()")


def test_all_eighteen_functions_are_known() -> None:
    assert len(FUNCTION_NAMES) == 18


def test_call_attributes() -> None:
    call = parse_intrinsic("States.Format('{} {}', $.a, States.JsonToString($$.b))")
    assert call.name == "States.Format" and call.returns_string
    assert call.args[0] == "{} {}" and isinstance(call.args[1], Path)
    assert [p.text for p in call.paths()] == ["$.a", "$$.b"]
    assert call.args[2].text == "States.JsonToString($$.b)"
    assert not parse_intrinsic("States.Array()").returns_string
    assert parse_intrinsic("States.ArrayGetItem($.a, 0)").returns_string


def test_literals_and_whitespace() -> None:
    call = parse_intrinsic("States.Array( 1 , -2 , 3.5 , -1e2 , null , true , false , 'a b' )")
    assert call.args == (1, -2, 3.5, -100.0, None, True, False, "a b")
    assert parse_intrinsic(r"States.Array('it\'s \{\} \\')").args == ("it's {} \\",)


def test_ten_levels_of_nesting_are_allowed_eleven_are_not() -> None:
    def nest(levels: int) -> str:
        return "States.Array(" * levels + ")" * levels
    assert run(nest(10)) == [[[[[[[[[[]]]]]]]]]]
    with pytest.raises(ExpressionSyntaxError, match="nested"):
        parse_intrinsic(nest(11))


@pytest.mark.parametrize("text, message", [
    ("States.Foo(1)", "Unknown intrinsic function 'States.Foo'"),
    ("States.MathAdd(1)", "takes 2 arguments"),
    ("States.MathAdd(1, 2, 3)", "takes 2 arguments"),
    ("States.UUID(1)", "takes 0 arguments"),
    ("States.MathRandom(1)", "2 or 3"),
    ("States.Format()", "at least 1"),
    ("States.Hash('x', 'SHA1')", "hash algorithm"),
    ("States.JsonMerge($.a, $.b, true)", "shallow"),
    ("States.Format('{} {}', 1)", "placeholder"),
    ("States.Format('{}')", "placeholder"),
    ("States.Format('{ }', 1)", "template"),
    ("States.ArrayLength('abc')", "must be an array"),
    ("States.ArrayLength(States.Format('x'))", "must be an array"),
    ("States.MathAdd('1', 2)", "must be a number"),
    ("States.Format('{}', States.Array(1))", "string, number, boolean or null"),
    ("States.ArrayRange(1, 5, 0)", "step"),
    ("States.Array('a\\b')", "backslash"),
    ("States.Array('abc", "unterminated"),
    ("States.Array(1", "expected ',' or ')'"),
    ("States.Array(1,)", "unexpected"),
    ("States.Array(1) x", "unexpected text"),
    ("States.Array(@)", "unexpected"),
    ("States.Array($.)", "field name"),
    ("States.Array(States.Nope())", "Unknown intrinsic function 'States.Nope'"),
    ("Custom.Fn(1)", "Unknown intrinsic function 'Custom.Fn'"),
])
def test_static_errors(text: str, message: str) -> None:
    with pytest.raises(ExpressionSyntaxError) as info:
        parse_intrinsic(text)
    assert message in str(info.value)
    assert info.value.text == text

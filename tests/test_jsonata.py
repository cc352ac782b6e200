"""JSONata in Step Functions: parsing, static analysis (asl-inventory §6.2/§6.4), evaluation,
the Step Functions-provided functions (§6.6) and run-time errors (§6.5)."""
from __future__ import annotations

import re
import threading
from typing import Any

import pytest

from workflow.errors import ExpressionSyntaxError, StatesError
from workflow.expressions._json import MISSING
from workflow.expressions.jsonata import is_jsonata, parse_jsonata
from workflow.expressions.runtime import seeded_env

STATES = {
    "input": {"name": "Ana", "price": 2.5, "qty": 4, "nothing": None, "one": 1.0,
              "items": [{"id": 1, "total": 5}, {"id": 2, "total": 20}]},
    "context": {"Execution": {"Id": "arn:aws:states:us-east-1:1:execution:m:e"}},
}


def ev(text: str, variables: dict[str, Any] | None = None, **kwargs: Any) -> Any:
    return parse_jsonata(text).evaluate(STATES, variables or {}, **kwargs)


def query_error(text: str, variables: dict[str, Any] | None = None, **kwargs: Any) -> str:
    with pytest.raises(StatesError) as info:
        ev(text, variables, **kwargs)
    assert info.value.error == "States.QueryEvaluationError"
    return info.value.cause


@pytest.mark.parametrize("value, expected", [
    ("{% 1 %}", True), ("{%%}", True), ("{% $x %}", True),
    (" {% 1 %}", False), ("{% 1 %} ", False), ("{% 1", False), ("1 %}", False), ("{%}", False),
    ("plain", False), (5, False), (None, False),
])
def test_is_jsonata(value: object, expected: bool) -> None:
    assert is_jsonata(value) is expected


# -- evaluation --------------------------------------------------------------------------------
def test_reads_states_and_variables() -> None:
    assert ev("{% $states.input.price * $states.input.qty %}") == 10
    assert ev("{% 'Hello, ' & $states.input.name & '!' %}") == "Hello, Ana!"
    assert ev("{% $states.context.Execution.Id %}") == STATES["context"]["Execution"]["Id"]
    assert ev("{% $orders[total > 10].id %}", {"orders": STATES["input"]["items"]}) == 2
    assert ev("{% $count($xs) %}", {"xs": [1, 2, 3]}) == 3


def test_results_are_plain_json() -> None:
    result = ev("{% $states.input.items.id %}")
    assert result == [1, 2] and type(result) is list
    assert type(ev("{% [1, 2] %}")) is list
    assert ev("{% $states.input.nothing %}") is None                 # JSON null, not undefined
    assert ev("{% {'a': null, 'b': [null]} %}") == {"a": None, "b": [None]}
    assert ev("{% $states.input %}") == STATES["input"]


def test_integral_numbers_are_ints() -> None:
    assert ev("{% 6 / 2 %}") == 3 and type(ev("{% 6 / 2 %}")) is int
    assert type(ev("{% $states.input.one %}")) is int
    assert ev("{% 7 / 2 %}") == 3.5


def test_undefined_inside_an_object_constructor_omits_the_key() -> None:
    assert ev("{% {'a': $states.input.name, 'b': $states.input.missing} %}") == {"a": "Ana"}


def test_local_bindings_and_lambdas() -> None:
    assert ev("{% ($double := function($v) { $v * 2 }; $map([1, 2], $double)) %}") == [2, 4]
    assert ev("{% ($x := 5; $x + $y) %}", {"y": 1}) == 6


def test_now_is_a_timestamp() -> None:
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", ev("{% $now() %}"))


# -- Step Functions-provided functions -----------------------------------------------------------
def test_partition() -> None:
    assert ev("{% $partition([1,2,3,4,5,6,7,8,9], 4) %}") == [[1, 2, 3, 4], [5, 6, 7, 8], [9]]
    assert "greater than 0" in query_error("{% $partition([1], 0) %}")


def test_range() -> None:
    assert ev("{% $range(0, 10, 2) %}") == [0, 2, 4, 6, 8, 10]
    assert ev("{% $range(1, 9, 2) %}") == [1, 3, 5, 7, 9]
    query_error("{% $range(1, 5, 0) %}")


def test_hash() -> None:
    assert ev("{% $hash('input data', 'SHA-1') %}") == "aaff4a450a104cd177d28d18d74485e8cae074b7"
    assert ev("{% $hash('input data', 'MD5') %}") == "812f45842bc6d66ee14572ce20db8e86"
    query_error("{% $hash('x', 'SHA1') %}")


def test_random() -> None:
    value = ev("{% $random() %}")
    assert isinstance(value, float) and 0 <= value < 1
    assert ev("{% $random(42) %}") == ev("{% $random(42) %}")
    assert ev("{% [$random(7), $random(7)] %}")[0] == ev("{% $random(7) %}")


def test_uuid_and_injected_environment() -> None:
    assert re.fullmatch(r"[0-9a-f-]{36}", ev("{% $uuid() %}"))
    one = ev("{% [$uuid(), $random()] %}", env=seeded_env(3))
    assert one == ev("{% [$uuid(), $random()] %}", env=seeded_env(3))


def test_parse() -> None:
    assert ev("{% $parse('{\"a\": [1, null]}') %}") == {"a": [1, None]}
    assert ev("{% $parse('null') %}") is None
    query_error("{% $parse('{oops') %}")


def test_eval_is_disabled() -> None:
    assert "T1006" in query_error("{% $eval('1 + 1') %}")


# -- run-time errors -----------------------------------------------------------------------------
def test_undefined_result_cause_uses_aws_wording() -> None:
    cause = query_error("{% $states.input.missing %}", state_name="Pass", field="Output")
    assert cause == ("An error occurred while executing the state 'Pass'. The JSONata expression "
                     "'$states.input.missing' specified for the field 'Output' returned nothing "
                     "(undefined).")
    cause = query_error("{% $states.input.missing %}", state_name="P", field="Output", event_id=2)
    assert cause.startswith("An error occurred while executing the state 'P' (entered at the event id #2).")


def test_type_error_cause_keeps_the_jsonata_code() -> None:
    cause = query_error("{% $x + 1 %}", {"x": "a"}, field="Output")
    assert cause.startswith("The JSONata expression '$x + 1' specified for the field 'Output' "
                            "threw an error during evaluation. T2001: ")


def test_undefined_variable_makes_the_result_undefined() -> None:
    query_error("{% $notAssigned %}")


def test_evaluate_optional_returns_missing() -> None:
    assert parse_jsonata("{% $states.input.missing %}").evaluate_optional(STATES, {}) is MISSING


def test_runaway_evaluation_times_out() -> None:
    cause = query_error("{% ($f := function($n) { $f($n + 1) }; $f(0)) %}")
    assert "timeout" in cause.lower()


def test_concurrent_evaluation_from_threads() -> None:
    expression = parse_jsonata("{% $sum($map($states.input.xs, function($v) { $v * $k })) %}")
    failures: list[Any] = []

    def work(k: int) -> None:
        for i in range(200):
            xs = list(range(i % 5 + 1))
            result = expression.evaluate({"input": {"xs": xs}}, {"k": k})
            if result != sum(xs) * k:
                failures.append((k, i, result))
    threads = [threading.Thread(target=work, args=(k,)) for k in range(1, 7)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []


# -- parsing and static analysis -----------------------------------------------------------------
@pytest.mark.parametrize("text", ["{% (1 %}", "{% %}", "{%%}", "{% a b %}", '{% "abc %}', "{% 1 + %}"])
def test_syntax_errors(text: str) -> None:
    with pytest.raises(ExpressionSyntaxError) as info:
        parse_jsonata(text)
    assert info.value.text == text
    assert not re.search(r"\b[STD]\d{4}\b", str(info.value))
    assert info.value.position is not None and 2 <= info.value.position <= len(text) - 2


def test_parse_requires_the_delimiters() -> None:
    with pytest.raises(ExpressionSyntaxError):
        parse_jsonata("$states.input")


def test_attributes() -> None:
    expression = parse_jsonata("{%  $states.input.a  %}")
    assert expression.text == "{%  $states.input.a  %}" and expression.body == "$states.input.a"


@pytest.mark.parametrize("text, fields", [
    ("{% $states.input.a %}", {"input"}),
    ("{% $states.result.Payload & $states.context.Execution.Id %}", {"result", "context"}),
    ("{% $states.errorOutput.Cause %}", {"errorOutput"}),
    ("{% $map($states.input.xs, function($v) { $v + $states.result.n }) %}", {"input", "result"}),
    ("{% {'k': $states.input} %}", {"input"}),
    ("{% 1 %}", set()),
])
def test_states_fields(text: str, fields: set[str]) -> None:
    assert parse_jsonata(text).states_fields == fields


@pytest.mark.parametrize("text, variables", [
    ("{% $a + $b %}", {"a", "b"}),
    ("{% $sum($xs) %}", {"xs"}),
    ("{% $partition($items, 2) %}", {"items"}),
    ("{% ($x := 1; $x + $y) %}", {"y"}),
    ("{% function($v) { $v + $w } %}", {"w"}),
    ("{% $orders[total > $min].id %}", {"orders", "min"}),
    ("{% $states.input.a %}", set()),
    ("{% $x.y.z %}", {"x"}),
])
def test_free_variables(text: str, variables: set[str]) -> None:
    assert parse_jsonata(text).variables == variables


@pytest.mark.parametrize("text, problems", [
    ("{% phone %}", ["Reference to 'phone' at the top level is not supported."]),
    ("{% $ %}", ["Reference to '$' at the top level is not supported."]),
    ("{% $$ %}", ["Reference to '$$' is not supported."]),
    ("{% $$.a %}", ["Reference to '$$' is not supported."]),
    ("{% {'n': name, 'p': phone, 'again': name} %}",
     ["Reference to 'name' at the top level is not supported.",
      "Reference to 'phone' at the top level is not supported."]),
    ("{% $count(items) %}", ["Reference to 'items' at the top level is not supported."]),
    ("{% $states.input.a ? b : 1 %}", ["Reference to 'b' at the top level is not supported."]),
    ("{% * %}", ["Reference to '*' at the top level is not supported."]),
    ("{% $orders[total > 10] %}", []),
    ("{% $states.input.items[total > 10].id %}", []),
    ("{% $states.input.items.(id + total) %}", []),
    ("{% $states.input.items^(total) %}", []),
    ("{% $states.input.items{id: total} %}", []),
    ("{% $states.input.items[$.total > 1] %}", []),
    ("{% 'literal' %}", []),
])
def test_top_level_problems(text: str, problems: list[str]) -> None:
    assert list(parse_jsonata(text).top_level_problems) == problems

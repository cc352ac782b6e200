"""Payload templates (JSONPath mode, asl-inventory §5.4) and JSONata templates (§6.1, §6.5)."""
from __future__ import annotations

import copy
from typing import Any

import pytest

from workflow.errors import ExpressionSyntaxError, StatesError
from workflow.expressions.templates import compile_jsonata_template, compile_payload_template

DATA = {"comment": "Example for Parameters.", "product": {"details": {"color": "blue", "size": "small"},
        "availability": "in stock", "sku": "2317", "cost": "$23"}, "items": [{"id": 1}, {"id": 2}]}
CONTEXT = {"Execution": {"Id": "arn:exec", "Name": "run-1"}, "Map": {"Item": {"Index": 3}}}


# -- JSONPath payload templates ----------------------------------------------------------------
def test_aws_parameters_example() -> None:
    template = compile_payload_template({
        "comment": "Selecting what I care about.",
        "MyDetails": {"size.$": "$.product.details.size", "exists.$": "$.product.availability",
                      "StaticValue": "foo"},
    })
    assert template.evaluate(DATA) == {
        "comment": "Selecting what I care about.",
        "MyDetails": {"size": "small", "exists": "in stock", "StaticValue": "foo"},
    }


def test_context_variables_and_intrinsics() -> None:
    template = compile_payload_template({
        "execution.$": "$$.Execution.Id",
        "index.$": "$$.Map.Item.Index",
        "who.$": "$user",
        "greeting.$": "States.Format('Hi {} from {}', $user, $$.Execution.Name)",
    })
    assert template.evaluate(DATA, CONTEXT, {"user": "ann"}) == {
        "execution": "arn:exec", "index": 3, "who": "ann", "greeting": "Hi ann from run-1"}


def test_nested_arrays_and_objects() -> None:
    template = compile_payload_template({"list": [1, {"id.$": "$.items[0].id"}, ["x", {"k.$": "$.comment"}]]})
    assert template.evaluate(DATA) == {"list": [1, {"id": 1}, ["x", {"k": "Example for Parameters."}]]}


def test_indefinite_path_yields_a_list() -> None:
    template = compile_payload_template({"ids.$": "$.items[*].id", "none.$": "$.items[?(@.id > 5)]"})
    assert template.evaluate(DATA) == {"ids": [1, 2], "none": []}


def test_keys_without_dollar_suffix_are_literal() -> None:
    template = compile_payload_template({"path": "$.product", "n": 1, "nested": {"t": True}})
    assert template.is_constant
    assert template.evaluate(DATA) == {"path": "$.product", "n": 1, "nested": {"t": True}}


def test_evaluation_does_not_mutate_input_or_template() -> None:
    source = {"a.$": "$.product.details", "b": {"c": [1]}}
    data = copy.deepcopy(DATA)
    template = compile_payload_template(copy.deepcopy(source))
    template.evaluate(data)
    assert data == DATA and template.source == source


def test_missing_path_is_states_runtime_with_aws_wording() -> None:
    template = compile_payload_template({"x.$": "$.nope"})
    with pytest.raises(StatesError) as info:
        template.evaluate({"a": 1})
    assert info.value.error == "States.Runtime"
    assert info.value.cause == ("The JSONPath '$.nope' specified for the field 'x.$' could not be "
                                "found in the input '{\"a\":1}'")


def test_intrinsic_failure_propagates() -> None:
    template = compile_payload_template({"x.$": "States.ArrayGetItem($.items, 9)"})
    with pytest.raises(StatesError) as info:
        template.evaluate(DATA)
    assert info.value.error == "States.IntrinsicFailure"


@pytest.mark.parametrize("source", [
    {"x.$": "not a path"}, {"x.$": 5}, {"a": {"x.$": "$["}}, {"x.$": "States.Nope()"},
    [{"x.$": "$.a b"}],
])
def test_bad_dynamic_values_are_syntax_errors(source: Any) -> None:
    with pytest.raises(ExpressionSyntaxError, match="x.\\$"):
        compile_payload_template(source)


def test_paths_and_intrinsics_for_analysis() -> None:
    template = compile_payload_template({"a.$": "$.a", "b": {"c.$": "States.Array($.b, $$.c)"}})
    assert [p.text for p in template.paths()] == ["$.a", "$.b", "$$.c"]
    assert [c.name for c in template.intrinsics()] == ["States.Array"]


def test_scalar_and_array_templates() -> None:
    assert compile_payload_template("text").evaluate({}) == "text"
    assert compile_payload_template([{"a.$": "$.x"}]).evaluate({"x": 1}) == [{"a": 1}]


# -- JSONata templates -------------------------------------------------------------------------
STATES = {"input": {"name": "Ana", "n": 2, "list": [1, 2]}, "context": CONTEXT}


def test_whole_value_expression() -> None:
    template = compile_jsonata_template("{% $states.input.n * 10 %}")
    assert template.evaluate(STATES, {}) == 20
    assert [e.body for e in template.expressions()] == ["$states.input.n * 10"]


def test_nested_expressions_in_objects_and_arrays() -> None:
    template = compile_jsonata_template({
        "greeting": "{% 'Hello ' & $states.input.name %}",
        "static": {"k": [1, "two"]},
        "values": ["{% $states.input.n %}", "plain {% not an expression", {"v": "{% $v %}"}],
    })
    assert template.evaluate(STATES, {"v": True}) == {
        "greeting": "Hello Ana", "static": {"k": [1, "two"]},
        "values": [2, "plain {% not an expression", {"v": True}]}
    assert len(template.expressions()) == 3


def test_constant_template_is_returned_as_is() -> None:
    source = {"a": [1, {"b": "text"}], "c": "{% but not closed"}
    template = compile_jsonata_template(source)
    assert template.is_constant and template.expressions() == []
    assert template.evaluate(STATES, {}) is source


def test_undefined_nested_value_fails_naming_the_field_path() -> None:
    template = compile_jsonata_template({"a": {"b": "{% $states.input.missing %}"}})
    with pytest.raises(StatesError) as info:
        template.evaluate(STATES, {}, state_name="E", field="Output")
    assert info.value.error == "States.QueryEvaluationError"
    assert info.value.cause == ("An error occurred while executing the state 'E'. The JSONata "
                                "expression '$states.input.missing' specified for the field "
                                "'Output/a/b' returned nothing (undefined).")


def test_undefined_array_element_field_path() -> None:
    template = compile_jsonata_template({"xs": [1, "{% $nope %}"]})
    with pytest.raises(StatesError, match="'Arguments/xs\\[1\\]'"):
        template.evaluate(STATES, {}, field="Arguments")


def test_undefined_whole_value_fails_even_when_omitting() -> None:
    template = compile_jsonata_template("{% $states.input.missing %}")
    with pytest.raises(StatesError, match="field 'Output' returned nothing"):
        template.evaluate(STATES, {}, field="Output", omit_undefined=True)


def test_omit_undefined_drops_nested_keys_and_elements() -> None:
    template = compile_jsonata_template({"a": "{% $states.input.missing %}", "b": 1,
                                         "c": ["{% $nope %}", 2]})
    assert template.evaluate(STATES, {}, omit_undefined=True) == {"b": 1, "c": [2]}


def test_evaluation_error_names_the_nested_field() -> None:
    template = compile_jsonata_template({"x": "{% $states.input.name + 1 %}"})
    with pytest.raises(StatesError, match="field 'Output/x' threw an error during evaluation. T2001"):
        template.evaluate(STATES, {}, field="Output")


def test_syntax_error_at_compile_time() -> None:
    with pytest.raises(ExpressionSyntaxError):
        compile_jsonata_template({"a": ["{% (1 %}"]})

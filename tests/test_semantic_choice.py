"""Choice rules, JSONPath and JSONata."""
from __future__ import annotations

from typing import Any

import pytest
from semantic_helpers import END, assert_clean, assert_only, machine

from workflow.diagnostics import SCHEMA_VALIDATION_FAILED

SVF = SCHEMA_VALIDATION_FAILED


def choice(*rules: dict[str, Any], **top: Any) -> dict[str, Any]:
    return machine({"C": {"Type": "Choice", "Choices": list(rules), "Default": "E"}, "E": END},
                   **top)


def rule(**fields: Any) -> dict[str, Any]:
    return {"Variable": "$.x", **fields, "Next": "E"}


GOOD_RULES = [
    rule(StringEquals="a"), rule(StringMatches="log-*.txt"), rule(StringMatches="a\\*b\\\\"),
    rule(NumericLessThan=1.5), rule(NumericEquals=3), rule(BooleanEquals=False),
    rule(TimestampGreaterThan="2024-01-01T00:00:00Z"), rule(IsPresent=True), rule(IsNull=False),
    rule(StringEqualsPath="$.y"), rule(NumericGreaterThanPath="$$.Execution.Input.n"),
    rule(BooleanEqualsPath="$flag"), {"Variable": "$$.State.Name", "IsString": True, "Next": "E"},
    {"Variable": "$myVar.a", "IsNumeric": True, "Next": "E"},
    {"And": [{"Variable": "$.a", "IsPresent": True}, {"Not": {"Variable": "$.b", "IsNull": True}}],
     "Next": "E", "Comment": "nested", "Assign": {"x": 1}},
    {"Or": [{"Variable": "$.a", "IsPresent": True, "Comment": "inner comment"}], "Next": "E"},
]


@pytest.mark.parametrize("good", GOOD_RULES)
def test_valid_rules_are_clean(good: dict[str, Any]) -> None:
    assert_clean(choice(good))


def test_top_level_rule_needs_next() -> None:
    assert_only(choice({"Variable": "$.x", "IsNull": True}), SVF, "/States/C/Choices/0", "C",
                "These fields are required: [Next]")


def test_nested_rule_must_not_have_next() -> None:
    doc = choice({"Not": {"Variable": "$.x", "IsNull": True, "Next": "E"}, "Next": "E"})
    assert_only(doc, SVF, "/States/C/Choices/0/Not/Next", "C", "nested Choice rule")


def test_two_operators() -> None:
    assert_only(choice(rule(IsNull=True, IsPresent=True)), SVF, "/States/C/Choices/0", "C",
                "Each Choice Rule can only have one comparison operator")


def test_no_operator() -> None:
    assert_only(choice(rule()), SVF, "/States/C/Choices/0", "C", "needs a comparison operator")


def test_data_test_needs_variable() -> None:
    assert_only(choice({"IsNull": True, "Next": "E"}), SVF, "/States/C/Choices/0", "C",
                "These fields are required: [Variable]")


@pytest.mark.parametrize("variable", ["States.ArrayContains($.a, 'x')", "foo", "$.a[*]", "$..a", 7])
def test_variable_must_be_a_reference_path(variable: Any) -> None:
    doc = choice({"Variable": variable, "IsNull": True, "Next": "E"})
    assert_only(doc, SVF, "/States/C/Choices/0/Variable", "C",
                "The value for the field 'Variable' must be a valid Reference Path")


@pytest.mark.parametrize("operator, value", [
    ("StringEquals", 1), ("StringMatches", None), ("NumericEquals", "1"), ("NumericEquals", True),
    ("BooleanEquals", "true"), ("TimestampEquals", "2024-01-01"), ("IsPresent", "yes"),
    ("StringEqualsPath", "not a path"), ("NumericLessThanPath", "$.a[0:2]"),
])
def test_operand_types(operator: str, value: Any) -> None:
    assert_only(choice(rule(**{operator: value})), SVF, f"/States/C/Choices/0/{operator}", "C",
                f"The value for the field '{operator}' must be")


def test_string_matches_dangling_backslash() -> None:
    assert_only(choice(rule(StringMatches="abc\\")), SVF, "/States/C/Choices/0/StringMatches",
                "C", "unescaped")


@pytest.mark.parametrize("value", [[], {}, "x"])
def test_and_must_be_a_non_empty_array(value: Any) -> None:
    assert_only(choice({"And": value, "Next": "E"}), SVF, "/States/C/Choices/0/And", "C",
                "non-empty array")


def test_not_must_be_one_rule() -> None:
    assert_only(choice({"Not": [{"Variable": "$.a", "IsNull": True}], "Next": "E"}), SVF,
                "/States/C/Choices/0/Not", "C", "must be a Choice rule object")


def test_errors_inside_nested_rules_are_located_there() -> None:
    doc = choice({"Or": [{"Variable": "$.a", "IsNull": True},
                         {"Variable": "$.b", "NumericEquals": "x"}], "Next": "E"})
    assert_only(doc, SVF, "/States/C/Choices/0/Or/1/NumericEquals", "C")


def test_unknown_rule_field() -> None:
    assert_only(choice(rule(IsNull=True, End=True)), SVF, "/States/C/Choices/0", "C",
                "Field 'End' is not supported")


def test_jsonata_field_in_jsonpath_rule() -> None:
    assert_only(choice(rule(IsNull=True, Output={})), SVF, "/States/C/Choices/0", "C",
                "The QueryLanguage is set to 'JSONPath', but field 'Output' is only supported "
                "for the 'JSONata' QueryLanguage")


def jsonata_choice(*rules: dict[str, Any]) -> dict[str, Any]:
    return choice(*rules, QueryLanguage="JSONata")


def test_valid_jsonata_rules_are_clean() -> None:
    assert_clean(jsonata_choice({"Condition": "{% $states.input.x > 1 %}", "Next": "E",
                                 "Output": {"a": 1}, "Assign": {"v": 2}, "Comment": "c"},
                                {"Condition": True, "Next": "E"}))


def test_jsonpath_field_in_jsonata_rule() -> None:
    assert_only(jsonata_choice({"Condition": True, "Next": "E", "Variable": "$.x"}), SVF,
                "/States/C/Choices/0", "C",
                "The QueryLanguage is set to 'JSONata', but field 'Variable' is only supported "
                "for the 'JSONPath' QueryLanguage")


def test_jsonata_rule_needs_condition_and_next() -> None:
    assert_only(jsonata_choice({"Next": "E"}), SVF, "/States/C/Choices/0", "C",
                "These fields are required: [Condition]")
    assert_only(jsonata_choice({"Condition": True}), SVF, "/States/C/Choices/0", "C",
                "These fields are required: [Next]")


@pytest.mark.parametrize("condition", ["true", 1, "{% x", None])
def test_jsonata_condition_shape(condition: Any) -> None:
    assert_only(jsonata_choice({"Condition": condition, "Next": "E"}), SVF,
                "/States/C/Choices/0/Condition", "C", "must be a boolean or a JSONata")

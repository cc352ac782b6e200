"""JSONata expressions and the QueryLanguage rules."""
from __future__ import annotations

from typing import Any

import pytest
from semantic_helpers import END, LAMBDA, assert_clean, assert_only, machine, one_state, run

from workflow.diagnostics import (INVALID_JSONATA_EXPRESSION, SCHEMA_VALIDATION_FAILED,
                                  UNSUPPORTED_JSONATA_EXPRESSION)

UNSUPPORTED = UNSUPPORTED_JSONATA_EXPRESSION
PROCESSOR = machine({"I": END})


def jsonata(state: dict[str, Any], **top: Any) -> dict[str, Any]:
    return one_state(state, QueryLanguage="JSONata", **top)


def task(**extra: Any) -> dict[str, Any]:
    return {"Type": "Task", "Resource": LAMBDA, "End": True, **extra}


def test_valid_expressions_are_clean() -> None:
    assert_clean(jsonata(task(
        Arguments={"a": "{% $states.input.a %}", "b": ["{% $uuid() %}", 1],
                   "c": "{% $orders[total > 10] %}", "t": "{% $states.context.Task.Token %}"},
        Output="{% $states.result.Payload %}", Assign={"r": "{% $states.result %}"},
        TimeoutSeconds="{% $states.input.timeout %}",
        Catch=[{"ErrorEquals": ["States.ALL"], "Next": "S",
                "Output": "{% $states.errorOutput %}",
                "Assign": {"e": "{% $states.errorOutput.Cause %}"}}])))


def test_syntax_error_is_located_at_the_sub_key() -> None:
    doc = jsonata({"Type": "Pass", "Output": {"v": ["ok", "{% 10 + * 2 %}"]}, "End": True})
    assert_only(doc, INVALID_JSONATA_EXPRESSION, "/States/S/Output/v/1", "S")


def test_syntax_error_in_a_state_level_query_language() -> None:
    doc = one_state({"Type": "Pass", "QueryLanguage": "JSONata", "Output": "{% 1 + %}",
                     "End": True})
    assert_only(doc, INVALID_JSONATA_EXPRESSION, "/States/S/Output", "S")


@pytest.mark.parametrize("expression", ["{% phone %}", "{% $ %}", "{% $$ %}", "{% $.a %}"])
def test_top_level_input_references_are_unsupported(expression: str) -> None:
    doc = jsonata({"Type": "Pass", "Output": {"v": expression}, "End": True})
    found = run(doc)
    assert found and {d.code for d in found} == {UNSUPPORTED}
    assert {d.location for d in found} == {"/States/S/Output/v"}


def test_states_result_outside_top_level_output_or_assign() -> None:
    doc = jsonata(task(Arguments={"x": "{% $states.result %}"}))
    assert_only(doc, UNSUPPORTED, "/States/S/Arguments/x", "S", "$states.result")
    doc = jsonata({"Type": "Pass", "Output": "{% $states.result %}", "End": True})
    assert_only(doc, UNSUPPORTED, "/States/S/Output", "S", "$states.result")


def test_states_result_in_a_catcher_is_unsupported() -> None:
    doc = jsonata(task(Catch=[{"ErrorEquals": ["States.ALL"], "Next": "S",
                               "Output": "{% $states.result %}"}]))
    assert_only(doc, UNSUPPORTED, "/States/S/Catch/0/Output", "S")


def test_states_error_output_outside_a_catcher() -> None:
    doc = jsonata(task(Output="{% $states.errorOutput %}"))
    assert_only(doc, UNSUPPORTED, "/States/S/Output", "S", "$states.errorOutput")


@pytest.mark.parametrize("state, tokens", [
    ({"Type": "Wait", "Seconds": "{% 1 + %}", "End": True}, "Seconds"),
    ({"Type": "Wait", "Timestamp": "{% 1 + %}", "End": True}, "Timestamp"),
    ({"Type": "Fail", "Error": "{% 1 + %}"}, "Error"),
    ({"Type": "Fail", "Cause": "{% 1 + %}"}, "Cause"),
    (task(HeartbeatSeconds="{% 1 + %}"), "HeartbeatSeconds"),
    (task(Credentials={"RoleArn": "{% 1 + %}"}), "Credentials/RoleArn"),
    ({"Type": "Map", "ItemProcessor": PROCESSOR, "End": True, "Items": "{% 1 + %}"}, "Items"),
    ({"Type": "Map", "ItemProcessor": PROCESSOR, "End": True,
      "ItemSelector": {"v": "{% 1 + %}"}}, "ItemSelector/v"),
    ({"Type": "Map", "ItemProcessor": PROCESSOR, "End": True, "MaxConcurrency": "{% 1 + %}"},
     "MaxConcurrency"),
    ({"Type": "Map", "ItemProcessor": PROCESSOR, "End": True,
      "ItemReader": {"Resource": "arn:aws:states:::s3:getObject",
                     "ReaderConfig": {"MaxItems": "{% 1 + %}"}}},
     "ItemReader/ReaderConfig/MaxItems"),
    ({"Type": "Map", "ItemProcessor": PROCESSOR, "End": True,
      "ItemBatcher": {"BatchInput": {"b": "{% 1 + %}"}}}, "ItemBatcher/BatchInput/b"),
    ({"Type": "Map", "ItemProcessor": PROCESSOR, "End": True,
      "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject",
                       "Arguments": {"Bucket": "{% 1 + %}"}}}, "ResultWriter/Arguments/Bucket"),
])
def test_every_jsonata_field_is_parsed(state: dict[str, Any], tokens: str) -> None:
    found = [d for d in run(jsonata(state)) if d.code == INVALID_JSONATA_EXPRESSION]
    assert [d.location for d in found] == [f"/States/S/{tokens}"]


def test_choice_condition_is_parsed() -> None:
    doc = machine({"C": {"Type": "Choice", "Default": "E",
                         "Choices": [{"Condition": "{% $x = %}", "Next": "E"}]}, "E": END},
                  QueryLanguage="JSONata")
    assert_only(doc, INVALID_JSONATA_EXPRESSION, "/States/C/Choices/0/Condition", "C")


def test_jsonata_text_in_a_jsonpath_state_is_just_a_string() -> None:
    assert_clean(one_state(task(Parameters={"x": "{% 1 + %}"})))


def test_jsonpath_state_under_top_level_jsonata() -> None:
    doc = jsonata({"Type": "Pass", "QueryLanguage": "JSONPath", "End": True})
    assert_only(doc, SCHEMA_VALIDATION_FAILED, "/States/S/QueryLanguage", "S",
                "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine")


def test_jsonata_state_under_top_level_jsonpath_is_fine() -> None:
    assert_clean(one_state({"Type": "Pass", "QueryLanguage": "JSONata", "End": True}))

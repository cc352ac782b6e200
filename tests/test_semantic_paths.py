"""JSONPath fields, payload templates and the path-looking-literal warnings."""
from __future__ import annotations

from typing import Any

import pytest
from semantic_helpers import (END, LAMBDA, assert_clean, assert_has, assert_only, machine,
                              one_state, run)

from workflow.diagnostics import (NO_DOLLAR, NO_PATH, PASS_RESULT_IS_STATIC,
                                  SCHEMA_VALIDATION_FAILED, Severity)

SVF = SCHEMA_VALIDATION_FAILED
WARN = Severity.WARNING
PROCESSOR = machine({"I": END})


def task(**extra: Any) -> dict[str, Any]:
    return {"Type": "Task", "Resource": LAMBDA, "End": True, **extra}


def mapped(**extra: Any) -> dict[str, Any]:
    return {"Type": "Map", "ItemProcessor": PROCESSOR, "End": True, **extra}


def test_invalid_input_path_matches_asl_validator() -> None:
    doc = one_state({"Type": "Pass", "InputPath": "bug$.library.movies", "End": True},
                    name="PassState")
    assert_only(doc, SVF, "/States/PassState/InputPath", "PassState",
                "The value for the field 'InputPath' must be a valid JSONPath")


def test_intrinsic_is_not_a_path() -> None:
    doc = one_state({"Type": "Pass", "InputPath": "States.Format('{}', $.a)", "End": True})
    assert_only(doc, SVF, "/States/S/InputPath", "S")


@pytest.mark.parametrize("field, value", [
    ("InputPath", "$.a[?(@.b > 1)]"), ("OutputPath", "$$.Execution.Input"),
    ("InputPath", None), ("OutputPath", "$var.field"), ("ResultPath", None),
    ("ResultPath", "$.a.b['c d'][0]"), ("ResultPath", "$"),
])
def test_valid_io_paths(field: str, value: Any) -> None:
    assert_clean(one_state(task(**{field: value})))


@pytest.mark.parametrize("value, message", [
    ("$.a[*]", "must be a valid Reference Path"),
    ("$$.Execution", "must not use the context object"),
    ("$myVar.a", "must not reference a variable"),
])
def test_result_path_rules(value: str, message: str) -> None:
    assert_only(one_state(task(ResultPath=value)), SVF, "/States/S/ResultPath", "S", message)


def test_catcher_result_path() -> None:
    doc = machine({"S": task(Catch=[{"ErrorEquals": ["States.ALL"], "Next": "F",
                                     "ResultPath": "$$.x"}]), "F": {"Type": "Fail"}})
    assert_only(doc, SVF, "/States/S/Catch/0/ResultPath", "S", "context object")


def test_items_path_may_use_the_context_object() -> None:
    assert_clean(one_state(mapped(ItemsPath="$$.Execution.Input.items")))
    assert_only(one_state(mapped(ItemsPath="$.a[1:3]")), SVF, "/States/S/ItemsPath", "S")


@pytest.mark.parametrize("state, tokens", [
    (task(TimeoutSecondsPath="$$.x"), "TimeoutSecondsPath"),
    (task(HeartbeatSecondsPath="$$.x"), "HeartbeatSecondsPath"),
    ({"Type": "Wait", "SecondsPath": "$$.x", "End": True}, "SecondsPath"),
    (mapped(MaxConcurrencyPath="$$.x"), "MaxConcurrencyPath"),
    (mapped(ToleratedFailureCountPath="$$.x"), "ToleratedFailureCountPath"),
    (mapped(ToleratedFailurePercentagePath="$$.x"), "ToleratedFailurePercentagePath"),
    (mapped(ItemReader={"Resource": "arn:aws:states:::s3:getObject",
                        "ReaderConfig": {"MaxItemsPath": "$$.x"}}),
     "ItemReader/ReaderConfig/MaxItemsPath"),
    (mapped(ItemBatcher={"MaxItemsPerBatchPath": "$$.x"}), "ItemBatcher/MaxItemsPerBatchPath"),
    (mapped(ItemBatcher={"MaxInputBytesPerBatchPath": "$$.x"}),
     "ItemBatcher/MaxInputBytesPerBatchPath"),
])
def test_numeric_path_fields_refuse_the_context_object(state: dict[str, Any], tokens: str) -> None:
    assert_only(one_state(state), SVF, f"/States/S/{tokens}", "S", "context object")


def test_numeric_path_fields_accept_variables_and_need_single_nodes() -> None:
    assert_clean(one_state(task(TimeoutSecondsPath="$limits.timeout")))
    assert_only(one_state(task(TimeoutSecondsPath="$..t")), SVF, "/States/S/TimeoutSecondsPath",
                "S", "Reference Path")


def test_timestamp_path_may_use_the_context_object() -> None:
    assert_clean(one_state({"Type": "Wait", "TimestampPath": "$$.Execution.StartTime",
                            "End": True}))


def fail(**fields: Any) -> dict[str, Any]:
    return {"Type": "Fail", **fields}


def test_fail_paths() -> None:
    assert_clean(one_state(fail(ErrorPath="$.error", CausePath="States.Format('x {}', $.c)")))
    assert_clean(one_state(fail(ErrorPath="States.JsonToString($.e)", CausePath="$$.State.Name")))
    assert_only(one_state(fail(ErrorPath="States.ArrayLength($.a)")), SVF, "/States/S/ErrorPath",
                "S", "returns a string")
    assert_only(one_state(fail(CausePath="$.a[*]")), SVF, "/States/S/CausePath", "S")
    assert_only(one_state(fail(CausePath="States.Nope($.a)")), SVF, "/States/S/CausePath", "S")


def test_payload_template_value_must_be_a_path_or_intrinsic() -> None:
    doc = one_state(task(Parameters={"foo": "bar", "lorem.$": "ipsum", "dolor.$": "$.sit.amet"}),
                    name="Hello, World")
    assert_only(doc, SVF, "/States/Hello, World/Parameters/lorem.$", "Hello, World",
                "The value for the field 'lorem.$' must be a valid JSONPath or a valid intrinsic "
                "function call")


def test_statelint_parameter_path_problems_are_all_found() -> None:
    parameters = {
        "f0": 1, "good1.$": "$.g1", "bad1.$": 23, "bad2.$": "23",
        "f3": {"bad3.$": [1, 2, 3], "good2.$": "$.b[23]",
               "f5": ["f6", {"f7": {"bad4.$": {"f9": 1}, "good3.$": "$.x.y.z[2]"}}]},
        "good4.$": "$$", "good5.$": "$$.g5", "bad5.$": "$$23"}
    found = run(one_state({"Type": "Pass", "Parameters": parameters, "End": True}))
    assert [d.location for d in found] == [
        "/States/S/Parameters/bad1.$", "/States/S/Parameters/bad2.$",
        "/States/S/Parameters/f3/bad3.$", "/States/S/Parameters/f3/f5/1/f7/bad4.$",
        "/States/S/Parameters/bad5.$"]


@pytest.mark.parametrize("field", ["Parameters", "ResultSelector", "Assign"])
def test_every_task_template_is_checked(field: str) -> None:
    assert_only(one_state(task(**{field: {"a.$": "nope"}})), SVF, f"/States/S/{field}/a.$", "S")


def test_credentials_role_arn_is_checked_and_other_keys_left_to_the_schema_stage() -> None:
    assert_only(one_state(task(Credentials={"RoleArn.$": "nope", "x.$": "nope"})), SVF,
                "/States/S/Credentials/RoleArn.$", "S")
    assert_clean(one_state(task(Credentials={"RoleArn.$": "States.Format('arn:{}', $.r)"})))


@pytest.mark.parametrize("extra, tokens", [
    ({"ItemSelector": {"a.$": "x"}}, "ItemSelector/a.$"),
    ({"ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "Parameters": {"a.$": "x"}}},
     "ItemReader/Parameters/a.$"),
    ({"ResultWriter": {"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"a.$": "x"}}},
     "ResultWriter/Parameters/a.$"),
    ({"ItemBatcher": {"MaxItemsPerBatch": 2, "BatchInput": {"a.$": "x"}}},
     "ItemBatcher/BatchInput/a.$"),
])
def test_every_map_template_is_checked(extra: dict[str, Any], tokens: str) -> None:
    assert_only(one_state(mapped(**extra)), SVF, f"/States/S/{tokens}", "S")


def test_choice_rule_and_catcher_assign_are_templates() -> None:
    doc = machine({
        "C": {"Type": "Choice", "Default": "T",
              "Choices": [{"Variable": "$.x", "IsNull": True, "Next": "T",
                           "Assign": {"a.$": "bad"}}]},
        "T": task(Catch=[{"ErrorEquals": ["States.ALL"], "Next": "F", "Assign": {"b.$": "bad"}}]),
        "F": {"Type": "Fail"}})
    found = run(doc)
    assert [d.location for d in found] == ["/States/C/Choices/0/Assign/a.$",
                                          "/States/T/Catch/0/Assign/b.$"]


def test_valid_template_values() -> None:
    assert_clean(one_state(task(Parameters={
        "a.$": "$.x", "b.$": "$$.Execution.Id", "c.$": "$myVar.field",
        "d.$": "States.Format('Hi {}', $.name)", "e": {"f.$": "States.UUID()"}, "g": [1, {"h": 2}],
        "i.$": "$"})))


def test_bad_intrinsic_in_template_carries_the_reason() -> None:
    found = assert_only(one_state(task(Parameters={"a.$": "States.Format('{} {}', $.x)"})), SVF,
                        "/States/S/Parameters/a.$", "S")
    assert found.message.startswith("The value for the field 'a.$' must be a valid JSONPath or a "
                                    "valid intrinsic function call: ")


def test_key_collision_after_stripping() -> None:
    assert_only(one_state(task(Parameters={"a": 1, "a.$": "$.a"})), SVF,
                "/States/S/Parameters/a.$", "S", "collides")
    assert_only(one_state(task(Parameters={"n": {"conflict.$": "$.x", "conflict.$.$": "$.y"}})),
                SVF, "/States/S/Parameters/n/conflict.$.$", "S", "collides")


def test_no_dollar_warning() -> None:
    assert_only(one_state(task(Parameters={"x": {"y": "$.looks.like.a.path"}})), NO_DOLLAR,
                "/States/S/Parameters/x/y", "S", severity=WARN)
    assert_only(one_state(task(Parameters={"y": "$$.Execution.Id"})), NO_DOLLAR,
                "/States/S/Parameters/y", "S", severity=WARN)
    assert_clean(one_state(task(Parameters={"price": "$5", "all": "$"})))


@pytest.mark.parametrize("state, field", [
    ({"Type": "Wait", "Seconds": "$.s", "End": True}, "Seconds"),
    ({"Type": "Wait", "Timestamp": "$.when", "End": True}, "Timestamp"),
    (fail(Error="$.error"), "Error"),
    (fail(Cause="$$.Execution.Input.c"), "Cause"),
    (task(TimeoutSeconds="$.t"), "TimeoutSeconds"),
    (mapped(MaxConcurrency="$.m"), "MaxConcurrency"),
])
def test_no_path_warning(state: dict[str, Any], field: str) -> None:
    found = assert_has(one_state(state), NO_PATH, f"/States/S/{field}", "S", severity=WARN)
    assert f"'{field}Path'" in found.message


def test_no_path_is_jsonpath_only() -> None:
    assert_clean(one_state(fail(Error="$.error"), QueryLanguage="JSONata"))


def test_pass_result_is_static() -> None:
    for result in ("$.a", {"x": ["$$.Execution.Id"]}):
        assert_only(one_state({"Type": "Pass", "Result": result, "End": True}),
                    PASS_RESULT_IS_STATIC, "/States/S/Result", "S", severity=WARN)
    assert_clean(one_state({"Type": "Pass", "Result": {"x": "$5"}, "End": True}))


def test_jsonata_states_are_not_path_checked() -> None:
    assert_clean(one_state({"Type": "Pass", "Output": {"a": "$.x"}, "End": True},
                           QueryLanguage="JSONata"))


def test_fields_not_allowed_on_the_type_are_left_to_the_schema_stage() -> None:
    assert_clean(machine({"S": {"Type": "Choice", "Parameters": {"a.$": "bad"},
                                "ResultPath": "$$.bad",
                                "Choices": [{"Variable": "$.x", "IsNull": True, "Next": "E"}]},
                          "E": END}))

"""Schema stage: one minimal definition per rule, valid definitions in both query languages."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from workflow.diagnostics import SCHEMA_VALIDATION_FAILED, Diagnostic, Severity
from workflow.validation.schema import (DEFINITIONS, SCHEMA_DIR, SCHEMA_FILES, check_schema,
                                        iter_standalone_errors)
from workflow.validation.walk import walk

PASS_END = {"Type": "Pass", "End": True}
TASK = {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f", "End": True}
TYPES = "[Task, Wait, Pass, Succeed, Fail, Choice, Parallel, Map]"


def findings(definition: Any) -> list[Diagnostic]:
    return list(check_schema(walk(definition)))


def one(state: dict[str, Any], **top: Any) -> dict[str, Any]:
    return {"StartAt": "S", "States": {"S": state}, **top}


def jsonata(state: dict[str, Any]) -> dict[str, Any]:
    return one(state, QueryLanguage="JSONata")


def with_(base: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {**base, **fields}


def branch(states: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    return {"StartAt": "B", "States": states or {"B": PASS_END}, **extra}


def parallel(*branches: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"Type": "Parallel", "Branches": list(branches), "End": True, **extra}


def map_state(**extra: Any) -> dict[str, Any]:
    return {"Type": "Map", "ItemProcessor": branch(), "End": True, **extra}


def assert_one(definition: Any, location: str, state: str | None, message: str) -> None:
    found = findings(definition)
    assert [(d.location, d.state, d.message) for d in found] == [(location, state, message)]
    assert found[0].code == SCHEMA_VALIDATION_FAILED
    assert found[0].severity is Severity.ERROR


def missing(field: str) -> str:
    return f"The field '{field}' is required but was missing"


def value_msg(field: str, wanted: str) -> str:
    return f"The value for the field '{field}' must be {wanted}"


def other_ql(ql: str, field: str) -> str:
    other = "JSONata" if ql == "JSONPath" else "JSONPath"
    return (f"The QueryLanguage is set to '{ql}', but field '{field}' is only supported "
            f"for the '{other}' QueryLanguage")


# --- top-level machine ----------------------------------------------------------------------

TOP_CASES = [
    (one(PASS_END, Foo=1), "", None, "Field 'Foo' is not supported"),
    ({"StartAt": "S"}, "", None, "These fields are required: [States]"),
    ({}, "", None, "These fields are required: [StartAt, States]"),
    (one(PASS_END, Version="2.0"), "/Version", None,
     "The field 'Version' should have one of these values: [1.0]"),
    (one(PASS_END, TimeoutSeconds=0), "/TimeoutSeconds", None,
     value_msg("TimeoutSeconds", "an integer between 1 and 99999999")),
    (one(PASS_END, TimeoutSeconds=100000000), "/TimeoutSeconds", None,
     value_msg("TimeoutSeconds", "an integer between 1 and 99999999")),
    (one(PASS_END, TimeoutSeconds="5"), "/TimeoutSeconds", None,
     value_msg("TimeoutSeconds", "an integer between 1 and 99999999")),
    (one(PASS_END, QueryLanguage="XPath"), "/QueryLanguage", None,
     "The field 'QueryLanguage' should have one of these values: [JSONPath, JSONata]"),
    (one(PASS_END, Comment=5), "/Comment", None, value_msg("Comment", "a string")),
    ({"StartAt": 1, "States": {"S": PASS_END}}, "/StartAt", None, value_msg("StartAt", "a string")),
    ({"StartAt": "S", "States": {}}, "/States", None, "Value cannot be empty"),
    ({"StartAt": "S", "States": []}, "/States", None, value_msg("States", "an object")),
    ({"StartAt": "S", "States": {"S": 5}}, "/States/S", "S", "The state 'S' must be an object"),
]


@pytest.mark.parametrize("definition, location, state, message", TOP_CASES)
def test_top_level_rules(definition: Any, location: str, state: str | None, message: str) -> None:
    assert_one(definition, location, state, message)


def test_valid_top_level_fields() -> None:
    assert findings(one(PASS_END, Comment="c", Version="1.0", TimeoutSeconds=99999999,
                        QueryLanguage="JSONPath")) == []


def test_document_that_is_not_an_object() -> None:
    from workflow.validation.walk import Walk
    found = list(check_schema(Walk([1, 2])))  # type: ignore[arg-type]
    assert [(d.code, d.location) for d in found] == [(SCHEMA_VALIDATION_FAILED, "")]


# --- nested machines -------------------------------------------------------------------------

NESTED_CASES = [
    (one(parallel(branch(QueryLanguage="JSONata"))), "/States/S/Branches/0", "S",
     "Field 'QueryLanguage' is not supported"),
    (one(parallel(branch(TimeoutSeconds=5))), "/States/S/Branches/0", "S",
     "Field 'TimeoutSeconds' is not supported"),
    (one(parallel(branch(Version="1.0"))), "/States/S/Branches/0", "S",
     "Field 'Version' is not supported"),
    (one(parallel({"States": {"B": PASS_END}})), "/States/S/Branches/0", "S",
     "These fields are required: [StartAt]"),
    (one(parallel(branch(ProcessorConfig={}))), "/States/S/Branches/0", "S",
     "Field 'ProcessorConfig' is not supported"),
    (one(map_state(ItemProcessor=branch(QueryLanguage="JSONPath"))), "/States/S/ItemProcessor", "S",
     "Field 'QueryLanguage' is not supported"),
    (one(map_state(ItemProcessor=branch(ProcessorConfig={"Mode": "FOO"}))),
     "/States/S/ItemProcessor/ProcessorConfig/Mode", "S",
     "The field 'Mode' should have one of these values: [INLINE, DISTRIBUTED]"),
    (one(map_state(ItemProcessor=branch(ProcessorConfig={"ExecutionType": "SLOW"}))),
     "/States/S/ItemProcessor/ProcessorConfig/ExecutionType", "S",
     "The field 'ExecutionType' should have one of these values: [STANDARD, EXPRESS]"),
    (one(map_state(ItemProcessor=branch(ProcessorConfig={"Speed": 1}))),
     "/States/S/ItemProcessor/ProcessorConfig", "S", "Field 'Speed' is not supported"),
    (one({"Type": "Map", "Iterator": branch(ProcessorConfig={}), "End": True}),
     "/States/S/Iterator", "S", "Field 'ProcessorConfig' is not supported"),
    (one(parallel(branch({"B": with_(PASS_END, Bad=1)}))), "/States/S/Branches/0/States/B", "B",
     "Field 'Bad' is not supported"),
    (one(parallel(branch({"B": 3}))), "/States/S/Branches/0/States/B", "B",
     "The state 'B' must be an object"),
    (one(parallel(branch(States={}))), "/States/S/Branches/0/States", "S", "Value cannot be empty"),
]


@pytest.mark.parametrize("definition, location, state, message", NESTED_CASES)
def test_nested_machine_rules(definition: Any, location: str, state: str | None,
                              message: str) -> None:
    assert_one(definition, location, state, message)


def test_nested_states_inherit_the_top_level_language_not_the_container() -> None:
    inner = branch({"B": with_(PASS_END, Output=1)})
    assert_one(one(parallel(inner, QueryLanguage="JSONata")),
               "/States/S/Branches/0/States/B/Output", "B", other_ql("JSONPath", "Output"))
    container = map_state(ItemProcessor=inner, QueryLanguage="JSONPath")
    assert findings(jsonata(container)) == []


# --- Type ------------------------------------------------------------------------------------

def test_unknown_type_reports_only_the_type() -> None:
    state = {"Type": "Foo", "Resource": "x", "Bogus": 1, "Retry": "no", "End": True}
    assert_one(one(state), "/States/S/Type", "S",
               f"The field 'Type' should have one of these values: {TYPES}")


def test_non_string_type() -> None:
    assert_one(one({"Type": 3}), "/States/S/Type", "S",
               f"The field 'Type' should have one of these values: {TYPES}")


def test_missing_type() -> None:
    assert_one(one({"End": True}), "/States/S", "S", "The field 'Type' is required but was missing")


def test_state_query_language_enum_is_reported_and_counts_as_jsonata() -> None:
    found = findings(one(with_(TASK, QueryLanguage="XPath", InputPath="$")))
    assert [(d.location, d.message) for d in found] == [
        ("/States/S/QueryLanguage",
         "The field 'QueryLanguage' should have one of these values: [JSONPath, JSONata]"),
        ("/States/S/InputPath", other_ql("JSONata", "InputPath")),
    ]


# --- per-type field allowlists ---------------------------------------------------------------

CHOICE = {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsPresent": True, "Next": "S"}]}
WAIT = {"Type": "Wait", "Seconds": 1, "End": True}
SUCCEED = {"Type": "Succeed"}
FAIL = {"Type": "Fail"}

UNSUPPORTED = [
    (parallel(branch(), TimeoutSeconds=5), "TimeoutSeconds"),
    (map_state(TimeoutSeconds=5), "TimeoutSeconds"),
    (map_state(HeartbeatSeconds=5), "HeartbeatSeconds"),
    (with_(PASS_END, Catch=[]), "Catch"),
    (with_(WAIT, Retry=[]), "Retry"),
    (with_(CHOICE, Retry=[]), "Retry"),
    (with_(SUCCEED, Next="S"), "Next"),
    (with_(FAIL, End=True), "End"),
    (with_(CHOICE, Next="S"), "Next"),
    (with_(SUCCEED, Assign={}), "Assign"),
    (with_(FAIL, Assign={}), "Assign"),
    (with_(FAIL, InputPath="$"), "InputPath"),
    (with_(CHOICE, Parameters={}), "Parameters"),
    (with_(WAIT, Parameters={}), "Parameters"),
    (with_(PASS_END, ResultSelector={}), "ResultSelector"),
    (with_(WAIT, ResultPath="$.x"), "ResultPath"),
    (with_(PASS_END, Credentials={"RoleArn": "r"}), "Credentials"),
    (with_(TASK, Label="x"), "Label"),
    (with_(TASK, Branches=[]), "Branches"),
    (with_(PASS_END, Resource="x"), "Resource"),
    (with_(TASK, bugInputPath="$"), "bugInputPath"),
]


@pytest.mark.parametrize("state, field", UNSUPPORTED)
def test_field_not_supported_jsonpath(state: dict[str, Any], field: str) -> None:
    assert_one(one(state), "/States/S", "S", f"Field '{field}' is not supported")


UNSUPPORTED_JSONATA = [
    (with_(PASS_END, Arguments={}), "Arguments"),
    (map_state(Arguments={}), "Arguments"),
    (with_(FAIL, Output={}), "Output"),
    (with_(FAIL, Assign={}), "Assign"),
    ({"Type": "Choice", "Choices": [{"Condition": True, "Next": "S"}], "Condition": True},
     "Condition"),
]


@pytest.mark.parametrize("state, field", UNSUPPORTED_JSONATA)
def test_field_not_supported_jsonata(state: dict[str, Any], field: str) -> None:
    assert_one(jsonata(state), "/States/S", "S", f"Field '{field}' is not supported")


def test_each_unsupported_field_is_its_own_finding() -> None:
    found = findings(one(with_(PASS_END, A=1, B=2)))
    assert [(d.location, d.message) for d in found] == [
        ("/States/S", "Field 'A' is not supported"), ("/States/S", "Field 'B' is not supported")]


OTHER_LANGUAGE = [
    ("JSONPath", with_(TASK, Output={}), "/States/S/Output", "Output"),
    ("JSONPath", with_(TASK, Arguments={}), "/States/S/Arguments", "Arguments"),
    ("JSONPath", with_(SUCCEED, Output=1), "/States/S/Output", "Output"),
    ("JSONPath", map_state(Items=[1]), "/States/S/Items", "Items"),
    ("JSONPath", with_(TASK, Catch=[{"ErrorEquals": ["E"], "Next": "S", "Output": 1}]),
     "/States/S/Catch/0/Output", "Output"),
    ("JSONPath", map_state(ItemReader={"Resource": "r", "Arguments": {}}),
     "/States/S/ItemReader/Arguments", "Arguments"),
    ("JSONPath", map_state(ResultWriter={"Arguments": {}}), "/States/S/ResultWriter/Arguments",
     "Arguments"),
    ("JSONata", with_(TASK, InputPath="$"), "/States/S/InputPath", "InputPath"),
    ("JSONata", with_(TASK, Parameters={}), "/States/S/Parameters", "Parameters"),
    ("JSONata", with_(TASK, TimeoutSecondsPath="$.t"), "/States/S/TimeoutSecondsPath",
     "TimeoutSecondsPath"),
    ("JSONata", with_(PASS_END, Result=1), "/States/S/Result", "Result"),
    ("JSONata", with_(WAIT, SecondsPath="$.s"), "/States/S/SecondsPath", "SecondsPath"),
    ("JSONata", with_(FAIL, ErrorPath="$.e"), "/States/S/ErrorPath", "ErrorPath"),
    ("JSONata", map_state(ItemsPath="$.i"), "/States/S/ItemsPath", "ItemsPath"),
    ("JSONata", map_state(MaxConcurrencyPath="$.m"), "/States/S/MaxConcurrencyPath",
     "MaxConcurrencyPath"),
    ("JSONata", with_(TASK, Catch=[{"ErrorEquals": ["E"], "Next": "S", "ResultPath": "$.e"}]),
     "/States/S/Catch/0/ResultPath", "ResultPath"),
    ("JSONata", map_state(ItemBatcher={"MaxItemsPerBatch": 2, "MaxInputBytesPerBatchPath": "$.b"}),
     "/States/S/ItemBatcher/MaxInputBytesPerBatchPath", "MaxInputBytesPerBatchPath"),
    ("JSONata", map_state(ItemReader={"Resource": "r", "ReaderConfig": {"MaxItemsPath": "$.m"}}),
     "/States/S/ItemReader/ReaderConfig/MaxItemsPath", "MaxItemsPath"),
]


@pytest.mark.parametrize("ql, state, location, field", OTHER_LANGUAGE)
def test_field_of_the_other_query_language(ql: str, state: dict[str, Any], location: str,
                                           field: str) -> None:
    definition = jsonata(state) if ql == "JSONata" else one(state)
    assert_one(definition, location, "S", other_ql(ql, field))


def test_state_level_query_language_switches_the_field_set() -> None:
    assert_one(one(with_(TASK, QueryLanguage="JSONata", Parameters={})), "/States/S/Parameters",
               "S", other_ql("JSONata", "Parameters"))
    assert findings(one(with_(TASK, QueryLanguage="JSONata", Arguments={}))) == []


# --- required fields, JSON types, enums, ranges ---------------------------------------------

def retry(**fields: Any) -> dict[str, Any]:
    return with_(TASK, Retry=[{"ErrorEquals": ["States.ALL"], **fields}])


def reader(**config: Any) -> dict[str, Any]:
    return map_state(ItemReader={"Resource": "arn:aws:states:::s3:getObject",
                                 "ReaderConfig": config})


INT_0 = "an integer between 0 and 99999999"
INT_1 = "an integer between 1 and 99999999"
STATE_CASES = [
    ({"Type": "Task", "End": True}, "/States/S", missing("Resource")),
    (with_(TASK, Resource=5), "/States/S/Resource", value_msg("Resource", "a string")),
    ({"Type": "Choice"}, "/States/S", "The field 'Choices' is required but was missing"),
    (with_(CHOICE, Choices=[]), "/States/S/Choices", "Value cannot be empty"),
    (with_(CHOICE, Choices=[1]), "/States/S/Choices/0",
     "Each element of the field 'Choices' must be an object"),
    (with_(CHOICE, Default=1), "/States/S/Default", value_msg("Default", "a string")),
    ({"Type": "Parallel", "End": True}, "/States/S", missing("Branches")),
    (parallel(), "/States/S/Branches", "Value cannot be empty"),
    (with_(parallel(), Branches={}), "/States/S/Branches", value_msg("Branches", "an array")),
    ({"Type": "Map", "End": True}, "/States/S", missing("ItemProcessor")),
    (with_(TASK, Retry={}), "/States/S/Retry", value_msg("Retry", "an array")),
    (with_(TASK, Retry=[{}]), "/States/S/Retry/0", missing("ErrorEquals")),
    (retry(ErrorEquals=[]), "/States/S/Retry/0/ErrorEquals", "Value cannot be empty"),
    (retry(ErrorEquals=[1]), "/States/S/Retry/0/ErrorEquals/0",
     "Each element of the field 'ErrorEquals' must be a string"),
    (retry(ErrorEquals="States.ALL"), "/States/S/Retry/0/ErrorEquals",
     value_msg("ErrorEquals", "an array")),
    (retry(Foo=1), "/States/S/Retry/0", "Field 'Foo' is not supported"),
    (retry(Next="S"), "/States/S/Retry/0", "Field 'Next' is not supported"),
    (retry(IntervalSeconds=0), "/States/S/Retry/0/IntervalSeconds",
     value_msg("IntervalSeconds", INT_1)),
    (retry(MaxAttempts=-1), "/States/S/Retry/0/MaxAttempts", value_msg("MaxAttempts", INT_0)),
    (retry(MaxAttempts=1.5), "/States/S/Retry/0/MaxAttempts", value_msg("MaxAttempts", INT_0)),
    (retry(BackoffRate=0.5), "/States/S/Retry/0/BackoffRate",
     value_msg("BackoffRate", "a number greater than or equal to 1")),
    (retry(MaxDelaySeconds=0), "/States/S/Retry/0/MaxDelaySeconds",
     value_msg("MaxDelaySeconds", "an integer between 1 and 31622400")),
    (retry(JitterStrategy="HALF"), "/States/S/Retry/0/JitterStrategy",
     "The field 'JitterStrategy' should have one of these values: [FULL, NONE]"),
    (with_(TASK, Catch=[{"ErrorEquals": ["E"]}]), "/States/S/Catch/0",
     "The field 'Next' is required but was missing"),
    (with_(TASK, Catch=[{"ErrorEquals": ["E"], "Next": "S", "MaxAttempts": 1}]),
     "/States/S/Catch/0", "Field 'MaxAttempts' is not supported"),
    (with_(TASK, Credentials={}), "/States/S/Credentials",
     "The field 'RoleArn' is required but was missing"),
    (with_(TASK, Credentials="arn"), "/States/S/Credentials",
     value_msg("Credentials", "an object")),
    (with_(TASK, TimeoutSeconds=0), "/States/S/TimeoutSeconds", value_msg("TimeoutSeconds", INT_1)),
    (with_(TASK, HeartbeatSeconds=100000000), "/States/S/HeartbeatSeconds",
     value_msg("HeartbeatSeconds", INT_1)),
    (with_(TASK, TimeoutSeconds="{% 3 %}"), "/States/S/TimeoutSeconds",
     value_msg("TimeoutSeconds", INT_1)),
    (with_(TASK, TimeoutSecondsPath=3), "/States/S/TimeoutSecondsPath",
     value_msg("TimeoutSecondsPath", "a string")),
    (with_(TASK, End="yes"), "/States/S/End", value_msg("End", "a boolean")),
    (with_(TASK, Next=1), "/States/S/Next", value_msg("Next", "a string")),
    (with_(TASK, Assign=[]), "/States/S/Assign", value_msg("Assign", "an object")),
    (with_(TASK, ResultSelector="$"), "/States/S/ResultSelector",
     value_msg("ResultSelector", "an object")),
    (with_(TASK, InputPath=1), "/States/S/InputPath", value_msg("InputPath", "a string or null")),
    (map_state(ItemsPath=None), "/States/S/ItemsPath", value_msg("ItemsPath", "a string")),
    (with_(WAIT, Seconds=-1), "/States/S/Seconds", value_msg("Seconds", INT_0)),
    (with_(WAIT, Seconds=100000000), "/States/S/Seconds", value_msg("Seconds", INT_0)),
    (with_(WAIT, Seconds="5"), "/States/S/Seconds", value_msg("Seconds", INT_0)),
    (with_(FAIL, Error=5), "/States/S/Error", value_msg("Error", "a string")),
    (map_state(MaxConcurrency=-1), "/States/S/MaxConcurrency",
     value_msg("MaxConcurrency", "a non-negative integer")),
    (map_state(ToleratedFailureCount=-1), "/States/S/ToleratedFailureCount",
     value_msg("ToleratedFailureCount", "a non-negative integer")),
    (map_state(ToleratedFailurePercentage=101), "/States/S/ToleratedFailurePercentage",
     value_msg("ToleratedFailurePercentage", "a number between 0 and 100")),
    (map_state(Label="x" * 41), "/States/S/Label",
     "The value for the field 'Label' must be at most 40 characters long"),
    (map_state(ItemReader={"ReaderConfig": {}}), "/States/S/ItemReader",
     "The field 'Resource' is required but was missing"),
    (reader(MaxItems=100000001), "/States/S/ItemReader/ReaderConfig/MaxItems",
     value_msg("MaxItems", "an integer between 0 and 100000000")),
    (reader(InputType="XML"), "/States/S/ItemReader/ReaderConfig/InputType",
     "The field 'InputType' should have one of these values: "
     "[CSV, JSON, JSONL, PARQUET, MANIFEST]"),
    (reader(CSVHeaderLocation="LAST"), "/States/S/ItemReader/ReaderConfig/CSVHeaderLocation",
     "The field 'CSVHeaderLocation' should have one of these values: [FIRST_ROW, GIVEN]"),
    (reader(CSVDelimiter="COLON"), "/States/S/ItemReader/ReaderConfig/CSVDelimiter",
     "The field 'CSVDelimiter' should have one of these values: "
     "[COMMA, PIPE, SEMICOLON, SPACE, TAB]"),
    (reader(ManifestType="CSV"), "/States/S/ItemReader/ReaderConfig/ManifestType",
     "The field 'ManifestType' should have one of these values: [ATHENA_DATA, S3_INVENTORY]"),
    (reader(Transformation="FLATTEN"), "/States/S/ItemReader/ReaderConfig/Transformation",
     "The field 'Transformation' should have one of these values: [NONE, LOAD_AND_FLATTEN]"),
    (reader(CSVHeaders=[1]), "/States/S/ItemReader/ReaderConfig/CSVHeaders/0",
     "Each element of the field 'CSVHeaders' must be a string"),
    (map_state(ItemBatcher={}), "/States/S/ItemBatcher",
     "The field 'ItemBatcher' must contain at least one of these fields: "
     "[MaxItemsPerBatch, MaxItemsPerBatchPath, MaxInputBytesPerBatch, MaxInputBytesPerBatchPath]"),
    (map_state(ItemBatcher={"MaxItemsPerBatch": 0}), "/States/S/ItemBatcher/MaxItemsPerBatch",
     value_msg("MaxItemsPerBatch", "a positive integer")),
    (map_state(ItemBatcher={"MaxInputBytesPerBatch": 262145}),
     "/States/S/ItemBatcher/MaxInputBytesPerBatch",
     value_msg("MaxInputBytesPerBatch", "an integer between 1 and 262144")),
    (map_state(ResultWriter={"WriterConfig": {"OutputType": "CSV"}}),
     "/States/S/ResultWriter/WriterConfig/OutputType",
     "The field 'OutputType' should have one of these values: [JSON, JSONL]"),
    (map_state(ResultWriter={"WriterConfig": {"Transformation": "ZIP"}}),
     "/States/S/ResultWriter/WriterConfig/Transformation",
     "The field 'Transformation' should have one of these values: [NONE, COMPACT, FLATTEN]"),
    (map_state(ItemProcessor=[]), "/States/S/ItemProcessor",
     value_msg("ItemProcessor", "an object")),
]


@pytest.mark.parametrize("state, location, message", STATE_CASES)
def test_state_rules_jsonpath(state: dict[str, Any], location: str, message: str) -> None:
    assert_one(one(state), location, "S", message)


JSONATA_INT_1 = INT_1 + " or a JSONata expression ('{% ... %}')"
JSONATA_CASES = [
    (with_(TASK, TimeoutSeconds="30"), "/States/S/TimeoutSeconds",
     value_msg("TimeoutSeconds", JSONATA_INT_1)),
    (with_(TASK, HeartbeatSeconds=True), "/States/S/HeartbeatSeconds",
     value_msg("HeartbeatSeconds", JSONATA_INT_1)),
    (with_(TASK, TimeoutSeconds=0), "/States/S/TimeoutSeconds",
     value_msg("TimeoutSeconds", JSONATA_INT_1)),
    (with_(TASK, Credentials={"RoleArn": 1}), "/States/S/Credentials/RoleArn",
     value_msg("RoleArn", "a string")),
    (with_(TASK, Arguments=[1]), "/States/S/Arguments",
     value_msg("Arguments", "an object or a JSONata expression ('{% ... %}')")),
    (map_state(Items=5), "/States/S/Items",
     value_msg("Items", "an array or a JSONata expression ('{% ... %}')")),
    (map_state(Items="$.items"), "/States/S/Items",
     value_msg("Items", "an array or a JSONata expression ('{% ... %}')")),
    (map_state(ToleratedFailurePercentage="50%"), "/States/S/ToleratedFailurePercentage",
     value_msg("ToleratedFailurePercentage",
               "a number between 0 and 100 or a JSONata expression ('{% ... %}')")),
    (map_state(ItemBatcher={"BatchInput": {}}), "/States/S/ItemBatcher",
     "The field 'ItemBatcher' must contain at least one of these fields: "
     "[MaxItemsPerBatch, MaxInputBytesPerBatch]"),
    (with_(WAIT, Seconds=" {% 5 %}"), "/States/S/Seconds",
     value_msg("Seconds", INT_0 + " or a JSONata expression ('{% ... %}')")),
]


@pytest.mark.parametrize("state, location, message", JSONATA_CASES)
def test_state_rules_jsonata(state: dict[str, Any], location: str, message: str) -> None:
    assert_one(jsonata(state), location, "S", message)


def test_jsonata_strings_accepted_where_jsonata_is_allowed() -> None:
    state = map_state(
        Items="{% $states.input.items %}", MaxConcurrency="{% 2 %}", ItemSelector="{% $x %}",
        ToleratedFailureCount="{% 1 %}", ToleratedFailurePercentage="{% 5 %}",
        ItemReader={"Resource": "arn:aws:states:::s3:getObject", "Arguments": "{% $a %}",
                    "ReaderConfig": {"InputType": "JSON", "MaxItems": "{% 10 %}"}},
        ItemBatcher={"MaxItemsPerBatch": "{% 2 %}", "MaxInputBytesPerBatch": "{% 1024 %}",
                     "BatchInput": "{% $b %}"})
    wait = {"Type": "Wait", "Seconds": "{% 3 %}", "End": True}
    task = with_(TASK, TimeoutSeconds="{% 3 %}", HeartbeatSeconds="{% 1 %}",
                 Credentials={"RoleArn": "{% $role %}"}, Arguments="{% $states.input %}")
    fail = {"Type": "Fail", "Error": "{% 'E' %}", "Cause": "{% 'C' %}"}
    for s in (state, wait, task, fail):
        assert findings(jsonata(s)) == [], s


def test_nulls_where_allowed() -> None:
    state = with_(TASK, InputPath=None, OutputPath=None, ResultPath=None,
                  Catch=[{"ErrorEquals": ["States.ALL"], "Next": "S", "ResultPath": None}])
    assert findings(one(state)) == []


def test_parameters_accepts_any_json() -> None:
    # The AWS console linter accepts any JSON value for Parameters (asl-validator issue #101).
    assert findings(one(with_(PASS_END, Parameters=["abc"]))) == []
    assert findings(one(with_(TASK, Parameters="x"))) == []


def test_credentials_role_arn_path_only_in_jsonpath() -> None:
    assert findings(one(with_(TASK, Credentials={"RoleArn.$": "$.role"}))) == []
    found = findings(jsonata(with_(TASK, Credentials={"RoleArn.$": "$.role"})))
    assert [(d.location, d.message) for d in found] == [
        ("/States/S/Credentials", "The field 'RoleArn' is required but was missing"),
        ("/States/S/Credentials", "Field 'RoleArn.$' is not supported"),
    ]


def test_one_finding_per_problem_for_two_missing_required_fields() -> None:
    found = findings(one(with_(TASK, Catch=[{}])))
    assert [(d.location, d.message) for d in found] == [
        ("/States/S/Catch/0", "The field 'ErrorEquals' is required but was missing"),
        ("/States/S/Catch/0", "The field 'Next' is required but was missing"),
    ]


# --- valid definitions in both query languages ------------------------------------------------

CATCH_ALL = {"ErrorEquals": ["States.ALL"], "Next": "Done"}
VALID_JSONPATH = {
    "Comment": "JSONPath machine using most fields", "Version": "1.0", "TimeoutSeconds": 3600,
    "StartAt": "Prepare",
    "States": {
        "Prepare": {"Type": "Pass", "Result": {"items": [1, 2]}, "ResultPath": "$.data",
                    "Assign": {"count": 0}, "Next": "Work"},
        "Work": {
            "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "f", "Payload.$": "$"},
            "ResultSelector": {"p.$": "$.Payload"},
            "ResultPath": "$.result", "OutputPath": "$", "TimeoutSecondsPath": "$.timeout",
            "HeartbeatSeconds": 60, "Credentials": {"RoleArn": "arn:aws:iam::123456789012:role/r"},
            "Retry": [{"ErrorEquals": ["States.Timeout"], "IntervalSeconds": 2, "MaxAttempts": 0,
                       "BackoffRate": 1.5, "MaxDelaySeconds": 10, "JitterStrategy": "FULL",
                       "Comment": "c"}],
            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Done", "ResultPath": "$.error",
                       "Assign": {"failed": True}, "Comment": "c"}],
            "Next": "Fan"},
        "Fan": {
            "Type": "Parallel", "Parameters": {"x.$": "$.x"}, "ResultPath": "$.fan",
            "Branches": [
                {"StartAt": "A", "Comment": "b",
                 "States": {"A": {"Type": "Wait", "SecondsPath": "$.s", "End": True}}},
                {"StartAt": "B", "States": {"B": {"Type": "Succeed", "OutputPath": "$"}}}],
            "Catch": [CATCH_ALL], "Next": "Each"},
        "Each": {
            "Type": "Map", "Label": "Each", "MaxConcurrency": 10, "ToleratedFailurePercentage": 5.5,
            "ToleratedFailureCountPath": "$.tolerate", "ItemSelector": {"v.$": "$$.Map.Item.Value"},
            "ItemReader": {"Resource": "arn:aws:states:::s3:getObject",
                           "Parameters": {"Bucket": "b", "Key": "k"},
                           "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "GIVEN",
                                            "CSVHeaders": ["a", "b"], "CSVDelimiter": "TAB",
                                            "MaxItemsPath": "$.max"}},
            "ItemBatcher": {"MaxItemsPerBatchPath": "$.n", "MaxInputBytesPerBatch": 262144,
                            "BatchInput": {"k": "v"}},
            "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject",
                             "Parameters": {"Bucket": "b", "Prefix": "p"},
                             "WriterConfig": {"OutputType": "JSONL", "Transformation": "COMPACT"}},
            "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED",
                                                  "ExecutionType": "EXPRESS"},
                              "StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}},
            "Retry": [{"ErrorEquals": ["States.ALL"]}], "Next": "Decide"},
        "Decide": {"Type": "Choice", "InputPath": "$",
                   "Choices": [{"Variable": "$.x", "NumericEquals": 1, "Next": "Done"}],
                   "Default": "Boom"},
        "Boom": {"Type": "Fail", "ErrorPath": "$.e", "Cause": "c"},
        "Done": {"Type": "Succeed"},
    },
}

VALID_JSONATA = {
    "QueryLanguage": "JSONata", "StartAt": "Work",
    "States": {
        "Work": {
            "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Arguments": {"FunctionName": "f", "Payload": "{% $states.input %}"},
            "Output": "{% $states.result.Payload %}", "Assign": {"r": "{% $states.result %}"},
            "TimeoutSeconds": "{% $t %}", "Credentials": {"RoleArn": "{% $role %}"},
            "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 2}],
            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Boom",
                       "Output": "{% $states.errorOutput %}", "Assign": {"e": 1}}],
            "Next": "Fan"},
        "Fan": {"Type": "Parallel", "Arguments": "{% $states.input %}", "Output": {"a": 1},
                "Branches": [{"StartAt": "A", "States": {
                    "A": {"Type": "Wait", "Timestamp": "{% $ts %}", "End": True}}}],
                "Next": "Each"},
        "Each": {
            "Type": "Map", "Items": [1, "{% $x %}"],
            "ItemSelector": {"v": "{% $states.context.Map.Item.Value %}"},
            "MaxConcurrency": 0, "ToleratedFailureCount": "{% 2 %}",
            "ItemReader": {"Resource": "arn:aws:states:::s3:listObjectsV2",
                           "Arguments": {"Bucket": "b"},
                           "ReaderConfig": {"InputType": "JSONL", "MaxItems": 100000000,
                                            "Transformation": "LOAD_AND_FLATTEN"}},
            "ItemBatcher": {"MaxItemsPerBatch": 10},
            "ResultWriter": {"WriterConfig": {"OutputType": "JSON", "Transformation": "FLATTEN"}},
            "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "P",
                              "States": {"P": {"Type": "Pass", "End": True,
                                               "Output": "{% $states.input %}"}}},
            "Next": "Decide"},
        "Decide": {"Type": "Choice", "Output": {"x": 1}, "Assign": {"y": 2},
                   "Choices": [{"Condition": "{% $y > 1 %}", "Next": "Done", "Output": 1}],
                   "Default": "Boom"},
        "Boom": {"Type": "Fail", "Error": "{% 'E' %}", "Cause": "plain"},
        "Done": {"Type": "Succeed", "Output": "{% $states.input %}"},
    },
}


@pytest.mark.parametrize("definition", [VALID_JSONPATH, VALID_JSONATA], ids=["JSONPath", "JSONata"])
def test_valid_definitions_have_no_findings(definition: dict[str, Any]) -> None:
    assert findings(definition) == []


def test_mixed_languages_per_state() -> None:
    definition = {"StartAt": "A", "States": {
        "A": {"Type": "Pass", "QueryLanguage": "JSONata", "Output": 1, "Next": "B"},
        "B": {"Type": "Pass", "InputPath": "$", "End": True}}}
    assert findings(definition) == []


# --- conformance corpora ---------------------------------------------------------------------

CONFORMANCE = Path(__file__).resolve().parents[1].parent / "shared" / "conformance"
# "valid" corpus files that the real AWS rejects, so our schema stage must reject them too.
AWS_REJECTS = {
    # Credentials needs RoleArn (AWS: "The field 'RoleArn' is required but was missing").
    "asl-validator/valid/valid-task-credentials.json",
    "statelint/valid/task-with-credentials.json",
    # Resource is a CloudFormation intrinsic object, only valid before template substitution.
    "asl-validator/valid/valid-task-intrisic-function.json",
    # Top-level "QueryLanguage" was put inside "States", so it is a state that is not an object,
    # and the machine runs as JSONPath, where Arguments/Output are not supported.
    "aws-workflows/shared-fallback-state-jsonata__statemachine.asl.json",
}


def corpus(pattern: str) -> list[Path]:
    return sorted(CONFORMANCE.glob(pattern)) if CONFORMANCE.is_dir() else []


def load_definition(path: Path) -> Any:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        pytest.skip("not JSON (unquoted ${...} placeholders)")
    if not isinstance(document, dict) or "States" not in document:
        pytest.skip("not a state machine definition")
    return document


VALID_FILES = corpus("asl-validator/valid/*.json") + corpus("statelint/valid/*.json") \
    + corpus("aws-workflows/*.json")


@pytest.mark.skipif(not VALID_FILES, reason="shared/conformance not available")
@pytest.mark.parametrize("path", VALID_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_valid_corpus_files(path: Path) -> None:
    found = findings(load_definition(path))
    if str(path.relative_to(CONFORMANCE)) in AWS_REJECTS:
        assert found
    else:
        assert [d.format(path.name) for d in found] == []


def test_asl_validator_additional_properties_file() -> None:
    path = CONFORMANCE / "asl-validator/invalid/invalid-exercise-ajv-additional-properties.asl.json"
    if not path.is_file():
        pytest.skip("shared/conformance not available")
    first = findings(load_definition(path))[0]
    assert (first.code, first.location, first.state, first.message) == (
        SCHEMA_VALIDATION_FAILED, "/States/PassState", "PassState",
        "Field 'bugInputPath' is not supported")


# --- the standalone schema and the fast path --------------------------------------------------

def test_schema_files_are_valid_draft_2020_12() -> None:
    for name in SCHEMA_FILES:
        Draft202012Validator.check_schema(json.loads((SCHEMA_DIR / name).read_text()))


def test_standalone_schema_follows_the_top_level_language() -> None:
    assert list(iter_standalone_errors(VALID_JSONPATH)) == []
    assert list(iter_standalone_errors(VALID_JSONATA)) == []
    errors = list(iter_standalone_errors(one(with_(TASK, Output=1))))
    assert [list(e.absolute_path) for e in errors] == [["States", "S", "Output"]]
    nested = one(parallel(branch({"B": with_(PASS_END, Output=1)}), QueryLanguage="JSONata"))
    assert [list(e.absolute_path) for e in iter_standalone_errors(nested)] == [
        ["States", "S", "Branches", 0, "States", "B", "Output"]]
    assert list(iter_standalone_errors(jsonata(map_state(
        ItemProcessor=branch({"B": with_(PASS_END, Output=1)}), QueryLanguage="JSONPath")))) == []


def all_test_documents() -> list[Any]:
    docs: list[Any] = [VALID_JSONPATH, VALID_JSONATA]
    for cases in (TOP_CASES, NESTED_CASES):
        docs += [case[0] for case in cases]
    for cases in (STATE_CASES, UNSUPPORTED):
        docs += [one(case[0]) for case in cases]
    docs += [jsonata(case[0]) for case in JSONATA_CASES + UNSUPPORTED_JSONATA]
    docs += [jsonata(c[1]) if c[0] == "JSONata" else one(c[1]) for c in OTHER_LANGUAGE]
    for pattern in ("*/valid/*.json", "*/invalid/*.json", "aws-workflows/*.json"):
        for path in corpus(pattern):
            try:
                docs.append(json.loads(path.read_text(encoding="utf-8")))
            except ValueError:
                pass
    return [d for d in docs if isinstance(d, dict)]


def test_fast_path_agrees_with_jsonschema() -> None:
    """Every machine and state of every test document, against every definition."""
    checked = 0
    for document in all_test_documents():
        w = walk(document)
        nodes = [s.node for s in w.states] + [s.node for s in w.scopes]
        for node in nodes:
            for name, definition in DEFINITIONS.items():
                expected = definition.validator.is_valid(node)
                assert definition.is_valid(node) == expected, (name, node)
                checked += 1
    assert checked > 1000


def big_definition(n: int) -> dict[str, Any]:
    states: dict[str, Any] = {}
    for i in range(n):
        state = [with_(VALID_JSONPATH["States"]["Work"]), {"Type": "Pass", "Result": {"i": i}},
                 {"Type": "Wait", "Seconds": 1}, map_state()][i % 4]
        states[f"S{i}"] = with_(state, Next=f"S{i + 1}") if i < n - 1 else with_(state, End=True)
    return {"StartAt": "S0", "States": states}


def test_thousand_states_have_no_schema_findings() -> None:
    # Its speed is measured by benchmarks/validate.py, never asserted in a test.
    assert list(check_schema(walk(big_definition(1000)))) == []

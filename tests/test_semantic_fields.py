"""Field combinations: Next/End, exclusive pairs, timeouts, Wait, States.ALL, Resource."""
from __future__ import annotations

from typing import Any

import pytest
from semantic_helpers import END, LAMBDA, assert_clean, assert_only, machine, one_state, run

from workflow.diagnostics import INVALID_RESOURCE, SCHEMA_VALIDATION_FAILED, Severity
from workflow.validation.fields import is_resource_arn

SVF = SCHEMA_VALIDATION_FAILED
PROCESSOR = machine({"I": END})


def task(**extra: Any) -> dict[str, Any]:
    return {"Type": "Task", "Resource": LAMBDA, "End": True, **extra}


def mapped(**extra: Any) -> dict[str, Any]:
    return {"Type": "Map", "ItemProcessor": PROCESSOR, "End": True, **extra}


def test_next_and_end_true_together() -> None:
    doc = machine({"A": {"Type": "Pass", "Next": "B", "End": True}, "B": END})
    assert_only(doc, SVF, "/States/A", "A", "There should only be one of the following fields: "
                "[Next, End]")


def test_neither_next_nor_end_on_a_map_with_another_terminal() -> None:
    doc = machine({"M": {"Type": "Map", "ItemProcessor": PROCESSOR}, "Done": END})
    found = [d for d in run(doc) if d.location == "/States/M"]
    assert len(found) == 1 and "either 'Next' or \"End\": true" in found[0].message


def test_end_false_with_next_is_fine() -> None:
    assert_clean(machine({"A": {"Type": "Pass", "Next": "B", "End": False}, "B": END}))


def test_next_on_succeed_is_left_to_the_schema_stage() -> None:
    assert_clean(machine({"A": {"Type": "Succeed", "Next": "A"}}))


@pytest.mark.parametrize("state, pair, location", [
    (task(TimeoutSeconds=5, TimeoutSecondsPath="$.t"), "TimeoutSeconds, TimeoutSecondsPath", ""),
    (task(HeartbeatSeconds=5, HeartbeatSecondsPath="$.h"),
     "HeartbeatSeconds, HeartbeatSecondsPath", ""),
    ({"Type": "Fail", "Error": "E", "ErrorPath": "$.e"}, "Error, ErrorPath", ""),
    ({"Type": "Fail", "Cause": "C", "CausePath": "$.c"}, "Cause, CausePath", ""),
    (mapped(Iterator=PROCESSOR), "ItemProcessor, Iterator", ""),
    (mapped(ItemSelector={}, Parameters={}), "ItemSelector, Parameters", ""),
    (mapped(MaxConcurrency=1, MaxConcurrencyPath="$.m"), "MaxConcurrency, MaxConcurrencyPath", ""),
    (mapped(ToleratedFailureCount=1, ToleratedFailureCountPath="$.c"),
     "ToleratedFailureCount, ToleratedFailureCountPath", ""),
    (mapped(ToleratedFailurePercentage=1, ToleratedFailurePercentagePath="$.p"),
     "ToleratedFailurePercentage, ToleratedFailurePercentagePath", ""),
    (mapped(ItemReader={"Resource": "arn:aws:states:::s3:getObject",
                        "ReaderConfig": {"MaxItems": 1, "MaxItemsPath": "$.n"}}),
     "MaxItems, MaxItemsPath", "/ItemReader/ReaderConfig"),
    (mapped(ItemBatcher={"MaxItemsPerBatch": 1, "MaxItemsPerBatchPath": "$.n"}),
     "MaxItemsPerBatch, MaxItemsPerBatchPath", "/ItemBatcher"),
    (mapped(ItemBatcher={"MaxInputBytesPerBatch": 1, "MaxInputBytesPerBatchPath": "$.n"}),
     "MaxInputBytesPerBatch, MaxInputBytesPerBatchPath", "/ItemBatcher"),
])
def test_mutually_exclusive_pairs(state: dict[str, Any], pair: str, location: str) -> None:
    found = [d for d in run(one_state(state)) if "There should only be one" in d.message]
    assert len(found) == 1
    assert (found[0].code, found[0].location, found[0].state) == (SVF, "/States/S" + location,
                                                                 "S")
    assert found[0].message == f"There should only be one of the following fields: [{pair}]"


def test_pair_with_a_field_of_the_other_query_language_is_left_to_the_schema_stage() -> None:
    # Items is JSONata-only, ItemsPath JSONPath-only: one of them is always unsupported.
    assert_clean(one_state(mapped(Items=[1], ItemsPath="$.a")))
    assert_clean(one_state(task(TimeoutSeconds=5, TimeoutSecondsPath="$.t"),
                           QueryLanguage="JSONata"))


def test_heartbeat_must_be_below_timeout() -> None:
    assert_only(one_state(task(TimeoutSeconds=5, HeartbeatSeconds=5)), SVF,
                "/States/S/HeartbeatSeconds", "S", "must be smaller than TimeoutSeconds")
    assert_clean(one_state(task(TimeoutSeconds=5, HeartbeatSeconds=4)))
    assert_clean(one_state(task(TimeoutSeconds="5", HeartbeatSeconds=9)))


def wait(**fields: Any) -> dict[str, Any]:
    return {"Type": "Wait", "End": True, **fields}


def test_wait_needs_exactly_one_duration() -> None:
    assert_only(one_state(wait()), SVF, "/States/S", "S",
                "[Seconds, Timestamp, SecondsPath, TimestampPath]")
    assert_only(one_state(wait(Seconds=1, SecondsPath="$.s")), SVF, "/States/S", "S",
                "There should only be one of the following fields: [Seconds, SecondsPath]")
    assert_only(one_state(wait(), QueryLanguage="JSONata"), SVF, "/States/S", "S",
                "[Seconds, Timestamp]")


def test_wait_timestamp_must_be_rfc3339() -> None:
    for bad in ("2016-03-14t01:59:00Z", "2016-03-14T01:59:00z", "2016-03-14 01:59:00Z",
                "2016-03-14T01:59:00", "2016-02-30T01:59:00Z", "yesterday"):
        assert_only(one_state(wait(Timestamp=bad)), SVF, "/States/S/Timestamp", "S",
                    "String does not match RFC3339 timestamp")
    for good in ("2016-03-14T01:59:00Z", "2016-03-14T01:59:00.123Z", "2016-03-14T01:59:00+02:00"):
        assert_clean(one_state(wait(Timestamp=good)))


def test_states_all_must_be_alone() -> None:
    doc = one_state(task(Retry=[{"ErrorEquals": ["States.ALL", "X"]}]))
    assert_only(doc, SVF, "/States/S/Retry/0/ErrorEquals", "S",
                "States.ALL can only appear in the last element, and by itself")


def test_states_all_must_be_last() -> None:
    doc = machine({"S": task(Catch=[{"ErrorEquals": ["States.ALL"], "Next": "F"},
                                    {"ErrorEquals": ["X"], "Next": "F"}]),
                   "F": {"Type": "Fail"}})
    assert_only(doc, SVF, "/States/S/Catch/0/ErrorEquals", "S")
    assert_clean(one_state(task(Retry=[{"ErrorEquals": ["X"]}, {"ErrorEquals": ["States.ALL"]}])))


def test_non_arn_resource_is_a_warning() -> None:
    doc = one_state({"Type": "Task", "Resource": "my_local_function", "End": True})
    assert_only(doc, INVALID_RESOURCE, "/States/S/Resource", "S", severity=Severity.WARNING)


ARN_CASES = {
    "arn:aws:states:::lambda:invoke": True,
    "arn:aws:states:::states:startExecution.sync:2": True,
    "arn:aws:states:::dynamodb:updateItem": True,
    "arn:aws:states:::sqs:sendMessage.waitForTaskToken": True,
    "arn:aws:iam::123456789012:user/*": True,
    "arn:aws:s3:::my_corporate_bucket/Development/*": True,
    "arn:aws:lambda:region-1:1234567890:function:FUNCTION_NAME:AZaz12-_": True,
    "arn:aws:lambda:region-1:1234567890:function:FUNCTION_NAME:$LATEST": True,
    "arn:aws-cn:states:::lambda:invoke": True,
    "${MyFunctionArn}": True,
    "arn:${AWS::Partition}:states:::lambda:invoke": True,
    "arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:${Name}": True,
    "arn:aws:iam::123456789012:u*": False,
    "arn:aws:::123456789012:resource": False,
    "xyz:aws:iam::123456789012:resource": False,
    "arn:invalid:iam::123456789012:resource": False,
    "arn:aws:lambda:region-1:1234567890:function:FUNCTION_NAME:": False,
    "arn:aws:lambda:region-1:1234567890:function:FUNCTION_NAME:$*#$7485": False,
    "${lambdaArn": False,
    "my_function": False,
}


@pytest.mark.parametrize("resource, ok", sorted(ARN_CASES.items()))
def test_resource_arn_shapes(resource: str, ok: bool) -> None:
    assert is_resource_arn(resource) is ok

"""workflow/api/history_shapes.py against AWS's own model (botocore's HistoryEvent): every
event type the engine records maps to a details member AWS defines, with fields it defines."""
from __future__ import annotations

from workflow.api.history_shapes import DETAIL_FIELDS, details_member, to_aws
from workflow.api.shapes import service_model


def test_every_details_member_is_aws_s() -> None:
    event = service_model().shape_for("HistoryEvent")
    types = service_model().shape_for("HistoryEventType").enum
    for event_type in types:
        member, fields = details_member(event_type)
        if member is None:
            continue
        assert member in event.members, event_type
        allowed = set(event.members[member].members)
        assert set(fields) <= allowed, (event_type, set(fields) - allowed)
    assert set(DETAIL_FIELDS) <= set(types)


def test_payloads_are_json_text_and_data_can_be_left_out() -> None:
    stored = {"type": "TaskStateExited", "timestamp": 1.5, "run": "", "id": 4,
              "previousEventId": 3, "name": "T", "output": {"a": [1, "é"]},
              "assignedVariables": {"x": {"y": 1}}}
    assert to_aws(stored) == {
        "timestamp": 1.5, "type": "TaskStateExited", "id": 4, "previousEventId": 3,
        "stateExitedEventDetails": {
            "name": "T", "output": '{"a":[1,"é"]}', "outputDetails": {"truncated": False},
            "assignedVariables": {"x": '{"y":1}'},
            "assignedVariablesDetails": {"truncated": False}}}
    assert to_aws(stored, include_data=False)["stateExitedEventDetails"] == {"name": "T"}
    scheduled = {"type": "TaskScheduled", "timestamp": 2, "id": 5, "previousEventId": 4,
                 "resourceType": "sqs", "resource": "sendMessage", "region": "us-east-1",
                 "parameters": {"q": 1}, "timeoutInSeconds": None}
    assert to_aws(scheduled)["taskScheduledEventDetails"] == {
        "resourceType": "sqs", "resource": "sendMessage", "region": "us-east-1",
        "parameters": '{"q":1}'}
    assert "lambdaFunctionStartedEventDetails" not in to_aws(
        {"type": "LambdaFunctionStarted", "timestamp": 3, "id": 6, "previousEventId": 5})

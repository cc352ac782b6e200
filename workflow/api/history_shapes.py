"""The store's flat history events as AWS's ``HistoryEvent`` shape (GetExecutionHistory).

A stored event is ``{type, timestamp, run, id, previousEventId, ...details}``; AWS's carries
``timestamp`` (epoch seconds), ``type``, ``id``, ``previousEventId`` and one
``<type>EventDetails`` member (``stateEnteredEventDetails`` / ``stateExitedEventDetails`` for
every ``*StateEntered`` / ``*StateExited``) whose payload fields (input, output, parameters,
assigned variable values) are JSON *text*. One module, shared by the API and the dashboard.

    to_aws(event, include_data=True) -> dict
"""
from __future__ import annotations

import json
from typing import Any

_ERROR = ("error", "cause")
_OUTPUT = ("output",)
_RESOURCE = ("resourceType", "resource")
# event type -> the fields its details member carries (botocore's HistoryEvent shapes).
DETAIL_FIELDS: dict[str, tuple[str, ...]] = {
    "ExecutionStarted": ("input", "roleArn", "stateMachineAliasArn", "stateMachineVersionArn"),
    "ExecutionSucceeded": _OUTPUT, "ExecutionFailed": _ERROR, "ExecutionAborted": _ERROR,
    "ExecutionTimedOut": _ERROR, "ExecutionRedriven": ("redriveCount",),
    "TaskScheduled": (*_RESOURCE, "region", "parameters", "timeoutInSeconds",
                      "heartbeatInSeconds", "taskCredentials"),
    "TaskStarted": _RESOURCE, "TaskSubmitted": (*_RESOURCE, "output"),
    "TaskSucceeded": (*_RESOURCE, "output"), "TaskFailed": (*_RESOURCE, *_ERROR),
    "TaskStartFailed": (*_RESOURCE, *_ERROR), "TaskSubmitFailed": (*_RESOURCE, *_ERROR),
    "TaskTimedOut": (*_RESOURCE, *_ERROR),
    "LambdaFunctionScheduled": ("resource", "input", "timeoutInSeconds", "taskCredentials"),
    "LambdaFunctionSucceeded": _OUTPUT, "LambdaFunctionFailed": _ERROR,
    "LambdaFunctionScheduleFailed": _ERROR, "LambdaFunctionStartFailed": _ERROR,
    "LambdaFunctionTimedOut": _ERROR,
    "ActivityScheduled": ("resource", "input", "timeoutInSeconds", "heartbeatInSeconds"),
    "ActivityStarted": ("workerName",), "ActivitySucceeded": _OUTPUT,
    "ActivityFailed": _ERROR, "ActivityScheduleFailed": _ERROR, "ActivityTimedOut": _ERROR,
    "MapStateStarted": ("length",),
    "MapIterationStarted": ("name", "index"), "MapIterationSucceeded": ("name", "index"),
    "MapIterationFailed": ("name", "index"), "MapIterationAborted": ("name", "index"),
    "MapRunStarted": ("mapRunArn",), "MapRunFailed": _ERROR,
    "MapRunRedriven": ("mapRunArn", "redriveCount"),
    "EvaluationFailed": (*_ERROR, "location", "state"),
}
STATE_ENTERED = ("name", "input")
STATE_EXITED = ("name", "output", "assignedVariables")
DATA_FIELDS = frozenset({"input", "output", "parameters", "assignedVariables"})
_JSON_FIELDS = frozenset({"input", "output", "parameters"})


def details_member(event_type: str) -> tuple[str | None, tuple[str, ...]]:
    """``(member name, fields)`` of an event type; ``(None, ())`` for types without details."""
    if event_type.endswith("StateEntered"):
        return "stateEnteredEventDetails", STATE_ENTERED
    if event_type.endswith("StateExited"):
        return "stateExitedEventDetails", STATE_EXITED
    fields = DETAIL_FIELDS.get(event_type)
    if fields is None:
        return None, ()
    return event_type[0].lower() + event_type[1:] + "EventDetails", fields


def _text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _details(event: dict[str, Any], fields: tuple[str, ...],
             include_data: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in fields:
        if name in DATA_FIELDS and not include_data:
            continue
        if name not in event or (event[name] is None and name not in _JSON_FIELDS):
            continue
        value = event[name]
        if name in _JSON_FIELDS:
            out[name] = _text(value)
            if name != "parameters":
                out[name + "Details"] = {"truncated": False}
        elif name == "assignedVariables":
            out[name] = {key: _text(v) for key, v in value.items()}
            out["assignedVariablesDetails"] = {"truncated": False}
        else:
            out[name] = value
    return out


def to_aws(event: dict[str, Any], include_data: bool = True) -> dict[str, Any]:
    """One stored event as AWS's HistoryEvent."""
    shaped: dict[str, Any] = {"timestamp": event["timestamp"], "type": event["type"],
                              "id": event["id"],
                              "previousEventId": event.get("previousEventId", 0)}
    member, fields = details_member(event["type"])
    if member is not None:
        shaped[member] = _details(event, fields, include_data)
    return shaped

"""Definitions the visualizer tests draw: every state type, a Parallel nested in a Map,
Catch and Retry, JSONata, integrations; and names chosen to break careless escaping."""
from __future__ import annotations

from pathlib import Path
from typing import Any

FUNCTIONS = Path(__file__).parent / "functions" / "visualizer_fns.py"
LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:"


def fns(*names: str) -> dict[str, str]:
    return {name: f"{FUNCTIONS}:{name}" for name in names}


def _retry_params(extra: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"fails.$": "$.fails", "retry.$": "$$.State.RetryCount", **(extra or {})}


ALL_TYPES: dict[str, Any] = {
    "Comment": "every state type", "StartAt": "Prepare", "States": {
        "Prepare": {"Type": "Pass", "Result": {"fails": 0}, "Next": "Work"},
        "Work": {"Type": "Task", "Resource": "ok", "Next": "Route"},
        "Route": {"Type": "Choice", "Choices": [
            {"Variable": "$.fails", "NumericGreaterThan": 3, "Next": "Give up"},
            {"And": [{"Variable": "$.fails", "IsPresent": True},
                     {"Variable": "$.fails", "NumericEquals": 0}], "Next": "Pause"}],
            "Default": "Give up"},
        "Pause": {"Type": "Wait", "Seconds": 5, "Next": "Fan out"},
        "Fan out": {"Type": "Parallel", "ResultPath": "$.branches", "Next": "Each", "Branches": [
            {"StartAt": "Left", "States": {"Left": {"Type": "Pass", "End": True}}},
            {"StartAt": "Right", "States": {
                "Right": {"Type": "Wait", "Seconds": 1, "Next": "Right done"},
                "Right done": {"Type": "Succeed"}}}]},
        "Each": {"Type": "Map", "ItemsPath": "$.branches", "MaxConcurrency": 2,
                 "ResultPath": "$.each", "ItemProcessor": {"StartAt": "Item", "States": {
                     "Item": {"Type": "Pass", "End": True}}},
                 "Next": "Done"},
        "Done": {"Type": "Succeed"},
        "Give up": {"Type": "Fail", "Error": "TooManyFailures", "Cause": "fails > 3"}}}

PARALLEL_IN_MAP: dict[str, Any] = {
    "StartAt": "Items", "States": {
        "Items": {"Type": "Map", "ItemsPath": "$.items", "ItemSelector": {
            "fails.$": "$$.Map.Item.Value"}, "ResultPath": "$.results",
            "ItemProcessor": {"StartAt": "Split", "States": {
                "Split": {"Type": "Parallel", "End": True, "Branches": [
                    {"StartAt": "Check", "States": {
                        "Check": {"Type": "Task", "Resource": "flaky",
                                  "Parameters": _retry_params(),
                                  "Retry": [{"ErrorEquals": ["Boom"], "MaxAttempts": 1,
                                             "IntervalSeconds": 2}],
                                  "End": True}}},
                    {"StartAt": "Inner map", "States": {
                        "Inner map": {"Type": "Map", "ItemsPath": "$$.Execution.Input.tags",
                                      "ItemProcessor": {"StartAt": "Tag", "States": {
                                          "Tag": {"Type": "Pass", "End": True}}},
                                      "End": True}}}]}}},
            "Next": "Finished"},
        "Finished": {"Type": "Succeed"}}}

CATCH_RETRY: dict[str, Any] = {
    "StartAt": "Charge", "States": {
        "Charge": {"Type": "Task", "Resource": "flaky", "Parameters": _retry_params(),
                   "Retry": [{"ErrorEquals": ["Boom"], "MaxAttempts": 2, "IntervalSeconds": 3,
                              "BackoffRate": 1.5},
                             {"ErrorEquals": ["States.Timeout"], "MaxAttempts": 1}],
                   "Catch": [{"ErrorEquals": ["Boom", "States.TaskFailed"],
                              "ResultPath": "$.error", "Next": "Refund"},
                             {"ErrorEquals": ["States.ALL"], "Next": "Alert"}],
                   "Next": "Notify"},
        "Notify": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                   "Parameters": {"FunctionName": LAMBDA + "notify", "Payload.$": "$"},
                   "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Alert"}],
                   "Next": "Alert"},
        "Refund": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage",
                   "Parameters": {"QueueUrl": "q", "MessageBody.$": "$"}, "Next": "Alert"},
        "Alert": {"Type": "Task",
                  "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                  "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}},
                  "End": True}}}

JSONATA: dict[str, Any] = {
    "QueryLanguage": "JSONata", "StartAt": "Decide", "States": {
        "Decide": {"Type": "Choice", "Choices": [
            {"Condition": "{% $states.input.n > 10 and $contains($states.input.s, 'x') %}",
             "Next": "Big"}], "Default": "Small"},
        "Big": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                "Arguments": {"FunctionName": "big-fn", "Payload": "{% $states.input %}"},
                "End": True},
        "Small": {"Type": "Wait", "Seconds": "{% $states.input.n %}", "Next": "Small done"},
        "Small done": {"Type": "Pass", "End": True}}}

GOLDEN = {"all_types": ALL_TYPES, "parallel_in_map": PARALLEL_IN_MAP,
          "catch_retry": CATCH_RETRY, "jsonata": JSONATA}

HOSTILE_NAMES = [
    "<img src=x onerror=alert(1)>",
    "</script><script>alert('x')</script>",
    'say "hi" & \'bye\'',
    "back\\slash \\n \\\\ end\\ \\N \\G",
    "naïve café – 名前 🚀",
    "{braces} [brackets] -> ; --",
    "&amp; &lt; &#x27; ]]> <!-- -->",
]


def hostile_definition() -> dict[str, Any]:
    """A chain through every hostile name: Choice rules, Catch errors and a Map cluster use
    them too, so labels of every kind carry them."""
    names = HOSTILE_NAMES
    states: dict[str, Any] = {}
    for index, name in enumerate(names[:-2]):
        states[name] = {"Type": "Pass", "Next": names[index + 1]}
    states[names[-2]] = {
        "Type": "Choice", "Default": names[-1],
        "Choices": [{"Variable": "$.x", "StringEquals": names[0], "Next": names[-1]}]}
    states[names[-1]] = {
        "Type": "Map", "End": True, "ItemProcessor": {"StartAt": names[0] + " inner", "States": {
            names[0] + " inner": {"Type": "Task", "Resource": "ok", "End": True,
                                  "Catch": [{"ErrorEquals": [names[1]], "Next": names[2] + "!"}]},
            names[2] + "!": {"Type": "Fail", "Error": names[3]}}}}
    return {"StartAt": names[0], "States": states}

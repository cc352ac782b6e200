"""What a Task's ``Resource`` names, decided once per resource string (asl-inventory §12.1).

The family decides the history event names: Lambda (a function ARN or a bare function name),
Activity, or Task (optimised / SDK integrations such as ``arn:aws:states:::lambda:invoke``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

LAMBDA = "LambdaFunction"
ACTIVITY = "Activity"
TASK = "Task"

_FUNCTION_ARN = re.compile(
    r"^arn:(?P<p>[\w-]+):lambda:(?P<r>[\w-]+):(?P<a>\d+):function:(?P<name>[\w-]+)"
    r"(?::(?P<q>[\w$-]+))?$")
_ACTIVITY_ARN = re.compile(r"^arn:[\w-]+:states:[\w-]+:\d+:activity:(?P<name>.+)$")
_INTEGRATION = re.compile(r"^arn:[\w-]+:states:::(?P<service>aws-sdk:[\w-]+|[\w-]+):(?P<action>.+)$")


@dataclass(frozen=True)
class Resource:
    arn: str
    family: str                       # LambdaFunction, Activity or Task
    resource_type: str                # e.g. "lambda" (Task family), "" otherwise
    action: str                       # e.g. "invoke", "invoke.waitForTaskToken"
    function: str | None = None       # function name for Lambda ARNs / bare names
    qualifier: str | None = None
    pattern: str = "request-response" # request-response, sync, callback

    @property
    def callback(self) -> bool:
        return self.pattern == "callback"


def _pattern(action: str) -> str:
    if action.endswith(".waitForTaskToken"):
        return "callback"
    if ".sync" in action:
        return "sync"
    return "request-response"


@lru_cache(maxsize=4096)
def classify(arn: str) -> Resource:
    match = _FUNCTION_ARN.match(arn)
    if match:
        return Resource(arn, LAMBDA, "", "", match["name"], match["q"])
    match = _ACTIVITY_ARN.match(arn)
    if match:
        return Resource(arn, ACTIVITY, "", "", match["name"], pattern="callback")
    match = _INTEGRATION.match(arn)
    if match:
        return Resource(arn, TASK, match["service"], match["action"],
                        pattern=_pattern(match["action"]))
    # Not an ARN: our engine lets a bare name (optionally NAME:QUALIFIER) name a function.
    name, _, qualifier = arn.partition(":")
    return Resource(arn, LAMBDA, "", "", name, qualifier or None)

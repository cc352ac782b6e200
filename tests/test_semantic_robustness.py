"""The semantic checks never raise on malformed input: wrong types are the schema stage's."""
from __future__ import annotations

import copy
from typing import Any, Iterator

import pytest
from semantic_helpers import END, LAMBDA, machine, run

RICH_JSONPATH = machine({
    "C": {"Type": "Choice", "Default": "T", "InputPath": "$.in", "Assign": {"a": 1},
          "Choices": [{"Variable": "$.x", "StringEquals": "y", "Next": "T", "Assign": {"b.$": "$"}},
                      {"And": [{"Variable": "$.a", "IsPresent": True},
                               {"Not": {"Variable": "$.b", "NumericEqualsPath": "$.c"}}],
                       "Next": "W"}]},
    "T": {"Type": "Task", "Resource": LAMBDA, "Next": "W", "TimeoutSeconds": 9,
          "HeartbeatSeconds": 3, "ResultPath": "$.r", "Parameters": {"p.$": "$.p", "q": [1]},
          "ResultSelector": {"s.$": "States.Format('{}', $.x)"},
          "Credentials": {"RoleArn.$": "$.role"},
          "Retry": [{"ErrorEquals": ["X"]}, {"ErrorEquals": ["States.ALL"]}],
          "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "F", "ResultPath": "$.e",
                     "Assign": {"c": 1}}]},
    "W": {"Type": "Wait", "Timestamp": "2024-01-01T00:00:00Z", "Next": "M"},
    "M": {"Type": "Map", "ItemsPath": "$.items", "MaxConcurrencyPath": "$.m", "Label": "lab",
          "ItemSelector": {"v.$": "$$.Map.Item.Value"}, "Next": "P",
          "ItemReader": {"Resource": "arn:aws:states:::s3:getObject",
                         "ReaderConfig": {"MaxItemsPath": "$.n"}, "Parameters": {"B.$": "$.b"}},
          "ItemBatcher": {"MaxItemsPerBatchPath": "$.k", "BatchInput": {"z.$": "$.z"}},
          "ItemProcessor": machine({"I": {"Type": "Pass", "Assign": {"inner": 1}, "End": True}})},
    "P": {"Type": "Parallel", "Next": "S", "Branches": [machine({"B": END})]},
    "S": {"Type": "Pass", "Result": {"r": "$.x"}, "Next": "F"},
    "F": {"Type": "Fail", "ErrorPath": "$.e", "CausePath": "States.JsonToString($.c)"},
}, start="C")

RICH_JSONATA = machine({
    "C": {"Type": "Choice", "Default": "T", "Output": "{% $states.input %}",
          "Choices": [{"Condition": "{% $x > 1 %}", "Next": "T", "Assign": {"b": "{% 1 %}"}}]},
    "T": {"Type": "Task", "Resource": LAMBDA, "End": True, "Arguments": {"a": "{% $a %}"},
          "Output": "{% $states.result %}", "TimeoutSeconds": "{% 5 %}",
          "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "T",
                     "Output": "{% $states.errorOutput %}"}]},
}, start="C", QueryLanguage="JSONata")

WRONG = (None, True, 7, "text", [], {}, [1, {"a": []}], {"Type": []}, "{% 1 + %}", "$.x")


def positions(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from positions(item, path + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from positions(item, path + (i,))


def replaced(document: dict[str, Any], path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    copied = copy.deepcopy(document)
    node = copied
    for token in path[:-1]:
        node = node[token]
    node[path[-1]] = value
    return copied


@pytest.mark.parametrize("document", [RICH_JSONPATH, RICH_JSONATA], ids=["JSONPath", "JSONata"])
def test_any_value_of_any_type_anywhere(document: dict[str, Any]) -> None:
    for path in positions(document):
        for value in WRONG:
            mutated = replaced(document, path, value)
            if isinstance(mutated, dict):
                run(mutated)        # must not raise


def test_rich_definitions_are_clean() -> None:
    assert [d.format() for d in run(RICH_JSONPATH) if d.is_error] == []
    assert [d.format() for d in run(RICH_JSONATA)] == []

"""The semantic checks over the conformance corpora, and their speed on a large definition."""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import CONFORMANCE
from semantic_helpers import END, LAMBDA, machine, run

from workflow.diagnostics import (DUPLICATE_STATE_NAME, INVALID_STATE_NAME, MISSING_END_STATE,
                                  MISSING_TRANSITION_TARGET, SCHEMA_VALIDATION_FAILED)

SVF = SCHEMA_VALIDATION_FAILED
ASL_VALIDATOR = CONFORMANCE / "asl-validator"
STATELINT = CONFORMANCE / "statelint"
AWS_WORKFLOWS = CONFORMANCE / "aws-workflows"

# Files the corpora call valid that real AWS rejects; the errors we report must be at these
# locations (and nowhere else).
REJECTED_BY_AWS: dict[str, set[str]] = {
    # "top-level" is not a Unicode identifier: AWS requires variable names to be (asl-inventory §7).
    "asl-validator/valid/valid-assign.asl.json": {"/States/ProvideTestData/Assign/top-level"},
    # A JSONPath state under a top-level JSONata (asl-inventory §6.7, measured).
    "asl-validator/valid/valid-map-with-item-batcher-jsonata.json": {
        "/States/Map/ItemProcessor/States/LambdaTask/QueryLanguage"},
    # Script expressions ``[(...)]`` are jsonpath-plus, not Jayway (which AWS uses).
    "asl-validator/valid/valid-path-array-context.json": {"/States/Pass/OutputPath"},
}

# Invalid files whose defect is semantic: (code, location) findings we must report.
MUST_FIND: dict[str, set[tuple[str, str]]] = {
    "asl-validator/invalid/invalid-exercise-ajv.asl.json": {
        (SVF, "/States/PassState/InputPath")},
    "asl-validator/invalid/invalid-payload-template.asl.json": {
        (SVF, "/States/Hello, World/Parameters/lorem.$")},
    "asl-validator/invalid/invalid-choice-state-variable.json": {
        (SVF, "/States/ChoiceState/Choices/0/Variable")},
    "asl-validator/invalid/invalid-choice-state.json": {(SVF, "/States/ChoiceState/Choices/0")},
    "asl-validator/invalid/invalid-dupe-fields.asl.json": {
        (SVF, "/States/PassState/Parameters/dynamic/conflict.$")},
    "asl-validator/invalid/invalid-duplicate-fields.json": {
        (SVF, "/States/Publish to Slack/Parameters/slackMessage/channel.$")},
    "asl-validator/invalid/invalid-fail-dupe-cause.json": {(SVF, "/States/Hello")},
    "asl-validator/invalid/invalid-fail-dupe-error.json": {(SVF, "/States/Hello")},
    "asl-validator/invalid/invalid-inexistant-state.json": {
        (MISSING_TRANSITION_TARGET, "/States/Start State/Next"), (MISSING_END_STATE, "")},
    "asl-validator/invalid/invalid-json-path.json": {
        (SVF, f"/States/Invalid{i}/ResultPath") for i in range(1, 5)},
    "asl-validator/invalid/invalid-map-distributed.asl.json": {
        (SVF, "/States/Map/ItemReader/ReaderConfig")},
    "asl-validator/invalid/invalid-map-dupe-state.json": {
        (DUPLICATE_STATE_NAME, "/States/Final State")},
    "asl-validator/invalid/invalid-map-ob-link.json": {
        (MISSING_TRANSITION_TARGET, "/States/Map/Iterator/States/ChoiceState/Choices/1/Next")},
    "asl-validator/invalid/invalid-parallel-ob-link.json": {
        (MISSING_TRANSITION_TARGET,
         "/States/Parallel/Branches/1/States/ChoiceState/Choices/1/Next")},
    "asl-validator/invalid/invalid-math-add.json": {
        (SVF, "/States/validate input/Parameters/foo.$")},
    "asl-validator/invalid/invalid-missing-terminal.json": {(MISSING_END_STATE, "")},
    "asl-validator/invalid/invalid-missing-terminal-map.json": {
        (MISSING_END_STATE, "/States/Map/Iterator")},
    "asl-validator/invalid/invalid-missing-terminal-parallel.json": {
        (MISSING_END_STATE, "/States/Parallel/Branches/0")},
    "asl-validator/invalid/invalid-next-with-end.json": {(SVF, "/States/Send SNS Message")},
    "asl-validator/invalid/invalid-state-name-too-long.json": {
        (INVALID_STATE_NAME, "/States/This is an exceptionally long state name that I know will "
                             "fail when I try to deploy to AWS")},
    "asl-validator/invalid/invalid-task-heartbeat.json": {(SVF, "/States/X")},
    "asl-validator/invalid/invalid-task-timout.json": {(SVF, "/States/X")},
    "asl-validator/invalid/invalid-unreachable-state.json": {
        (MISSING_TRANSITION_TARGET, "/States/Finished Choice")},
    "asl-validator/invalid/invalid-variable-result-path.json": {(SVF, "/States/Fin/ResultPath")},
    "asl-validator/invalid/invalid-wait-duration.json": {
        (SVF, "/States/wait_using_seconds"), (SVF, "/States/wait_using_timestamp")},
    "statelint/invalid/has-dupes.json": {(DUPLICATE_STATE_NAME, "/States/Sub2_1")},
    "statelint/invalid/parameter-path-problems.json": {
        (SVF, "/States/FNORD/Parameters/" + p) for p in
        ("bad1.$", "bad2.$", "f3/bad3.$", "f3/f5/1/f7/bad4.$", "bad5.$")},
    "statelint/invalid/pass-with-intrinsic-function-inputpath.json": {(SVF, "/States/p/InputPath")},
    "statelint/invalid/invalid-function-invocation.json": {
        (SVF, "/States/p/ResultSelector/abc.$")},
    "statelint/invalid/states-array-invocation-leftpad.json": {
        (SVF, "/States/p/ResultSelector/abc.$")},
    "statelint/invalid/fail-with-static-and-dynamic-cause.json": {(SVF, "/States/FailState")},
    "statelint/invalid/fail-with-static-and-dynamic-error.json": {(SVF, "/States/FailState")},
    "statelint/invalid/map-with-itemprocessor-and-iterator.json": {(SVF, "/States/m")},
    "statelint/invalid/map-with-parameters-and-itemselector.json": {(SVF, "/States/m")},
    "statelint/invalid/task-with-static-and-dynamic-heartbeat.json": {(SVF, "/States/p")},
    "statelint/invalid/task-with-static-and-dynamic-timeout.json": {(SVF, "/States/p")},
    "statelint/unclassified/no-terminal.json": {(MISSING_END_STATE, "")},
    "statelint/unclassified/linked-parallel.json": {
        (MISSING_TRANSITION_TARGET, "/States/X/Default"),
        (MISSING_TRANSITION_TARGET, "/States/A/Branches/0/States/Sub1_1/Next")},
}

_STRING_OR_PLACEHOLDER = re.compile(r'("(?:[^"\\]|\\.)*")|(\$\{[^}]*\})')


def load(path: Path) -> Any:
    """A definition; Terraform/CloudFormation placeholders outside strings get quoted (those
    inside strings stay: a Resource that is a placeholder is accepted as it is)."""
    text = path.read_text(encoding="utf-8-sig")
    try:
        return json.loads(text)
    except ValueError:
        return json.loads(_STRING_OR_PLACEHOLDER.sub(
            lambda m: m.group(1) or json.dumps(m.group(2)), text))


def corpus(*patterns: str) -> list[str]:
    found = []
    for pattern in patterns:
        found += [str(p.relative_to(CONFORMANCE)) for p in sorted(CONFORMANCE.glob(pattern))]
    return [f for f in found if not f.endswith("index.json") and not f.endswith("expected.json")]


VALID = corpus("asl-validator/valid/*.json", "statelint/valid/*.json", "aws-workflows/*.json")


@pytest.mark.parametrize("name", VALID)
def test_valid_definitions_have_no_semantic_error(name: str) -> None:
    try:
        document = load(CONFORMANCE / name)
    except ValueError:
        pytest.skip("not JSON even with placeholders quoted")
    found = {d.location for d in run(document) if d.is_error}
    assert found <= REJECTED_BY_AWS.get(name, set()), sorted(found)


@pytest.mark.parametrize("name", sorted(MUST_FIND))
def test_invalid_definitions_are_caught(name: str) -> None:
    found = {(d.code, d.location) for d in run(load(CONFORMANCE / name)) if d.is_error}
    assert MUST_FIND[name] <= found, sorted(found)


def test_every_statelint_invalid_file_is_accounted_for() -> None:
    """Files not in MUST_FIND are the schema stage's (types, unknown fields, ranges)."""
    expected = json.loads((STATELINT / "expected.json").read_text())["files"]
    mine = {n for n in MUST_FIND if n.startswith("statelint/")}
    schema_only = {n for n in expected if n.startswith("statelint/invalid/")} - mine
    for name in schema_only:
        assert not [d for d in run(load(CONFORMANCE / name)) if d.is_error], name


def big_definition(count: int = 1000) -> dict[str, Any]:
    """A realistic chain: Tasks with templates and catchers, Choices, Waits, a Map per 50."""
    states: dict[str, Any] = {}
    for i in range(count):
        following = f"S{i + 1}" if i + 1 < count else "Done"
        kind = i % 5
        if kind == 0:
            states[f"S{i}"] = {
                "Type": "Task", "Resource": LAMBDA, "Next": following, "ResultPath": f"$.r{i}",
                "Parameters": {"id.$": "$.id", "n": i, "msg.$": "States.Format('#{}', $.id)",
                               "nested": {"ctx.$": "$$.Execution.Id", "list": [1, 2, 3]}},
                "Retry": [{"ErrorEquals": ["States.TaskFailed"], "MaxAttempts": 2}],
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Done", "ResultPath": "$.e"}]}
        elif kind == 1:
            states[f"S{i}"] = {"Type": "Choice", "Default": following, "Choices": [
                {"Variable": f"$.v{i}", "NumericGreaterThan": i, "Next": following},
                {"And": [{"Variable": "$.a", "IsPresent": True},
                         {"Variable": "$.a", "StringMatches": "x*"}], "Next": following}]}
        elif kind == 2:
            states[f"S{i}"] = {"Type": "Pass", "Next": following, "Assign": {f"v{i}.$": "$.x"},
                               "InputPath": "$.in", "OutputPath": "$.out"}
        elif kind == 3:
            states[f"S{i}"] = {"Type": "Wait", "SecondsPath": "$.wait", "Next": following}
        else:
            states[f"S{i}"] = {"Type": "Map", "ItemsPath": "$.items", "Next": following,
                               "ItemSelector": {"value.$": "$$.Map.Item.Value"},
                               "ItemProcessor": machine({f"In{i}": END})}
    states["Done"] = {"Type": "Succeed"}
    return machine(states, start="S0")


def test_a_thousand_state_definition_has_no_semantic_findings() -> None:
    # How fast this is, is measured by benchmarks/validate.py, never asserted here.
    assert run(big_definition()) == []

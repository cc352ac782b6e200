"""Our verdict on every definition of the shared conformance corpora, through the public API.

asl-validator and statelint sort their files into valid and invalid; AWS's public workflows
collection holds real definitions that must validate once their ``${...}`` placeholders are
filled in. Where we deliberately differ, because real AWS differs, DIFFERENCES says why.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

import workflow
from workflow.diagnostics import INVALID_RESOURCE, best_match
from workflow.source import read_source

from conftest import CONFORMANCE

ASL_VALIDATOR = CONFORMANCE / "asl-validator"
STATELINT = CONFORMANCE / "statelint"
AWS_WORKFLOWS = CONFORMANCE / "aws-workflows"

# file -> why our verdict differs from the corpus's, following what AWS itself does.
DIFFERENCES: dict[str, str] = {
    "asl-validator/valid/valid-assign.asl.json":
        "variable name 'top-level' is not a Unicode identifier; AWS requires one (§7)",
    "asl-validator/valid/valid-map-with-item-batcher-jsonata.json":
        "a state declares JSONPath under a top-level JSONata; AWS rejects that (§6.7, measured)",
    "asl-validator/valid/valid-path-array-context.json":
        "'$[(@.length-1)]' is a jsonpath-plus script expression, not Jayway JSONPath (AWS's)",
    "asl-validator/valid/valid-task-credentials.json":
        "Credentials without RoleArn: AWS says 'The field 'RoleArn' is required but was missing'",
    "statelint/valid/task-with-credentials.json":
        "Credentials with 'roleArn' (lower case) and no RoleArn: AWS requires RoleArn",
    "asl-validator/valid/valid-task-intrisic-function.json":
        "Resource is a CloudFormation object (Fn::GetAtt / Ref): AWS requires a string",
    "asl-validator/invalid/invalid-cfn-definition-substitutions.json":
        "a ${...} Resource is only a warning (INVALID_RESOURCE): templates are filled at deploy",
    "asl-validator/invalid/invalid-task-alias-function.json":
        "a non-ARN Resource is only a warning: our engine runs local functions by bare name",
    "asl-validator/invalid/invalid-json-surround-syntax-extra-spaces.json":
        "'{% ... %}' with inner spaces is a well-formed JSONata string for AWS",
    "asl-validator/invalid/invalid-jsonata-surround-syntax-no-spaces.json":
        "'{%...%}' without inner spaces is a well-formed JSONata string for AWS",
    "asl-validator/invalid/invalid-jsonata-surround-syntax-no-open.json":
        "without '{%' the value is a plain string literal for AWS, not an expression",
    "asl-validator/invalid/invalid-jsonata-surround-syntax-no-close.json":
        "without '%}' the value is a plain string literal for AWS, not an expression",
    "aws-workflows/sfn-iot-data-analytics-dataset__statemachine.asl.json":
        "the published file is not JSON ('\"Messages\": \"Messages.$\": ...'), placeholders aside",
    "aws-workflows/shared-fallback-state-jsonata__statemachine.asl.json":
        "\"QueryLanguage\" sits inside States (a non-object state), so the machine is JSONPath "
        "and its Arguments/Output fields are rejected, as AWS rejects them",
}


def corpus_files() -> list[tuple[str, Path, bool | None]]:
    files = []
    for folder, expected in ((ASL_VALIDATOR / "valid", True), (ASL_VALIDATOR / "invalid", False),
                             (STATELINT / "valid", True), (STATELINT / "invalid", False),
                             (AWS_WORKFLOWS, True)):
        for path in sorted(folder.iterdir()):
            if path.suffix in (".json", ".yaml") and path.name != "index.json":
                key = f"{path.parent.relative_to(CONFORMANCE)}/{path.name}".lstrip("./")
                files.append((key, path, expected))
    return files


# Fields whose placeholder stands for a number; any other placeholder stays a string.
_NUMERIC = {"Seconds", "TimeoutSeconds", "HeartbeatSeconds", "IntervalSeconds", "MaxAttempts",
            "MaxConcurrency", "MaxDelaySeconds", "ToleratedFailureCount"}
_PLACEHOLDER = re.compile(r"^\$\{[^}]+\}$")


def fill_placeholders(value: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        return {k: fill_placeholders(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [fill_placeholders(v, key) for v in value]
    if isinstance(value, str) and _PLACEHOLDER.match(value):
        if key in _NUMERIC:
            return 60
        if key == "Resource":
            return f"arn:aws:lambda:us-east-1:123456789012:function:{value[2:-1]}"
    return value


def our_errors(path: Path) -> list[workflow.Diagnostic]:
    source = read_source(path)
    if source.ok and path.parent == AWS_WORKFLOWS:
        return [d for d in workflow.validate(fill_placeholders(source.document)) if d.is_error]
    return [d for d in workflow.validate(path) if d.is_error]


@pytest.mark.parametrize("key, path, expected", corpus_files(), ids=lambda v: str(v))
def test_verdict(key: str, path: Path, expected: bool) -> None:
    errors = our_errors(path)
    ours = not errors
    if key in DIFFERENCES:
        assert ours != expected, f"no longer differs: remove from DIFFERENCES ({key})"
    else:
        assert ours == expected, [d.format(key) for d in errors]


def test_every_listed_difference_exists() -> None:
    keys = {key for key, _, _ in corpus_files()}
    assert set(DIFFERENCES) <= keys


EXPECTED = json.loads((ASL_VALIDATOR / "expected.json").read_text())


@pytest.mark.parametrize("name", sorted(EXPECTED["exact_first_error"]))
def test_exact_first_error(name: str) -> None:
    """asl-validator's error-reporting test names the first error of three files: our
    best-match headline has the same code and location (the wording is AWS's, not ajv's)."""
    expected = EXPECTED["exact_first_error"][name]
    head = best_match(our_errors(ASL_VALIDATOR / name))
    assert head is not None
    assert (head.code, head.location) == (expected["code"], expected["instancePath"])


RESOURCE_MACHINE = {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "", "End": True}}}


@pytest.mark.parametrize("verdict, arn", [
    (kind, arn) for kind in ("valid", "invalid")
    for arn in EXPECTED["task_resource_arn_format"][kind]])
def test_task_resource_arn_format(verdict: str, arn: str) -> None:
    document = json.loads(json.dumps(RESOURCE_MACHINE))
    document["States"]["T"]["Resource"] = arn
    found = [d for d in workflow.validate(document) if d.code == INVALID_RESOURCE]
    assert bool(found) == (verdict == "invalid"), found

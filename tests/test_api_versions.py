"""``sfn server``: versions, aliases (routing weights honoured at StartExecution) and tags."""
from __future__ import annotations

import json
from typing import Any, Iterator

import pytest
from botocore.exceptions import ClientError

from api_support import ROLE, Server, definition, error_code, running_server, wait_status


def _says(word: str) -> str:
    return definition({"S": {"Type": "Pass", "Result": word, "End": True}})


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running_server(tmp_path_factory.mktemp("api-versions")) as srv:
        yield srv


@pytest.fixture(scope="module")
def sfn(server: Server) -> Any:
    return server.client()


@pytest.fixture(scope="module")
def versioned(sfn: Any) -> tuple[str, str, str]:
    """A machine with version 1 saying "one" and version 2 saying "two"."""
    created = sfn.create_state_machine(name="versioned", definition=_says("one"),
                                       roleArn=ROLE, publish=True, versionDescription="first")
    machine, v1 = created["stateMachineArn"], created["stateMachineVersionArn"]
    sfn.update_state_machine(stateMachineArn=machine, definition=_says("two"))
    v2 = sfn.publish_state_machine_version(stateMachineArn=machine)["stateMachineVersionArn"]
    return machine, v1, v2


def test_versions(sfn: Any, versioned: tuple[str, str, str]) -> None:
    machine, v1, v2 = versioned
    assert (v1, v2) == (machine + ":1", machine + ":2")
    listed = sfn.list_state_machine_versions(stateMachineArn=machine)["stateMachineVersions"]
    assert [v["stateMachineVersionArn"] for v in listed] == [v2, v1]       # newest first
    again = sfn.publish_state_machine_version(stateMachineArn=machine)
    assert again["stateMachineVersionArn"] == v2                # same revision: same version
    described = sfn.describe_state_machine(stateMachineArn=v1)
    assert (described["definition"], described["description"]) == (_says("one"), "first")
    with pytest.raises(ClientError) as exc:
        sfn.publish_state_machine_version(stateMachineArn=machine, revisionId="stale")
    assert error_code(exc) == "ConflictException"
    execution = sfn.start_execution(stateMachineArn=v1)["executionArn"]
    done = wait_status(sfn, execution)
    assert (done["output"], done["stateMachineVersionArn"]) == ('"one"', v1)
    latest = wait_status(sfn, sfn.start_execution(stateMachineArn=machine)["executionArn"])
    assert latest["output"] == '"two"' and "stateMachineVersionArn" not in latest


def test_alias_routing(sfn: Any, versioned: tuple[str, str, str]) -> None:
    machine, v1, v2 = versioned
    alias = sfn.create_state_machine_alias(name="live", routingConfiguration=[
        {"stateMachineVersionArn": v1, "weight": 100}])["stateMachineAliasArn"]
    assert alias == machine + ":live"
    described = sfn.describe_state_machine_alias(stateMachineAliasArn=alias)
    assert described["routingConfiguration"] == [{"stateMachineVersionArn": v1, "weight": 100}]
    for _ in range(3):
        done = wait_status(sfn, sfn.start_execution(stateMachineArn=alias)["executionArn"])
        assert (done["output"], done["stateMachineAliasArn"], done["stateMachineVersionArn"]) \
            == ('"one"', alias, v1)
    sfn.update_state_machine_alias(stateMachineAliasArn=alias, routingConfiguration=[
        {"stateMachineVersionArn": v1, "weight": 50}, {"stateMachineVersionArn": v2,
                                                        "weight": 50}])
    arns = [sfn.start_execution(stateMachineArn=alias)["executionArn"] for _ in range(40)]
    outputs = {wait_status(sfn, arn)["output"] for arn in arns}
    assert outputs == {'"one"', '"two"'}                  # both versions get traffic
    listed = sfn.list_state_machine_aliases(stateMachineArn=machine)["stateMachineAliases"]
    assert [a["stateMachineAliasArn"] for a in listed] == [alias]
    by_alias = sfn.list_executions(stateMachineArn=alias, maxResults=1000)["executions"]
    assert len(by_alias) == 43
    with pytest.raises(ClientError) as exc:
        sfn.delete_state_machine_version(stateMachineVersionArn=v1)
    assert error_code(exc) == "ConflictException"
    sfn.delete_state_machine_alias(stateMachineAliasArn=alias)
    with pytest.raises(ClientError) as exc:
        sfn.describe_state_machine_alias(stateMachineAliasArn=alias)
    assert error_code(exc) == "ResourceNotFound"


def test_alias_errors(sfn: Any, versioned: tuple[str, str, str]) -> None:
    _, v1, v2 = versioned
    with pytest.raises(ClientError) as exc:
        sfn.create_state_machine_alias(name="bad", routingConfiguration=[
            {"stateMachineVersionArn": v1, "weight": 60},
            {"stateMachineVersionArn": v2, "weight": 60}])
    assert error_code(exc) == "ValidationException"
    with pytest.raises(ClientError) as exc:
        sfn.create_state_machine_alias(name="123", routingConfiguration=[
            {"stateMachineVersionArn": v1, "weight": 100}])
    assert error_code(exc) in ("InvalidName", "ValidationException")
    with pytest.raises(ClientError) as exc:
        sfn.create_state_machine_alias(name="ghost", routingConfiguration=[
            {"stateMachineVersionArn": v1[:-1] + "9", "weight": 100}])
    assert error_code(exc) == "ResourceNotFound"


def test_tags(sfn: Any) -> None:
    arn = sfn.create_state_machine(name="tagged", definition=_says("x"),
                                   roleArn=ROLE)["stateMachineArn"]
    sfn.tag_resource(resourceArn=arn, tags=[{"key": "env", "value": "dev"},
                                            {"key": "team", "value": "a"}])
    sfn.untag_resource(resourceArn=arn, tagKeys=["team"])
    assert sfn.list_tags_for_resource(resourceArn=arn)["tags"] == [
        {"key": "env", "value": "dev"}]
    with pytest.raises(ClientError) as exc:
        sfn.tag_resource(resourceArn=arn, tags=[{"key": f"k{i}", "value": ""}
                                                for i in range(60)])
    assert error_code(exc) == "TooManyTags"
    with pytest.raises(ClientError) as exc:
        sfn.list_tags_for_resource(resourceArn=arn + "-gone")
    assert error_code(exc) == "ResourceNotFound"
    assert json.loads(sfn.describe_state_machine(stateMachineArn=arn)["definition"])

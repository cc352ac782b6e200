"""``sfn server``: state machines through boto3, and the protocol's errors (signature,
unknown action, missing field, malformed JSON, oversized bodies and inputs)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

import pytest
from botocore.exceptions import ClientError

from api_support import PASS, ROLE, Server, definition, error_code, running_server, snapshot


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running_server(tmp_path_factory.mktemp("api-machines")) as srv:
        yield srv


@pytest.fixture(scope="module")
def sfn(server: Server) -> Any:
    return server.client()


def test_create_describe_update_delete(sfn: Any) -> None:
    created = sfn.create_state_machine(name="orders", definition=PASS, roleArn=ROLE,
                                       tags=[{"key": "team", "value": "a"}])
    arn = created["stateMachineArn"]
    assert arn == "arn:aws:states:us-east-1:000000000000:stateMachine:orders"
    again = sfn.create_state_machine(name="orders", definition=PASS, roleArn=ROLE)
    assert again["stateMachineArn"] == arn                    # identical config: idempotent
    described = sfn.describe_state_machine(stateMachineArn=arn)
    assert (described["definition"], described["type"], described["status"]) == \
        (PASS, "STANDARD", "ACTIVE")
    assert described["loggingConfiguration"] == {"level": "OFF", "includeExecutionData": False}
    with pytest.raises(ClientError) as exc:
        sfn.create_state_machine(name="orders", definition=PASS, roleArn=ROLE, type="EXPRESS")
    assert error_code(exc) == "StateMachineAlreadyExists"
    new = definition({"Only": {"Type": "Succeed"}})
    updated = sfn.update_state_machine(stateMachineArn=arn, definition=new)
    assert updated["revisionId"]
    assert sfn.describe_state_machine(stateMachineArn=arn)["definition"] == new
    sfn.delete_state_machine(stateMachineArn=arn)
    with pytest.raises(ClientError) as exc:
        sfn.describe_state_machine(stateMachineArn=arn)
    assert error_code(exc) == "StateMachineDoesNotExist"
    assert exc.value.response["Error"]["Message"] == f"State Machine Does Not Exist: '{arn}'"


def test_invalid_definition_is_worded_as_aws(sfn: Any) -> None:
    bad = definition({"A": {"Type": "Pass", "Next": "Nowhere"}})
    with pytest.raises(ClientError) as exc:
        sfn.create_state_machine(name="bad", definition=bad, roleArn=ROLE)
    assert error_code(exc) == "InvalidDefinition"
    assert exc.value.response["Error"]["Message"] == (
        "Invalid State Machine Definition: 'MISSING_END_STATE: Workflow has no terminal "
        "state at null, MISSING_TRANSITION_TARGET: Missing 'Next' target: Nowhere at "
        "/States/A/Next'")
    with pytest.raises(ClientError) as exc:
        sfn.create_state_machine(name="bad", definition="{not json", roleArn=ROLE)
    assert exc.value.response["Error"]["Message"].startswith(
        "Invalid State Machine Definition: 'INVALID_JSON_DESCRIPTION: ")


def test_update_errors(sfn: Any) -> None:
    arn = sfn.create_state_machine(name="upd", definition=PASS, roleArn=ROLE)["stateMachineArn"]
    with pytest.raises(ClientError) as exc:
        sfn.update_state_machine(stateMachineArn=arn)
    assert error_code(exc) == "MissingRequiredParameter"
    with pytest.raises(ClientError) as exc:
        sfn.update_state_machine(stateMachineArn=arn, definition=PASS, versionDescription="x")
    assert error_code(exc) == "ValidationException"
    with pytest.raises(ClientError) as exc:
        sfn.update_state_machine(stateMachineArn=arn + "-gone", definition=PASS)
    assert error_code(exc) == "StateMachineDoesNotExist"


def test_names_and_arns(sfn: Any) -> None:
    for name in ("has space", "a/b", "x" * 81):
        with pytest.raises(ClientError) as exc:
            sfn.create_state_machine(name=name, definition=PASS, roleArn=ROLE)
        assert error_code(exc) in ("InvalidName", "ValidationException")
    with pytest.raises(ClientError) as exc:
        sfn.describe_state_machine(stateMachineArn="not-an-arn")
    assert error_code(exc) == "InvalidArn"


def test_list_state_machines_pages(sfn: Any) -> None:
    for i in range(5):
        sfn.create_state_machine(name=f"list-{i}", definition=PASS, roleArn=ROLE)
    names, token = [], None
    while True:
        kwargs = {"nextToken": token} if token else {}
        page = sfn.list_state_machines(maxResults=2, **kwargs)
        assert len(page["stateMachines"]) <= 2
        names += [m["name"] for m in page["stateMachines"]]
        token = page.get("nextToken")
        if not token:
            break
    assert [n for n in names if n.startswith("list-")] == [f"list-{i}" for i in range(5)]
    with pytest.raises(ClientError) as exc:
        sfn.list_state_machines(nextToken="garbage!")
    assert error_code(exc) == "InvalidToken"


def test_validate_state_machine_definition(sfn: Any) -> None:
    ok = sfn.validate_state_machine_definition(definition=PASS)
    assert (ok["result"], ok["diagnostics"]) == ("OK", [])
    bad = sfn.validate_state_machine_definition(
        definition=definition({"A": {"Type": "Pass", "Next": "Q"}}))
    assert bad["result"] == "FAIL"
    assert {"severity": "ERROR", "code": "MISSING_TRANSITION_TARGET",
            "message": "Missing 'Next' target: Q", "location": "/States/A/Next"} \
        in bad["diagnostics"]


def test_wrong_signature_is_rejected_and_changes_nothing(server: Server) -> None:
    before = snapshot(server)
    with pytest.raises(ClientError) as exc:
        server.client(secret="wrong").create_state_machine(name="x1", definition=PASS,
                                                           roleArn=ROLE)
    assert error_code(exc) == "InvalidSignatureException"
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    with pytest.raises(ClientError) as exc:
        server.client(key="AKIAUNKNOWN").list_state_machines()
    assert error_code(exc) == "UnrecognizedClientException"
    assert snapshot(server) == before


def _signed_post(server: Server, target: str, body: bytes) -> Any:
    import requests
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    from api_support import KEY, SECRET
    request = AWSRequest("POST", server.url + "/", data=body, headers={
        "X-Amz-Target": f"AWSStepFunctions.{target}",
        "Content-Type": "application/x-amz-json-1.0"})
    SigV4Auth(Credentials(KEY, SECRET), "states", "us-east-1").add_auth(request)
    return requests.post(server.url + "/", data=body, headers=dict(request.headers), timeout=10)


def test_unknown_action_malformed_json_and_unsigned(server: Server) -> None:
    import requests
    before = snapshot(server)
    response = _signed_post(server, "LaunchRockets", b"{}")
    assert response.status_code == 400
    assert response.json()["__type"].endswith("#UnknownOperationException")
    response = _signed_post(server, "CreateStateMachine", b'{"name": ')
    assert response.status_code == 400
    assert response.json()["__type"].endswith("#SerializationException")
    response = requests.post(server.url + "/", data=b"{}", timeout=10, headers={
        "X-Amz-Target": "AWSStepFunctions.ListStateMachines"})
    assert response.json()["__type"].endswith("#MissingAuthenticationTokenException")
    response = _signed_post(server, "CreateStateMachine", b" " * (1_048_576 + 10))
    assert response.status_code == 413
    assert response.json()["__type"].endswith("#RequestEntityTooLargeException")
    assert snapshot(server) == before


def test_missing_required_field(server: Server) -> None:
    before = snapshot(server)
    raw = server.client(parameter_validation=False)
    with pytest.raises(ClientError) as exc:
        raw.create_state_machine(name="no-def", roleArn=ROLE)
    assert error_code(exc) == "ValidationException"
    assert exc.value.response["Error"]["Message"] == (
        "1 validation error detected: Value null at 'definition' failed to satisfy "
        "constraint: Member must not be null")
    with pytest.raises(ClientError) as exc:
        raw.list_executions(stateMachineArn=PASS_ARN, maxResults=5000)
    assert "Member must have value less than or equal to 1000" in \
        exc.value.response["Error"]["Message"]
    assert snapshot(server) == before


PASS_ARN = "arn:aws:states:us-east-1:000000000000:stateMachine:none"


def test_oversized_input_changes_nothing(server: Server, sfn: Any) -> None:
    arn = sfn.create_state_machine(name="big", definition=PASS, roleArn=ROLE)["stateMachineArn"]
    before = snapshot(server)
    big = json.dumps({"blob": "x" * (300 * 1024)})
    with pytest.raises(ClientError) as exc:
        sfn.start_execution(stateMachineArn=arn, input=big)
    assert error_code(exc) == "ValidationException"
    assert "Member must have length less than or equal to 262144" in \
        exc.value.response["Error"]["Message"]
    assert snapshot(server) == before


def test_generated_keys_survive_a_restart(tmp_path: Path) -> None:
    with running_server(tmp_path, keys=False) as first:
        kept = json.loads((tmp_path / "server-credentials.json").read_text())
        assert "generated credentials" in first.log.read_text()
        client = first.client(kept["accessKeyId"], kept["secretAccessKey"])
        client.create_state_machine(name="kept", definition=PASS, roleArn=ROLE)
    with running_server(tmp_path, keys=False) as second:
        client = second.client(kept["accessKeyId"], kept["secretAccessKey"])
        assert [m["name"] for m in client.list_state_machines()["stateMachines"]] == ["kept"]

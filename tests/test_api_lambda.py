"""``sfn server``: Lambda's REST-JSON subset (``/2015-03-31/functions...``) driven by boto3's
``lambda`` client, over the functions service, signed with SigV4 for the service "lambda"."""
from __future__ import annotations

import base64
import io
import json
import zipfile
from typing import Any, Iterator

import pytest
from botocore.exceptions import ClientError

from api_support import KEY, ROLE, SECRET, Server, error_code, running_server

RUNTIME, HANDLER = "python3.11", "app.handler"


def _zip(body: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", body)
    return buffer.getvalue()


def _says(word: str) -> bytes:
    return _zip("def handler(event, context):\n"
                "    print('handling', event)\n"
                f"    return {{'says': {word!r}, 'event': event}}\n")


RAISES = _zip("def handler(event, context):\n    raise ValueError('boom')\n")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running_server(tmp_path_factory.mktemp("api-lambda")) as srv:
        yield srv


@pytest.fixture(scope="module")
def lam(server: Server) -> Any:
    import boto3
    from botocore.config import Config
    return boto3.client("lambda", endpoint_url=server.url, region_name="us-east-1",
                        aws_access_key_id=KEY, aws_secret_access_key=SECRET,
                        config=Config(retries={"max_attempts": 1}, read_timeout=30))


def _invoke(lam: Any, name: str, event: Any = None, **options: Any) -> tuple[dict, Any]:
    answer = lam.invoke(FunctionName=name, Payload=json.dumps(event or {}), **options)
    return answer, json.loads(answer["Payload"].read() or b"null")


def test_registry_and_versions(lam: Any) -> None:
    created = lam.create_function(FunctionName="greet", Runtime=RUNTIME, Role=ROLE,
                                  Handler=HANDLER, Code={"ZipFile": _says("one")})
    assert (created["FunctionName"], created["Version"]) == ("greet", "$LATEST")
    got = lam.get_function(FunctionName="greet")
    assert got["Configuration"]["CodeSha256"] == created["CodeSha256"]
    names = [f["FunctionName"] for f in lam.list_functions()["Functions"]]
    assert "greet" in names
    lam.update_function_code(FunctionName="greet", ZipFile=_says("two"))
    answer, payload = _invoke(lam, "greet", {"n": 1})
    assert payload == {"says": "two", "event": {"n": 1}}
    assert (answer["StatusCode"], answer["ExecutedVersion"]) == (200, "$LATEST")
    assert lam.publish_version(FunctionName="greet")["Version"] == "1"
    lam.update_function_code(FunctionName="greet", ZipFile=_says("three"))
    assert _invoke(lam, "greet:1")[1]["says"] == "two"              # version 1 is frozen
    answer, payload = _invoke(lam, "greet", Qualifier="1")
    assert (payload["says"], answer["ExecutedVersion"]) == ("two", "1")
    assert _invoke(lam, "greet")[1]["says"] == "three"
    updated = lam.update_function_configuration(FunctionName="greet", Timeout=5,
                                                Environment={"Variables": {"A": "b"}})
    assert (updated["Timeout"], updated["Environment"]["Variables"]) == (5, {"A": "b"})


def test_alias_routing(lam: Any) -> None:
    lam.create_function(FunctionName="routed", Runtime=RUNTIME, Role=ROLE, Handler=HANDLER,
                        Code={"ZipFile": _says("v1")}, Publish=True)
    lam.update_function_code(FunctionName="routed", ZipFile=_says("v2"), Publish=True)
    alias = lam.create_alias(FunctionName="routed", Name="live", FunctionVersion="1",
                             RoutingConfig={"AdditionalVersionWeights": {"2": 0.5}})
    assert alias["RoutingConfig"]["AdditionalVersionWeights"] == {"2": 0.5}
    seen = {_invoke(lam, "routed", Qualifier="live")[0]["ExecutedVersion"] for _ in range(12)}
    assert seen <= {"1", "2"} and seen
    moved = lam.update_alias(FunctionName="routed", Name="live", FunctionVersion="2",
                             RoutingConfig={"AdditionalVersionWeights": {}})
    assert moved["FunctionVersion"] == "2" and "RoutingConfig" not in moved
    answer, payload = _invoke(lam, "routed:live")
    assert (answer["ExecutedVersion"], payload["says"]) == ("2", "v2")


def test_invocation_types_and_errors(lam: Any) -> None:
    lam.create_function(FunctionName="boom", Runtime=RUNTIME, Role=ROLE, Handler=HANDLER,
                        Code={"ZipFile": RAISES})
    answer, payload = _invoke(lam, "boom")
    assert answer["FunctionError"] == "Unhandled"
    assert (payload["errorType"], payload["errorMessage"]) == ("ValueError", "boom")
    lam.create_function(FunctionName="tail", Runtime=RUNTIME, Role=ROLE, Handler=HANDLER,
                        Code={"ZipFile": _says("t")})
    answer, _ = _invoke(lam, "tail", {"x": 1}, LogType="Tail")
    log = base64.b64decode(answer["LogResult"]).decode()
    for line in ("START RequestId:", "END RequestId:", "REPORT RequestId:", "handling"):
        assert line in log
    assert lam.invoke(FunctionName="tail", InvocationType="Event")["StatusCode"] == 202
    assert lam.invoke(FunctionName="tail", InvocationType="DryRun")["StatusCode"] == 204
    with pytest.raises(ClientError) as exc:
        lam.invoke(FunctionName="nobody")
    assert error_code(exc) == "ResourceNotFoundException"
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_refusals_and_delete(lam: Any) -> None:
    lam.create_function(FunctionName="gone", Runtime=RUNTIME, Role=ROLE, Handler=HANDLER,
                        Code={"ZipFile": _says("x")})
    with pytest.raises(ClientError) as exc:
        lam.create_function(FunctionName="gone", Runtime=RUNTIME, Role=ROLE, Handler=HANDLER,
                            Code={"ZipFile": _says("x")})
    assert error_code(exc) == "ResourceConflictException"
    with pytest.raises(ClientError) as exc:
        lam.update_function_configuration(FunctionName="gone", Timeout=100000)
    assert error_code(exc) == "InvalidParameterValueException"
    lam.delete_function(FunctionName="gone")
    for call in (lambda: lam.get_function(FunctionName="gone"),
                 lambda: lam.delete_function(FunctionName="gone")):
        with pytest.raises(ClientError) as exc:
            call()
        assert error_code(exc) == "ResourceNotFoundException"


def test_bad_signature(server: Server) -> None:
    import boto3
    bad = boto3.client("lambda", endpoint_url=server.url, region_name="us-east-1",
                       aws_access_key_id=KEY, aws_secret_access_key="wrong")
    with pytest.raises(ClientError) as exc:
        bad.list_functions()
    assert error_code(exc) == "InvalidSignatureException"


def test_zip_over_the_step_functions_body_limit(lam: Any) -> None:
    import os
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", "def handler(event, context):\n    return 'big'\n")
        archive.writestr("blob.bin", os.urandom(1_500_000))    # > 1 MB, the SFN API's limit
    lam.create_function(FunctionName="big", Runtime=RUNTIME, Role=ROLE, Handler=HANDLER,
                        Code={"ZipFile": buffer.getvalue()})
    assert _invoke(lam, "big")[1] == "big"

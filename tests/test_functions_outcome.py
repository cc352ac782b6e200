"""From Task commands to invocations and back to interpreter events (asl-inventory §10.1, §12)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from workflow.functions import (FunctionRegistry, InvocationRequest, InvocationResult,
                                LocalInvoker, ServiceError, TargetError, build_request,
                                function_target, handles, invoke_task, parse_function_name,
                                task_outcome)
from workflow.interpreter.protocol import InvokeTask, TaskFailed, TaskSucceeded

FUNCTIONS = Path(__file__).parent / "functions"
ARN = "arn:aws:lambda:us-east-1:123456789012:function:echo"
INVOKE = "arn:aws:states:::lambda:invoke"
CALLBACK = "arn:aws:states:::lambda:invoke.waitForTaskToken"


@pytest.fixture
def invoker() -> LocalInvoker:
    registry = FunctionRegistry(base_dir=FUNCTIONS)
    registry.register("echo", "echo.py")
    registry.register("raise", "raising.py")
    registry.register("custom", "custom_error.py")
    return LocalInvoker(registry, clock=lambda: 1_700_000_000.0)


def task(resource: str, payload, timeout: int | None = None, token: str | None = None):
    return InvokeTask("t1", "run", "Call", resource, payload, timeout, None, token)


# ---- targets ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("echo", ("echo", None)),
    ("echo:live", ("echo", "live")),
    ("echo:$LATEST", ("echo", "$LATEST")),
    ("123456789012:function:echo", ("echo", None)),
    ("123456789012:function:echo:7", ("echo", "7")),
    (ARN, ("echo", None)),
    (ARN + ":prod", ("echo", "prod")),
])
def test_function_name_forms(text, expected):
    assert parse_function_name(text) == expected


@pytest.mark.parametrize("text", ["", "has space", "a:b:c", "arn:aws:s3:::bucket"])
def test_bad_function_names(text):
    with pytest.raises(TargetError) as caught:
        parse_function_name(text)
    assert caught.value.error == "Lambda.AWSLambdaException"
    assert "Error Code: ValidationException" in caught.value.cause


def test_function_target_for_both_forms():
    assert function_target(task(ARN + ":3", {"a": 1})) == ("echo", "3", {"a": 1})
    assert function_target(task("echo", [1])) == ("echo", None, [1])
    params = {"FunctionName": "123456789012:function:echo", "Payload": {"b": 2}, "Qualifier": "x"}
    assert function_target(task(INVOKE, params)) == ("echo", "x", {"b": 2})
    assert function_target(task(CALLBACK, {"FunctionName": "echo:x", "Qualifier": "x"})) == (
        "echo", "x", {})


def test_function_target_rejections():
    with pytest.raises(TargetError) as caught:
        function_target(task(INVOKE, {"FunctionName": "echo:1", "Qualifier": "2"}))
    assert caught.value.error == "Lambda.InvalidParameterValueException"
    for params in ({"Payload": {}}, {"FunctionName": 5}, "echo",
                   {"FunctionName": "echo", "Qualifier": 1}):
        with pytest.raises(TargetError) as caught:
            function_target(task(INVOKE, params))
        assert caught.value.error == "States.Runtime"
    with pytest.raises(ValueError):
        function_target(task("arn:aws:states:::sqs:sendMessage", {}))


def test_handles():
    assert handles(ARN) and handles("echo") and handles(INVOKE) and handles(CALLBACK)
    assert not handles("arn:aws:states:::sns:publish")
    assert not handles("arn:aws:states:us-east-1:123456789012:activity:work")


def test_build_request():
    request = build_request(task(INVOKE, {"FunctionName": "echo", "Payload": 1,
                                          "InvocationType": "Event", "LogType": "Tail"}, 30),
                            request_id="r")
    assert request == InvocationRequest("echo", 1, None, "Event", 30, "r", None, "Tail")
    assert build_request(task(ARN, {"x": 1}, 12)).timeout_seconds == 12
    callback = build_request(task(CALLBACK, {"FunctionName": "echo"}, 300, token="tok"))
    assert callback.timeout_seconds is None            # TimeoutSeconds bounds the callback wait


# ---- direct function ARN / bare name ------------------------------------------------------------

def test_direct_success_is_the_payload(invoker):
    assert invoke_task(invoker, task(ARN, {"k": "v"})) == TaskSucceeded("t1", {"k": "v"})
    assert invoke_task(invoker, task("echo", "plain")) == TaskSucceeded("t1", "plain")


def test_function_error_uses_error_type_and_json_cause(invoker):
    failed = invoke_task(invoker, task("raise", {"amount": 50}), request_id="req-1")
    assert isinstance(failed, TaskFailed) and failed.error == "ValueError"
    assert failed.cause.startswith('{"errorMessage": "boom: 50", "errorType": "ValueError", '
                                   '"requestId": "req-1", "stackTrace": ["  File ')
    assert list(json.loads(failed.cause)) == ["errorMessage", "errorType", "requestId",
                                              "stackTrace"]
    custom = invoke_task(invoker, task("custom", {}))
    assert custom.error == "PaymentDeclined" and not custom.timed_out


def test_error_without_type_is_lambda_unknown():
    result = InvocationResult("r", payload={"errorMessage": "Task timed out after 3.00 seconds"},
                              function_error="Unhandled")
    failed = task_outcome(task("echo", {}), result)
    assert failed.error == "Lambda.Unknown"
    assert failed.cause == ("The cause could not be determined because Lambda did not return an "
                            'error type. Returned payload: {"errorMessage": "Task timed out '
                            'after 3.00 seconds"}')


def test_unknown_function_is_resource_not_found(invoker):
    missing = "arn:aws:lambda:us-east-1:123456789012:function:nope:prod"
    failed = invoke_task(invoker, task(missing, {}), request_id="req-404")
    assert failed == TaskFailed(
        "t1", "Lambda.ResourceNotFoundException",
        "Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope:prod"
        " (Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException; "
        "Request ID: req-404; Proxy: null)")


def test_qualifiers_run_the_local_code(invoker):
    assert invoke_task(invoker, task(ARN + ":prod", 7)) == TaskSucceeded("t1", 7)


def test_service_errors_map_to_lambda_names():
    result = InvocationResult("r", status_code=429, executed_version=None,
                              service_error=ServiceError("TooManyRequestsException",
                                                         "Rate Exceeded.", 429))
    failed = task_outcome(task(INVOKE, {"FunctionName": "echo"}), result)
    assert failed.error == "Lambda.TooManyRequestsException"
    assert failed.cause == ("Rate Exceeded. (Service: AWSLambda; Status Code: 429; Error Code: "
                            "TooManyRequestsException; Request ID: r; Proxy: null)")


# ---- lambda:invoke ------------------------------------------------------------------------------

def test_invoke_integration_output_is_sdk_shaped(invoker):
    params = {"FunctionName": ARN, "Payload": {"greeting": "héllo"}}
    done = invoke_task(invoker, task(INVOKE, params), request_id="req-sdk")
    body = '{"greeting": "héllo"}'
    headers = {"Connection": "keep-alive", "Content-Length": str(len(body.encode())),
               "Content-Type": "application/json", "Date": "Tue, 14 Nov 2023 22:13:20 GMT",
               "X-Amz-Executed-Version": "$LATEST", "x-amzn-Remapped-Content-Length": "0",
               "x-amzn-RequestId": "req-sdk"}
    assert done == TaskSucceeded("t1", {
        "ExecutedVersion": "$LATEST", "Payload": {"greeting": "héllo"},
        "SdkHttpMetadata": {"AllHttpHeaders": {k: [v] for k, v in headers.items()},
                            "HttpHeaders": headers, "HttpStatusCode": 200},
        "SdkResponseMetadata": {"RequestId": "req-sdk"}, "StatusCode": 200})
    assert list(done.output) == ["ExecutedVersion", "Payload", "SdkHttpMetadata",
                                 "SdkResponseMetadata", "StatusCode"]


def test_invoke_integration_event_and_tail(invoker):
    event = invoke_task(invoker, task(INVOKE, {"FunctionName": "echo", "InvocationType": "Event"}))
    assert (event.output["StatusCode"], event.output["Payload"]) == (202, "")
    assert "ExecutedVersion" not in event.output
    tail = invoke_task(invoker, task(INVOKE, {"FunctionName": "echo", "LogType": "Tail"}))
    assert tail.output["LogResult"] == tail.output["SdkHttpMetadata"]["HttpHeaders"][
        "X-Amz-Log-Result"]


def test_invoke_integration_errors(invoker):
    failed = invoke_task(invoker, task(INVOKE, {"FunctionName": "raise",
                                                "Payload": {"amount": 11}}))
    assert failed.error == "ValueError" and json.loads(failed.cause)["errorMessage"] == "boom: 11"
    bad = invoke_task(invoker, task(INVOKE, {"Payload": {}}))
    assert bad.error == "States.Runtime" and "'FunctionName'" in bad.cause


# ---- lambda:invoke.waitForTaskToken -------------------------------------------------------------

def test_callback_success_parks_the_task(invoker):
    params = {"FunctionName": "echo", "Payload": {"token": "tok"}}
    assert invoke_task(invoker, task(CALLBACK, params, token="tok")) is None


def test_callback_invocation_failures_fail_the_task(invoker):
    failed = invoke_task(invoker, task(CALLBACK, {"FunctionName": "raise",
                                                  "Payload": {"amount": 12}}, token="tok"))
    assert failed.error == "ValueError"
    missing = invoke_task(invoker, task(CALLBACK, {"FunctionName": "nope"}, token="tok"))
    assert missing.error == "Lambda.ResourceNotFoundException"

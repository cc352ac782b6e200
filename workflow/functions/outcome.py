"""Between the interpreter's Task commands and the invocation interface (asl-inventory §10.1,
§12.1; lambda-xray.md "Step Functions → Lambda task").

* direct function ARN / bare name: the output is the function's payload;
* ``arn:aws:states:::lambda:invoke``: Parameters name the function, the output is the SDK
  response (``ExecutedVersion``, ``Payload``, ``SdkHttpMetadata``, ...);
* ``...lambda:invoke.waitForTaskToken``: a successful invocation only parks the task.

A function error becomes ``Error = errorType`` (``Lambda.Unknown`` without one) and
``Cause`` = the error payload's JSON text; a service error becomes ``Lambda.<Exception>`` with
the AWS Java SDK's message, which is what Step Functions shows.
"""
from __future__ import annotations

import re
from email.utils import formatdate
from typing import Any

from workflow.errors import StatesError
from workflow.functions.invoke import (REQUEST_RESPONSE, InvocationRequest, InvocationResult,
                                       Invoker, ServiceError, new_request_id, to_json)
from workflow.interpreter.protocol import InvokeTask, TaskFailed, TaskSucceeded
from workflow.interpreter.resources import LAMBDA, TASK, Resource, classify

INVOKE_ACTIONS = ("invoke", "invoke.waitForTaskToken")
FUNCTION_TIMEOUT = "Sandbox.Timedout"          # Lambda's errorType for a function timeout
STATE_TIMEOUT_CAUSE = "The task did not complete within its TimeoutSeconds."
_FUNCTION_NAME = re.compile(
    r"^(?:arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:\d{12}:function:|\d{12}:function:)?"
    r"(?P<name>[A-Za-z0-9_-]{1,64})(?::(?P<q>\$LATEST|[A-Za-z0-9_-]{1,128}))?$")
_NAME_PATTERN = (r"(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\d{1}:)?(\d{12}:)?"
                 r"(function:)?([a-zA-Z0-9-_\.]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?")


class TargetError(StatesError):
    """The Task's Parameters do not name a function correctly."""


def handles(resource: str) -> bool:
    """Whether ``resource`` is a function these adapters run."""
    found = classify(resource)
    return found.family == LAMBDA or _is_invoke(found)


def _is_invoke(resource: Resource) -> bool:
    return (resource.family == TASK and resource.resource_type == "lambda"
            and resource.action in INVOKE_ACTIONS)


def parse_function_name(text: str) -> tuple[str, str | None]:
    """Lambda's FunctionName forms: name, name:qualifier, ACCOUNT:function:name[:q], full ARN."""
    match = _FUNCTION_NAME.match(text)
    if not match:
        message = (f"1 validation error detected: Value '{text}' at 'functionName' failed to "
                   f"satisfy constraint: Member must satisfy regular expression pattern: "
                   f"{_NAME_PATTERN}")
        raise TargetError("Lambda.AWSLambdaException",
                          sdk_message(ServiceError("ValidationException", message), ""))
    return match["name"], match["q"]


def function_target(command: InvokeTask) -> tuple[str, str | None, Any]:
    """(function name, qualifier or None, event payload) for either resource form."""
    resource = classify(command.resource)
    if resource.family == LAMBDA:
        assert resource.function is not None
        return resource.function, resource.qualifier, command.payload
    if not _is_invoke(resource):
        raise ValueError(f"{command.resource} does not invoke a function")
    params = _parameters(command)
    name, qualifier = parse_function_name(params["FunctionName"])
    extra = params.get("Qualifier")
    if extra is not None and qualifier is not None and extra != qualifier:
        message = "The derived qualifier from the function name does not match the specified qualifier."
        raise TargetError("Lambda.InvalidParameterValueException",
                          sdk_message(ServiceError("InvalidParameterValueException", message), ""))
    return name, qualifier or extra, params.get("Payload", {})


def _parameters(command: InvokeTask) -> dict[str, Any]:
    params = command.payload
    if not isinstance(params, dict) or not isinstance(params.get("FunctionName"), str):
        raise TargetError("States.Runtime", f"An error occurred while executing the state "
                          f"'{command.state}': the field 'FunctionName' is required and must be "
                          f"a string")
    for key in ("Qualifier", "InvocationType", "LogType"):
        if key in params and not isinstance(params[key], str):
            raise TargetError("States.Runtime", f"An error occurred while executing the state "
                              f"'{command.state}': the field '{key}' must be a string")
    return params


def build_request(command: InvokeTask, request_id: str | None = None) -> InvocationRequest:
    """The invocation a Task command asks for. A callback task's TimeoutSeconds bounds the
    wait for the token, not the function run, so the function keeps its own timeout then."""
    name, qualifier, payload = function_target(command)
    resource = classify(command.resource)
    params = command.payload if _is_invoke(resource) else {}
    return InvocationRequest(
        name, payload, qualifier,
        invocation_type=params.get("InvocationType", REQUEST_RESPONSE),
        timeout_seconds=None if resource.callback else command.timeout_seconds,
        request_id=request_id or new_request_id(), log_type=params.get("LogType", "None"))


def task_outcome(command: InvokeTask, result: InvocationResult) -> TaskSucceeded | TaskFailed | None:
    """The interpreter event for ``result``; None means "parked, wait for the task token"."""
    resource = classify(command.resource)
    if result.service_error is not None:
        error = result.service_error
        return TaskFailed(command.task_id, f"Lambda.{error.error}",
                          sdk_message(error, result.request_id))
    if result.function_error is not None:
        if _past_state_timeout(command, resource, result):
            return TaskFailed(command.task_id, "States.Timeout", STATE_TIMEOUT_CAUSE,
                              timed_out=True)
        return _function_failure(command.task_id, result)
    if resource.callback:
        return None
    if resource.family == LAMBDA:
        return TaskSucceeded(command.task_id, result.payload)
    return TaskSucceeded(command.task_id, sdk_output(result))


def invoke_task(invoker: Invoker, command: InvokeTask,
                request_id: str | None = None) -> TaskSucceeded | TaskFailed | None:
    """Build the request, invoke, adapt: what a runner does for a function Task."""
    return invoke_function(invoker, command, request_id)[0]


def invoke_function(invoker: Invoker, command: InvokeTask, request_id: str | None = None,
                    ) -> tuple[TaskSucceeded | TaskFailed | None, InvocationResult | None]:
    """``invoke_task``'s outcome and the invocation's result (its log lines, request id);
    the result is None when the Task named no valid function, so nothing was invoked."""
    try:
        request = build_request(command, request_id)
    except TargetError as exc:
        return TaskFailed(command.task_id, exc.error, exc.cause), None
    result = invoker.invoke(request)
    return task_outcome(command, result), result


def _past_state_timeout(command: InvokeTask, resource: Resource,
                        result: InvocationResult) -> bool:
    """The function ran past the deadline ``build_request`` gave it, which is the state's
    TimeoutSeconds (an Invoker honours ``timeout_seconds`` as the function's deadline). Step
    Functions stops waiting at that point and fails the task with States.Timeout
    (LambdaFunctionTimedOut / TaskTimedOut), not with the function's own timeout error."""
    payload = result.payload
    return (command.timeout_seconds is not None and not resource.callback
            and isinstance(payload, dict) and payload.get("errorType") == FUNCTION_TIMEOUT)


def _function_failure(task_id: str, result: InvocationResult) -> TaskFailed:
    payload = result.payload
    text = result.payload_text if result.payload_text is not None else to_json(payload)
    kind = payload.get("errorType") if isinstance(payload, dict) else None
    if isinstance(kind, str) and kind:
        return TaskFailed(task_id, kind, text)
    return TaskFailed(task_id, "Lambda.Unknown", "The cause could not be determined because "
                      f"Lambda did not return an error type. Returned payload: {text}")


def sdk_message(error: ServiceError, request_id: str) -> str:
    """How the AWS Java SDK (and so Step Functions) renders a Lambda service exception."""
    return (f"{error.message} (Service: AWSLambda; Status Code: {error.status_code}; "
            f"Error Code: {error.error}; Request ID: {request_id}; Proxy: null)")


def sdk_output(result: InvocationResult) -> dict[str, Any]:
    """The ``lambda:invoke`` task result, shaped as Step Functions returns the SDK response."""
    synchronous = result.status_code == 200
    body = result.payload_text if result.payload_text is not None else (
        to_json(result.payload) if synchronous else "")
    headers = {"Connection": "keep-alive", "Content-Length": str(len(body.encode("utf-8"))),
               "Content-Type": "application/json",
               "Date": formatdate(result.finished_at, usegmt=True)}
    if result.executed_version and synchronous:
        headers["X-Amz-Executed-Version"] = result.executed_version
    if result.log_result:
        headers["X-Amz-Log-Result"] = result.log_result
    headers.update({"x-amzn-Remapped-Content-Length": "0", "x-amzn-RequestId": result.request_id})
    output: dict[str, Any] = {}
    if result.executed_version and synchronous:
        output["ExecutedVersion"] = result.executed_version
    if result.log_result:
        output["LogResult"] = result.log_result
    output["Payload"] = result.payload if synchronous else ""
    output["SdkHttpMetadata"] = {"AllHttpHeaders": {k: [v] for k, v in headers.items()},
                                 "HttpHeaders": headers, "HttpStatusCode": result.status_code}
    output["SdkResponseMetadata"] = {"RequestId": result.request_id}
    output["StatusCode"] = result.status_code
    return output

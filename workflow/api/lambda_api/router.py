"""Routing ``/2015-03-31/functions...`` requests to their operation by method and path, and
turning the functions service's refusals into Lambda's error responses."""
from __future__ import annotations

import json
import re
import uuid
from typing import Any, Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from workflow.api.lambda_api import invoke, operations as ops
from workflow.api.lambda_api.context import LambdaService
from workflow.api.lambda_api.errors import JSON, LambdaError, error_response

PREFIX = "/2015-03-31/"
_NAME = r"(?P<name>[^/]+)"
_ROUTES: list[tuple[str, re.Pattern[str], Callable[..., Any]]] = [
    ("POST", re.compile(r"^/2015-03-31/functions/?$"), ops.create_function),
    ("GET", re.compile(r"^/2015-03-31/functions/?$"), ops.list_functions),
    ("GET", re.compile(rf"^/2015-03-31/functions/{_NAME}/?$"), ops.get_function),
    ("DELETE", re.compile(rf"^/2015-03-31/functions/{_NAME}/?$"), ops.delete_function),
    ("PUT", re.compile(rf"^/2015-03-31/functions/{_NAME}/code$"), ops.update_code),
    ("PUT", re.compile(rf"^/2015-03-31/functions/{_NAME}/configuration$"), ops.update_config),
    ("GET", re.compile(rf"^/2015-03-31/functions/{_NAME}/configuration$"), ops.get_config),
    ("POST", re.compile(rf"^/2015-03-31/functions/{_NAME}/versions$"), ops.publish_version),
    ("GET", re.compile(rf"^/2015-03-31/functions/{_NAME}/versions$"), ops.list_versions),
    ("POST", re.compile(rf"^/2015-03-31/functions/{_NAME}/aliases$"), ops.create_alias),
    ("GET", re.compile(rf"^/2015-03-31/functions/{_NAME}/aliases$"), ops.list_aliases),
    ("GET", re.compile(rf"^/2015-03-31/functions/{_NAME}/aliases/(?P<alias>[^/]+)$"),
     ops.get_alias),
    ("PUT", re.compile(rf"^/2015-03-31/functions/{_NAME}/aliases/(?P<alias>[^/]+)$"),
     ops.update_alias),
    ("DELETE", re.compile(rf"^/2015-03-31/functions/{_NAME}/aliases/(?P<alias>[^/]+)$"),
     ops.delete_alias),
]
_INVOKE = re.compile(rf"^/2015-03-31/functions/{_NAME}/invocations$")


class LambdaRouter:
    # CreateFunction's ZipFile may be 50 MB zipped (base64 in JSON); Invoke's payload 6 MB.
    max_body_bytes = 70 * 1024 * 1024

    def __init__(self, service: LambdaService | None = None) -> None:
        self.service = service or LambdaService()

    def claims(self, request: Request) -> bool:
        return request.url.path.startswith(PREFIX)

    async def handle(self, api: Any, request: Request, body: bytes) -> Response:
        request_id = str(uuid.uuid4())
        try:
            return await self._dispatch(request, body, request_id)
        except LambdaError as exc:
            return error_response(exc.code, exc.message, exc.status, request_id)
        except Exception as exc:
            from workflow.functions.service import FunctionServiceError
            if not isinstance(exc, FunctionServiceError):
                raise
            return error_response(exc.error, exc.message, exc.status, request_id)

    async def _dispatch(self, request: Request, body: bytes, request_id: str) -> Response:
        path, method = request.url.path, request.method
        match = _INVOKE.match(path)
        if match and method == "POST":
            return await invoke.handle(self.service, request, match["name"], body, request_id)
        for verb, pattern, operation in _ROUTES:
            match = pattern.match(path)
            if match and verb == method:
                args = {"payload": parse_body(body), "query": dict(request.query_params),
                        **match.groupdict()}
                status, result = await run_in_threadpool(operation, self.service.registry,
                                                         **args)
                return _json(status, result, request_id)
        raise LambdaError("UnknownOperationException", f"Unknown operation {method} {path}",
                          404)


def parse_body(body: bytes) -> dict[str, Any]:
    if not body.strip():
        return {}
    try:
        payload = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise LambdaError("InvalidRequestContentException",
                          f"Could not parse request body into json: {exc}") from None
    if not isinstance(payload, dict):
        raise LambdaError("InvalidRequestContentException", "The request body is not an object")
    return payload


def _json(status: int, result: Any, request_id: str) -> Response:
    body = b"" if result is None else json.dumps(result, ensure_ascii=False).encode()
    return Response(body, status, media_type=JSON, headers={"x-amzn-RequestId": request_id})

"""The ASGI application: every request is size-checked, SigV4-verified, then handed to the
first router that claims it. Step Functions' JSON 1.0 protocol (``POST /`` with
``X-Amz-Target: AWSStepFunctions.<Action>``) is one router; Lambda's REST-JSON subset, claimed
by the path prefix ``/2015-03-31/``, is another (``lambda_api``, answering its own Responses).
Every failure is an AWS-shaped error response, never a bare 500."""
from __future__ import annotations

import json
import logging
import uuid
from typing import Any, Protocol

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from workflow.api import auth
from workflow.api.errors import ApiError
from workflow.api.service import Api

log = logging.getLogger("sfn.server")
JSON_10 = "application/x-amz-json-1.0"


class Router(Protocol):
    def claims(self, request: Request) -> bool: ...

    async def handle(self, api: Api, request: Request,
                     body: bytes) -> tuple[int, Any] | Response: ...


def _routers() -> list[Router]:
    from workflow.api.lambda_api import LambdaRouter
    from workflow.api.stepfunctions import StepFunctionsRouter
    return [StepFunctionsRouter(), LambdaRouter()]


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(limit: int) -> ApiError:
    return ApiError("RequestEntityTooLargeException",
                    f"Request size exceeded the limit of {limit} bytes")


def _signed(request: Request, body: bytes) -> auth.SignedRequest:
    raw_path = request.scope.get("raw_path") or request.url.path.encode()
    return auth.SignedRequest(request.method, raw_path.decode("latin-1"),
                              request.url.query, request.headers, body)


def create_app(api: Api, credentials: auth.Credentials) -> Starlette:
    routers = _routers()

    async def endpoint(request: Request) -> Response:
        request_id = str(uuid.uuid4())
        try:
            router = next((r for r in routers if r.claims(request)), None)
            limit = getattr(router, "max_body_bytes", None) or api.settings.max_body_bytes
            body = await _read_body(request, limit)
            auth.verify(_signed(request, body), credentials)
            if router is None:
                raise ApiError("UnknownOperationException")
            answer = await router.handle(api, request, body)
            if isinstance(answer, Response):          # a REST router shapes its own answer
                return answer
            status, result = answer
            payload = json.dumps(result, ensure_ascii=False).encode()
        except ApiError as exc:
            status, payload = exc.status, exc.payload()
        except Exception:            # a bug of ours: AWS's InternalFailure, logged here
            log.exception("request %s failed", request_id)
            failure = ApiError("InternalFailure", "An internal error occurred.")
            status, payload = failure.status, failure.payload()
        return Response(payload, status, media_type=JSON_10,
                        headers={"x-amzn-RequestId": request_id})

    from workflow.api.dashboard import routes as dashboard_routes
    service = next((r.service for r in routers if hasattr(r, "service")), None)
    app = Starlette(routes=[*dashboard_routes(api, credentials, service),  # /ui/: dashboard
                            Route("/{path:path}", endpoint, methods=[
                                "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"])])
    app.state.api = api
    return app

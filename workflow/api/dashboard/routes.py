"""The dashboard's starlette routes: pages (sign-in required, else a redirect to the sign-in
page), the JSON API (401 without a session; every POST also needs the CSRF checks of
``session``), the live stream and the static files."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Awaitable, Callable
from urllib.parse import parse_qs, quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from workflow.api.auth import Credentials
from workflow.api.dashboard import data, functions, live, pages, session
from visualizer.styles import STYLES, css

STATIC = Path(__file__).with_name("static")
MAX_FORM_BYTES = 4096
Endpoint = Callable[[Request], Awaitable[Response]]


def _safe_next(value: str | None) -> str:
    """Only a dashboard path: no other host, no scheme (an open redirect otherwise)."""
    if not value or not value.startswith("/ui/") or value.startswith("//") or "\\" in value:
        return "/ui/"
    return value


def _denied(status: int, message: str) -> Response:
    return data.reply({"__type": "AccessDeniedException", "message": message}, status)


def _page(creds: Credentials, name: str, keys: tuple[str, ...] = ()) -> Endpoint:
    async def endpoint(request: Request) -> Response:
        cookie = session.signed_in(request, creds)
        if cookie is None:
            target = request.url.path + ("?" + request.url.query if request.url.query else "")
            return RedirectResponse("/ui/login?next=" + quote(target, safe=""), 303)
        boot = {"csrf": session.csrf_token(creds, cookie), "page": name,
                "params": {k: request.query_params.get(k) for k in keys},
                "styles": STYLE_TABLE}
        return pages.page(name, boot)
    return endpoint


def _guarded(creds: Credentials, handler: Endpoint, post: bool = False) -> Endpoint:
    async def endpoint(request: Request) -> Response:
        cookie = session.signed_in(request, creds)
        if cookie is None:
            return _denied(401, "Sign in at /ui/login first.")
        if post and not session.csrf_ok(request, creds, cookie):
            return _denied(403, "Cross-site request refused (origin or CSRF token).")
        return await handler(request)
    return endpoint


def routes(api: Any, creds: Credentials, service: Any = None) -> list[BaseRoute]:
    """``service``: the Lambda API's ``LambdaService`` (the function store), shared."""
    if service is None:
        from workflow.api.lambda_api.context import LambdaService
        service = LambdaService()
    return [Route("/ui", lambda r: RedirectResponse("/ui/", 308)),
            Mount("/ui", routes=[
                Route("/", _page(creds, "machines")),
                Route("/machine", _page(creds, "machine", ("arn",))),
                Route("/executions", _page(creds, "executions")),
                Route("/execution", _page(creds, "execution", ("arn",))),
                Route("/functions", _page(creds, "functions")),
                Route("/function", _page(creds, "function", ("name",))),
                *_session_routes(creds), *_api_routes(api, creds),
                *_function_routes(service, creds),
                Route("/static/status.css", _status_css),
                Mount("/static", StaticFiles(directory=STATIC))])]


def _api_routes(api: Any, creds: Credentials) -> list[BaseRoute]:
    def guarded(handler: Endpoint, post: bool = False) -> Endpoint:
        return _guarded(creds, handler, post)

    async def executions(request: Request) -> Response:
        return await run_in_threadpool(data.executions, api, request.query_params)

    async def machine(request: Request) -> Response:
        return await run_in_threadpool(data.machine, api, _param(request, "arn"))

    async def execution(request: Request) -> Response:
        return await run_in_threadpool(data.execution, api, _param(request, "arn"))

    async def state(request: Request) -> Response:
        return await run_in_threadpool(data.state, api, _param(request, "arn"),
                                       _param(request, "name"))

    async def stream(request: Request) -> Response:
        after = _param(request, "after")
        return await live.stream(api, _param(request, "arn"), int(after) if after.isdigit() else 0)

    async def action(request: Request) -> Response:
        return await data.forward(api, request.path_params["name"], await request.body())

    return [Route("/api/executions", guarded(executions)),
            Route("/api/machine", guarded(machine)),
            Route("/api/execution", guarded(execution)),
            Route("/api/state", guarded(state)),
            Route("/api/live", guarded(stream)),
            Route("/api/action/{name}", guarded(action, post=True), methods=["POST"])]


def _function_routes(service: Any, creds: Credentials) -> list[BaseRoute]:
    async def listing(request: Request) -> Response:
        return await run_in_threadpool(functions.function_list, service)

    async def detail(request: Request) -> Response:
        return await run_in_threadpool(functions.function_detail, service,
                                       _param(request, "name"))

    return [Route("/api/functions", _guarded(creds, listing)),
            Route("/api/function", _guarded(creds, detail))]


def _param(request: Request, name: str) -> str:
    return request.query_params.get(name, "")


def _session_routes(creds: Credentials) -> list[BaseRoute]:
    async def login_page(request: Request) -> Response:
        return pages.login(_safe_next(request.query_params.get("next")))

    async def login(request: Request) -> Response:
        body = (await request.body())[:MAX_FORM_BYTES].decode("utf-8", "replace")
        form = {k: v[0] for k, v in parse_qs(body).items()}
        target = _safe_next(form.get("next"))
        if not session.same_origin(request) or \
                not session.check_secret(creds, form.get("secret", "")):
            return pages.login(target, failed=True)
        response = RedirectResponse(target, 303)
        response.set_cookie(session.COOKIE, session.issue(creds), session.SESSION_SECONDS,
                            path="/ui", httponly=True, samesite="strict")
        return response

    async def logout(request: Request) -> Response:
        response = RedirectResponse("/ui/login", 303)
        if session.same_origin(request):
            response.delete_cookie(session.COOKIE, path="/ui")
        return response

    return [Route("/login", login_page), Route("/login", login, methods=["POST"]),
            Route("/logout", logout, methods=["POST"])]


async def _status_css(request: Request) -> Response:
    return PlainTextResponse(STATUS_CSS, media_type="text/css",
                             headers={"Cache-Control": "no-cache"})


STATUS_CSS = css("sfn")
STYLE_TABLE = {status.value: {"icon": style.icon, "label": style.label}
               for status, style in STYLES.items()}

"""The dashboard's HTML: small shells whose only data is a JSON boot block; the page's script
(served from /ui/static, never inline) fetches the rest from the JSON API and inserts every
name and value as text. What the shells do carry is escaped here: ``html.escape`` for text
and attributes, and ``boot_json`` for the JSON inside ``<script>``."""
from __future__ import annotations

import html
import json
from typing import Any

from starlette.responses import HTMLResponse, Response

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
SECURITY_HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
                    "Referrer-Policy": "same-origin", "X-Frame-Options": "DENY",
                    "Cache-Control": "no-store"}
PAGES = {"machines": "State machines", "machine": "State machine",
         "executions": "Executions", "execution": "Execution",
         "functions": "Functions", "function": "Function"}
SCRIPTS = {"machines": ("machines.js",), "machine": ("machines.js",),
           "executions": ("executions.js",), "execution": ("panel.js", "execution.js"),
           "functions": ("functions.js",), "function": ("functions.js",)}
_NAV = (("/ui/", "State machines", ("machines", "machine")),
        ("/ui/executions", "Executions", ("executions", "execution")),
        ("/ui/functions", "Functions", ("functions", "function")))


def boot_json(data: Any) -> str:
    """JSON that is safe between ``<script>`` and ``</script>``: ``<``, ``>`` and ``&`` (so
    ``</script>`` and ``<!--``) and the JavaScript line separators become \\u escapes."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(raw, escaped)
    return text


def _head(title: str) -> str:
    return ('<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(title)} · sfn</title><link rel=\"icon\" href=\"data:,\">"
            '<link rel="stylesheet" href="/ui/static/status.css">'
            '<link rel="stylesheet" href="/ui/static/dashboard.css">')


def _nav(page: str) -> str:
    current = ' aria-current="page"'
    links = "".join(f'<a href="{href}"{current if page in pages else ""}>'
                    f"{html.escape(label)}</a>" for href, label, pages in _NAV)
    return ('<header class="top"><a class="brand" href="/ui/">sfn</a><nav>' + links +
            '</nav><form method="post" action="/ui/logout">'
            '<button class="link" type="submit">Sign out</button></form></header>')


def page(name: str, boot: dict[str, Any]) -> Response:
    """The shell of page ``name`` (a key of ``PAGES``)."""
    body = (_head(PAGES[name]) +
            f'<script type="application/json" id="sfn-boot">{boot_json(boot)}</script>'
            + "".join(f'<script src="/ui/static/{script}" defer></script>'
                      for script in ("common.js", *SCRIPTS[name]))
            + "</head><body>" + _nav(name) +
            f'<main id="app" data-page="{html.escape(name)}">'
            '<p class="loading">Loading…</p></main></body></html>')
    return HTMLResponse(body, headers=SECURITY_HEADERS)


def login(next_path: str, failed: bool = False) -> Response:
    message = ('<p class="error" role="alert">That is not this server\'s secret access '
               'key.</p>' if failed else "")
    body = (_head("Sign in") + '</head><body class="login"><main><h1>sfn dashboard</h1>'
            "<p>Sign in with this server's secret access key: the one <code>sfn server</code> "
            "printed at its first start, kept in <code>server-credentials.json</code> next to "
            "the store, or <code>SFN_SECRET_ACCESS_KEY</code>.</p>" + message +
            '<form method="post" action="/ui/login">'
            f'<input type="hidden" name="next" value="{html.escape(next_path, quote=True)}">'
            '<label>Secret access key <input type="password" name="secret" '
            'autocomplete="current-password" required autofocus></label>'
            '<button type="submit">Sign in</button></form></main></body></html>')
    return HTMLResponse(body, status_code=401 if failed else 200, headers=SECURITY_HEADERS)

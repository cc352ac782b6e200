"""Who may use the dashboard, and CSRF protection for its POSTs.

Browsers cannot SigV4-sign requests with a secret they must not hold, so the dashboard has
its own session: the operator signs in once at ``/ui/login`` with the server's secret access
key (the one printed at ``sfn server``'s first start and kept in ``server-credentials.json``,
or ``SFN_SECRET_ACCESS_KEY``). The session cookie is ``<issued>.<HMAC>``, keyed by that
secret: nothing is stored server-side, a restarted server accepts it, and a changed key
revokes every session. The cookie is HttpOnly and SameSite=Strict.

Every POST must also (1) come from this origin: an ``Origin`` header (or, without one,
``Sec-Fetch-Site: same-origin``) naming this host, and (2) carry ``X-CSRF-Token``, an HMAC of
the session that the page got in its boot data. Either alone stops cross-site forms; both
together also hold when one of the two is missing or spoofed by an old browser.
"""
from __future__ import annotations

import hashlib
import hmac
import time

from starlette.requests import Request

from workflow.api.auth import Credentials

COOKIE = "sfn_session"
SESSION_SECONDS = 12 * 3600
CSRF_HEADER = "x-csrf-token"


def _mac(creds: Credentials, purpose: str, value: str) -> str:
    key = hashlib.sha256(("sfn-dashboard|" + creds.secret_access_key).encode()).digest()
    message = f"{purpose}|{creds.access_key_id}|{value}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def issue(creds: Credentials, now: float | None = None) -> str:
    issued = str(int(now if now is not None else time.time()))
    return f"{issued}.{_mac(creds, 'session', issued)}"


def valid(creds: Credentials, cookie: str | None, now: float | None = None) -> bool:
    if not cookie or "." not in cookie:
        return False
    issued, mac = cookie.split(".", 1)
    if not issued.isdigit() or not hmac.compare_digest(mac, _mac(creds, "session", issued)):
        return False
    age = (now if now is not None else time.time()) - int(issued)
    return 0 <= age <= SESSION_SECONDS


def check_secret(creds: Credentials, submitted: str) -> bool:
    return hmac.compare_digest(submitted.strip().encode(), creds.secret_access_key.encode())


def csrf_token(creds: Credentials, cookie: str) -> str:
    return _mac(creds, "csrf", cookie)


def signed_in(request: Request, creds: Credentials) -> str | None:
    """The request's valid session cookie, or None."""
    cookie = request.cookies.get(COOKIE)
    return cookie if valid(creds, cookie) else None


def same_origin(request: Request) -> bool:
    """The request comes from a page of this server (the Origin header, else Fetch
    Metadata); a request with neither is refused."""
    origin = request.headers.get("origin")
    if origin is not None:
        return origin == f"{request.url.scheme}://{request.headers.get('host', '')}"
    return request.headers.get("sec-fetch-site") == "same-origin"


def csrf_ok(request: Request, creds: Credentials, cookie: str) -> bool:
    sent = request.headers.get(CSRF_HEADER, "")
    return same_origin(request) and hmac.compare_digest(sent, csrf_token(creds, cookie))

"""AWS Signature Version 4: which keys the server accepts, and checking a request's signature
the way AWS does (canonical request, string to sign, derived signing key), with AWS's errors.

Keys come from ``SFN_ACCESS_KEY_ID`` / ``SFN_SECRET_ACCESS_KEY``; without them a key pair is
generated once and kept (mode 0600) in ``server-credentials.json`` next to the store, so a
restarted server accepts the same clients."""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
import string
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Mapping
from urllib.parse import parse_qsl, quote

from workflow.api.errors import ApiError

ALGORITHM = "AWS4-HMAC-SHA256"
MAX_SKEW = timedelta(minutes=15)
CREDENTIALS_FILE = "server-credentials.json"
_AUTH = re.compile(r"^AWS4-HMAC-SHA256\s+Credential=(?P<credential>[^,\s]+),\s*"
                   r"SignedHeaders=(?P<signed>[^,\s]+),\s*Signature=(?P<signature>[0-9a-f]{64})$")
_SPACES = re.compile(r"\s+")
SIGNATURE_MISMATCH = (
    "The request signature we calculated does not match the signature you provided. Check "
    "your AWS Secret Access Key and signing method. Consult the service documentation for "
    "details.")


@dataclass(frozen=True)
class Credentials:
    access_key_id: str
    secret_access_key: str
    generated: bool = False


def load_credentials(directory: Path, env: Mapping[str, str] | None = None) -> Credentials:
    """The environment's keys, else the kept ones, else new ones (written to ``directory``)."""
    env = os.environ if env is None else env
    key, secret = env.get("SFN_ACCESS_KEY_ID"), env.get("SFN_SECRET_ACCESS_KEY")
    if key and secret:
        return Credentials(key, secret)
    path = directory / CREDENTIALS_FILE
    if path.exists():
        data = json.loads(path.read_text())
        return Credentials(data["accessKeyId"], data["secretAccessKey"])
    alphabet = string.ascii_uppercase + string.digits
    creds = Credentials("AKSF" + "".join(secrets.choice(alphabet) for _ in range(16)),
                        secrets.token_urlsafe(30)[:40], generated=True)
    directory.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as out:
        json.dump({"accessKeyId": creds.access_key_id,
                   "secretAccessKey": creds.secret_access_key}, out)
    return creds


@dataclass(frozen=True)
class SignedRequest:
    method: str
    path: str                           # as sent (still percent-encoded)
    query: str
    headers: Mapping[str, str]          # lower-case names
    body: bytes


def verify(request: SignedRequest, creds: Credentials,
           now: datetime | None = None) -> None:
    """Raise AWS's error unless ``request`` carries a valid SigV4 signature by ``creds``."""
    header = request.headers.get("authorization")
    if not header:
        raise ApiError("MissingAuthenticationTokenException", "Missing Authentication Token")
    match = _AUTH.match(header.strip())
    if not match:
        raise ApiError("IncompleteSignatureException",
                       f"Authorization header requires 'Credential', 'SignedHeaders' and "
                       f"'Signature' parameters (hashed with {ALGORITHM}). "
                       f"Authorization={header[:64]}")
    parts = match["credential"].split("/")
    if len(parts) != 5 or parts[4] != "aws4_request":
        raise ApiError("IncompleteSignatureException",
                       f"Credential should be scoped correctly: {match['credential']}")
    if parts[0] != creds.access_key_id:
        raise ApiError("UnrecognizedClientException",
                       "The security token included in the request is invalid.")
    amz_date = _request_time(request.headers, parts[1], now or datetime.now(timezone.utc))
    signed = match["signed"].split(";")
    canonical = canonical_request(request, signed)
    scope = "/".join(parts[1:])
    to_sign = "\n".join([ALGORITHM, amz_date, scope,
                         hashlib.sha256(canonical.encode()).hexdigest()])
    key = signing_key(creds.secret_access_key, parts[1], parts[2], parts[3])
    expected = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, match["signature"]):
        raise ApiError("InvalidSignatureException", SIGNATURE_MISMATCH)


def _request_time(headers: Mapping[str, str], day: str, now: datetime) -> str:
    amz_date = headers.get("x-amz-date", "")
    try:
        when = datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
    except ValueError:
        raise ApiError("IncompleteSignatureException",
                       "Authorization header requires existence of either a 'X-Amz-Date' or "
                       "a 'Date' header.") from None
    if not amz_date.startswith(day):
        raise ApiError("InvalidSignatureException",
                       f"Date in Credential scope does not match YYYYMMDD from ISO-8601 "
                       f"version of date from HTTP: '{day}' != '{amz_date[:8]}', from "
                       f"ISO-8601 string: '{amz_date}'.")
    if abs(now - when) > MAX_SKEW:
        stamp = now.strftime("%Y%m%dT%H%M%SZ")
        edge = (now - MAX_SKEW if when < now else now + MAX_SKEW).strftime("%Y%m%dT%H%M%SZ")
        relation = "earlier" if when < now else "later"
        sign = "-" if when < now else "+"
        raise ApiError("InvalidSignatureException",
                       f"Signature expired: {amz_date} is now {relation} than {edge} "
                       f"({stamp} {sign} 15 min.)")
    return amz_date


def canonical_request(request: SignedRequest, signed: list[str]) -> str:
    headers = "".join(f"{name}:{_SPACES.sub(' ', request.headers.get(name, '').strip())}\n"
                      for name in signed)
    payload = request.headers.get("x-amz-content-sha256") or \
        hashlib.sha256(request.body).hexdigest()
    return "\n".join([request.method, _canonical_path(request.path),
                      _canonical_query(request.query), headers, ";".join(signed), payload])


def _canonical_path(path: str) -> str:
    return quote(path or "/", safe="/~")


def _canonical_query(query: str) -> str:
    pairs = sorted((quote(k, safe="-_.~"), quote(v, safe="-_.~"))
                   for k, v in parse_qsl(query, keep_blank_values=True))
    return "&".join(f"{k}={v}" for k, v in pairs)


def signing_key(secret: str, day: str, region: str, service: str) -> bytes:
    key = ("AWS4" + secret).encode()
    for part in (day, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key

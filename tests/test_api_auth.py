"""SigV4 verification (workflow/api/auth.py) against requests signed by botocore itself."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials as BotoCredentials

from workflow.api.auth import Credentials, SignedRequest, load_credentials, verify
from workflow.api.errors import ApiError

CREDS = Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")


def _signed(url: str = "http://127.0.0.1:8083/", body: bytes = b'{"a": 1}',
            secret: str = CREDS.secret_access_key) -> SignedRequest:
    request = AWSRequest("POST", url, data=body, headers={
        "X-Amz-Target": "AWSStepFunctions.ListStateMachines",
        "Content-Type": "application/x-amz-json-1.0"})
    request.headers["Host"] = "127.0.0.1:8083"
    SigV4Auth(BotoCredentials(CREDS.access_key_id, secret), "states",
              "us-east-1").add_auth(request)
    path, _, query = url.split("8083", 1)[1].partition("?")
    headers = {k.lower(): v for k, v in request.headers.items()}
    return SignedRequest("POST", path, query, headers, body)


def test_botocore_signatures_verify() -> None:
    verify(_signed(), CREDS)
    verify(_signed("http://127.0.0.1:8083/2015-03-31/functions/f%3A1/invocations?b=2&a=1"),
           CREDS)


def test_bad_signatures_get_aws_errors() -> None:
    with pytest.raises(ApiError) as exc:
        verify(_signed(secret="wrong"), CREDS)
    assert exc.value.code == "InvalidSignatureException"
    tampered = _signed()
    with pytest.raises(ApiError) as exc:
        verify(SignedRequest("POST", "/", "", tampered.headers, b'{"a": 2}'), CREDS)
    assert exc.value.code == "InvalidSignatureException"
    later = datetime.now(timezone.utc) + timedelta(minutes=20)
    with pytest.raises(ApiError) as exc:
        verify(_signed(), CREDS, now=later)
    assert exc.value.code == "InvalidSignatureException"
    assert exc.value.message.startswith("Signature expired: ")
    with pytest.raises(ApiError) as exc:
        verify(SignedRequest("POST", "/", "", {}, b""), CREDS)
    assert exc.value.code == "MissingAuthenticationTokenException"
    with pytest.raises(ApiError) as exc:
        verify(SignedRequest("POST", "/", "", {"authorization": "AWS4-HMAC-SHA256 x"}, b""),
               CREDS)
    assert exc.value.code == "IncompleteSignatureException"


def test_generated_credentials_are_kept(tmp_path: Path) -> None:
    first = load_credentials(tmp_path, env={})
    assert first.generated
    again = load_credentials(tmp_path, env={})
    assert (again.access_key_id, again.secret_access_key, again.generated) == \
        (first.access_key_id, first.secret_access_key, False)
    assert (tmp_path / "server-credentials.json").stat().st_mode & 0o077 == 0
    env = {"SFN_ACCESS_KEY_ID": "K", "SFN_SECRET_ACCESS_KEY": "S"}
    assert load_credentials(tmp_path, env=env).access_key_id == "K"

"""Shared pieces of the Step Functions handlers: the action registry, ARNs, names, JSON
payload fields, and offset pagination for listings the store returns whole."""
from __future__ import annotations

import base64
import binascii
import json
import re
import time
from typing import Any, Callable, Sequence, TypeVar

from workflow.api.errors import ApiError, invalid_name, invalid_token, missing_machine
from workflow.runner import ACCOUNT, REGION

Handler = Callable[[Any, dict[str, Any]], Any]
ACTIONS: dict[str, Handler] = {}
PREFIX = f"arn:aws:states:{REGION}:{ACCOUNT}:"
DEFAULT_PAGE = 100
T = TypeVar("T")

# Names: 1-80 characters without whitespace, brackets, wildcards, special characters or
# control characters (asl-inventory §15.3).
_BAD_NAME = re.compile(r"[\s<>{}\[\]?*\"#%\\^|~`$&,;:/\x00-\x1f\x7f-\x9f\ufffe\uffff"
                       r"\ud800-\udfff]")


def action(name: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        ACTIONS[name] = handler
        return handler
    return register


def now() -> float:
    return round(time.time(), 3)


def check_name(name: str) -> str:
    if not 1 <= len(name) <= 80 or _BAD_NAME.search(name):
        raise invalid_name(name)
    return name


def machine_arn(name: str) -> str:
    return f"{PREFIX}stateMachine:{name}"


def activity_arn(name: str) -> str:
    return f"{PREFIX}activity:{name}"


def check_arn(arn: str, kind: str) -> list[str]:
    """The parts after ``<kind>:`` of one of our ARNs; InvalidArn otherwise."""
    parts = arn.split(":")
    if len(parts) < 7 or parts[:3] != ["arn", "aws", "states"] or parts[5] != kind:
        raise ApiError("InvalidArn", f"Invalid Arn: 'Resource type not valid in this "
                                     f"context: {parts[5] if len(parts) > 5 else ''}'"
                       if len(parts) > 5 and parts[:3] == ["arn", "aws", "states"]
                       else f"Invalid Arn: '{arn}'")
    return parts[6:]


def get_machine(api: Any, arn: str, kinds: tuple[str, ...] = ("machine",)) -> Any:
    """The stored record of a state machine ARN (or, with ``kinds``, a version or alias);
    StateMachineDoesNotExist otherwise."""
    check_arn(arn, "stateMachine")
    record = api.store.get_state_machine(arn)
    if record is None or record.kind not in kinds:
        raise missing_machine(arn)
    return record


def json_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def parse_json_field(text: str | None, code: str, what: str, default: str = "{}") -> Any:
    """A JSON text request member (input, output); ``code`` names AWS's error for bad JSON."""
    try:
        return json.loads(default if text is None else text)
    except json.JSONDecodeError as exc:
        raise ApiError(code, f"Invalid {what}: '{exc.msg} at line {exc.lineno} column "
                             f"{exc.colno}'") from None


def page_size(body: dict[str, Any]) -> int:
    return body.get("maxResults") or DEFAULT_PAGE


def encode_token(position: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(position).encode()).decode()


def decode_token(token: str | None) -> Any:
    if token is None:
        return None
    try:
        return json.loads(base64.urlsafe_b64decode(token.encode()))
    except (ValueError, binascii.Error):
        raise invalid_token(token) from None


def paginate(items: Sequence[T], body: dict[str, Any]) -> tuple[Sequence[T], str | None]:
    """One page of ``items`` (already in listing order) and the token of the next."""
    token = body.get("nextToken")
    start = decode_token(token) if token else 0
    if not isinstance(start, int) or start < 0:
        raise invalid_token(token or "")
    end = start + page_size(body)
    return items[start:end], encode_token(end) if end < len(items) else None


def page(body: dict[str, Any], key: str, items: list[Any], token: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {key: items}
    if token:
        out["nextToken"] = token
    return out

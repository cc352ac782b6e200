"""Which configuration an Invoke runs, resolved as Lambda resolves it.

FunctionName may be a name, ``name:qualifier``, a partial ARN ``ACCOUNT:function:name[:q]`` or
a full ARN; a Qualifier may also be given separately (it must then agree with the one in the
name). No qualifier means ``$LATEST``; a number is that published version; anything else is an
alias, whose RoutingConfig sends ``weight`` of the traffic to its additional version.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import Callable

from workflow.functions.context import function_arn
from workflow.functions.service.errors import invalid, not_found
from workflow.functions.service.records import LATEST, FunctionConfig
from workflow.functions.service.store import FunctionStore

_FUNCTION = re.compile(
    r"^(?:arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:\d{12}:function:|\d{12}:function:)?"
    r"(?P<name>[A-Za-z0-9_-]{1,64})(?::(?P<q>\$LATEST|[A-Za-z0-9_-]{1,128}))?$")


@dataclass(frozen=True)
class Resolved:
    config: FunctionConfig            # what runs
    executed_version: str             # $LATEST or the version number
    invoked_arn: str                  # the ARN as the caller named it (qualifier included)
    reserved_concurrency: int | None  # function-level, from $LATEST


def split_name(text: str) -> tuple[str, str | None]:
    match = _FUNCTION.match(text or "")
    if not match:
        raise invalid(f"1 validation error detected: Value '{text}' at 'functionName' failed "
                      f"to satisfy constraint: Member must satisfy regular expression pattern")
    return match["name"], match["q"]


def qualify(function_name: str, qualifier: str | None) -> tuple[str, str | None]:
    name, named = split_name(function_name)
    if named is not None and qualifier is not None and named != qualifier:
        raise invalid("The derived qualifier from the function name does not match the "
                      "specified qualifier.")
    return name, named or qualifier


def resolve(store: FunctionStore, function_name: str, qualifier: str | None = None,
            rand: Callable[[], float] = random.random) -> Resolved:
    name, qualifier = qualify(function_name, qualifier)
    invoked = function_arn(name, qualifier)
    version = qualifier or LATEST
    if version != LATEST and not version.isdigit():
        version = _route(store, name, version, rand)
    found = store.configs(name, (version, LATEST))
    config, latest = found.get(version), found.get(LATEST)
    if config is None or latest is None:
        raise not_found(f"Function not found: {function_arn(name, qualifier)}")
    return Resolved(config, version, invoked, latest.reserved_concurrency)


def _route(store: FunctionStore, name: str, alias_name: str, rand: Callable[[], float]) -> str:
    alias = store.alias(name, alias_name)
    if alias is None:
        raise not_found(f"Function not found: {function_arn(name, alias_name)}")
    for version, weight in alias.weights.items():
        if rand() < weight:
            return version
    return alias.function_version

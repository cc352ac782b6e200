"""Versions and aliases (lambda-xray.md §1 "Versions / aliases / ARNs").

``publish`` freezes $LATEST's code and configuration as the next number (1, 2, ...; never
reused); publishing an unchanged $LATEST returns the newest version instead of a new one. An
alias points at one published version and may send a weight (0-1) of its traffic to one other
published version (RoutingConfig.AdditionalVersionWeights).
"""
from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Mapping

from workflow.functions.service import records as r
from workflow.functions.service.errors import conflict, invalid, not_found, precondition
from workflow.functions.service.records import LATEST, AliasRecord, FunctionConfig
from workflow.functions.service.registry import CAS_TRIES, Registry, _arn


def publish(registry: Registry, name: str, description: str | None = None,
            code_sha256: str | None = None, revision_id: str | None = None) -> FunctionConfig:
    for _ in range(CAS_TRIES):
        configs = registry.store.versions(name)
        if not configs or configs[0].version != LATEST:
            raise not_found(f"Function not found: {_arn(name)}")
        latest, published = configs[0], configs[1:]
        _preconditions(latest, code_sha256, revision_id)
        newest = max(published, key=lambda c: int(c.version), default=None)
        if newest is not None and newest.frozen_equal(latest) and description is None:
            return newest
        number = str(registry.store.next_version(name))
        version = replace(latest, version=number, reserved_concurrency=None,
                          description=latest.description if description is None else description,
                          last_modified=r.now_iso(), revision_id=str(uuid.uuid4()))
        if registry.store.add_version(version):
            return version
    raise conflict(f"Versions of {name} are being published too often; try again")


def _preconditions(latest: FunctionConfig, code_sha256: str | None,
                   revision_id: str | None) -> None:
    if code_sha256 is not None and code_sha256 != latest.code_sha256:
        raise invalid(f"CodeSHA256 ({code_sha256}) is different from current CodeSHA256 in "
                      f"$LATEST ({latest.code_sha256}). Please try again with the CodeSHA256 "
                      f"in $LATEST.")
    if revision_id is not None and revision_id != latest.revision_id:
        raise precondition("The RevisionId provided does not match the latest RevisionId of "
                           "$LATEST.")


def versions(registry: Registry, name: str) -> list[FunctionConfig]:
    found = registry.store.versions(name)
    if not found:
        raise not_found(f"Function not found: {_arn(name)}")
    return found


def _check_alias(registry: Registry, alias: AliasRecord) -> None:
    if not r.ALIAS.match(alias.name) or alias.name == LATEST:
        raise invalid(f"alias name {alias.name!r} must be 1-128 letters, digits, '-' or '_' "
                      f"and not a number")
    if len(alias.weights) > 1:
        raise invalid("an alias routes to at most two versions (one additional version)")
    wanted = (alias.function_version, *alias.weights)
    for version in wanted:
        if version == LATEST and alias.weights:
            raise invalid("an alias with a routing configuration cannot point to $LATEST")
        if version != LATEST and not version.isdigit():
            raise invalid(f"alias version {version!r} must be a published version number")
    for version, weight in alias.weights.items():
        if version == alias.function_version:
            raise invalid("the additional version must differ from the alias's main version")
        if not isinstance(weight, (int, float)) or not 0.0 <= weight <= 1.0:
            raise invalid(f"weight {weight!r} of version {version} must be between 0.0 and 1.0")
    present = registry.store.configs(alias.function, tuple(dict.fromkeys(wanted)))
    for version in wanted:
        if version not in present:
            raise not_found(f"Function not found: {_arn(alias.function, version)}")


def create_alias(registry: Registry, name: str, alias: str, version: str,
                 weights: Mapping[str, float] | None = None, description: str = "") -> AliasRecord:
    registry.latest(name)
    record = AliasRecord(name, alias, version, dict(weights or {}), description,
                         str(uuid.uuid4()))
    _check_alias(registry, record)
    if not registry.store.put_alias(record, create=True):
        raise conflict(f"Alias already exists: {_arn(name, alias)}")
    return record


def update_alias(registry: Registry, name: str, alias: str, version: str | None = None,
                 weights: Mapping[str, float] | None = None, description: str | None = None,
                 revision_id: str | None = None) -> AliasRecord:
    current = get_alias(registry, name, alias)
    if revision_id is not None and revision_id != current.revision_id:
        raise precondition("The RevisionId provided does not match the latest RevisionId of "
                           "the alias.")
    record = AliasRecord(name, alias, version or current.function_version,
                         dict(current.weights if weights is None else weights),
                         current.description if description is None else description,
                         str(uuid.uuid4()))
    _check_alias(registry, record)
    if not registry.store.put_alias(record, create=False):
        raise not_found(f"Alias not found: {_arn(name, alias)}")
    return record


def get_alias(registry: Registry, name: str, alias: str) -> AliasRecord:
    found = registry.store.alias(name, alias)
    if found is None:
        raise not_found(f"Alias not found: {_arn(name, alias)}")
    return found


def delete_alias(registry: Registry, name: str, alias: str) -> None:
    if not registry.store.delete_alias(name, alias):
        raise not_found(f"Alias not found: {_arn(name, alias)}")

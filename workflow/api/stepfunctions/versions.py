"""Versions and aliases (asl-inventory §13.5): PublishStateMachineVersion,
ListStateMachineVersions, DeleteStateMachineVersion, CreateStateMachineAlias and
Describe/Update/Delete/List, and which definition a StartExecution ARN runs.

A version is a store record of kind ``version`` (``<machine ARN>:<n>``, the definition as
published); an alias is one of kind ``alias`` whose ``definition`` holds its routing
configuration and update date as JSON."""
from __future__ import annotations

import json
import random
import re
from dataclasses import replace
from typing import Any

from workflow.api.errors import ApiError, missing_machine, not_found, validation
from workflow.api.stepfunctions.common import action, get_machine, now, page, paginate
from workflow.store import StateMachineRecord

MAX_VERSIONS, MAX_ALIASES = 1000, 100
_ALIAS_NAME = re.compile(r"^(?=.*[a-zA-Z_\-.])[a-zA-Z0-9_\-.]{1,80}$")
ROUTING = "INVALID_ROUTING_CONFIGURATION"


def _versions(api: Any, machine_arn: str) -> list[StateMachineRecord]:
    return sorted(api.store.list_state_machines(kind="version", parent_arn=machine_arn),
                  key=lambda r: int(r.arn.rsplit(":", 1)[1]))


def publish(api: Any, machine: StateMachineRecord, description: str | None) -> str:
    """Publish the machine's current revision (idempotent per revision); returns its ARN."""
    versions = _versions(api, machine.arn)
    latest = versions[-1] if versions else None
    if latest is not None and latest.revision_id == (machine.revision_id or "INITIAL"):
        if description is not None and description != latest.description:
            raise ApiError("ConflictException",
                           "Failed to publish the State Machine version: a version with the "
                           "same revision and a different description exists")
        return latest.arn
    if len(versions) >= MAX_VERSIONS:
        raise ApiError("ServiceQuotaExceededException",
                       f"Cannot publish more than {MAX_VERSIONS} versions")
    number = int(latest.arn.rsplit(":", 1)[1]) + 1 if latest else 1
    version = replace(machine, arn=f"{machine.arn}:{number}", kind="version",
                      parent_arn=machine.arn, creation_date=now(), tags={},
                      description=description or "",
                      revision_id=machine.revision_id or "INITIAL")
    api.store.put_state_machine(version)
    return version.arn


@action("PublishStateMachineVersion")
def publish_state_machine_version(api: Any, body: dict[str, Any]) -> dict[str, Any]:
    with api.lock:
        machine = get_machine(api, body["stateMachineArn"])
        expected = body.get("revisionId")
        if expected is not None and expected != (machine.revision_id or "INITIAL"):
            raise ApiError("ConflictException",
                           f"Failed to publish the State Machine version for revision "
                           f"{expected}. The current State Machine revision is "
                           f"{machine.revision_id or 'INITIAL'}.")
        arn = publish(api, machine, body.get("description"))
        return {"stateMachineVersionArn": arn,
                "creationDate": api.store.get_state_machine(arn).creation_date}


@action("ListStateMachineVersions")
def list_state_machine_versions(api: Any, body: dict[str, Any]) -> dict[str, Any]:
    machine = get_machine(api, body["stateMachineArn"])
    items, token = paginate(_versions(api, machine.arn)[::-1], body)
    return page(body, "stateMachineVersions", [
        {"stateMachineVersionArn": r.arn, "creationDate": r.creation_date} for r in items], token)


@action("DeleteStateMachineVersion")
def delete_state_machine_version(api: Any, body: dict[str, Any]) -> dict[str, Any]:
    arn = body["stateMachineVersionArn"]
    with api.lock:
        record = api.store.get_state_machine(arn)
        if record is None or record.kind != "version":
            return {}
        for alias in api.store.list_state_machines(kind="alias", parent_arn=record.parent_arn):
            if any(r["stateMachineVersionArn"] == arn for r in _alias_data(alias)["routing"]):
                raise ApiError("ConflictException",
                               f"Version to be deleted must not be referenced by an alias. "
                               f"Current list of aliases referencing this version: "
                               f"[{alias.arn}]")
        api.store.delete_state_machine(arn)
    return {}


# ---- aliases -------------------------------------------------------------------------------


def _alias_data(record: StateMachineRecord) -> dict[str, Any]:
    return json.loads(record.definition)


def _check_routing(api: Any, machine_arn: str | None, routing: list[dict[str, Any]]) -> str:
    """The machine ARN all routed versions belong to; ValidationException/ResourceNotFound."""
    if sum(r["weight"] for r in routing) != 100:
        raise validation("Sum of routing configuration weights must be equal to 100.", ROUTING)
    arns = [r["stateMachineVersionArn"] for r in routing]
    if len(set(arns)) != len(arns):
        raise validation("Routing configuration must contain distinct version ARNs.", ROUTING)
    parents = set()
    for arn in arns:
        record = api.store.get_state_machine(arn)
        if record is None or record.kind != "version":
            raise not_found(arn)
        parents.add(record.parent_arn)
    if len(parents) != 1 or (machine_arn and parents != {machine_arn}):
        raise validation("Routing configuration versions must belong to the same state "
                         "machine.", ROUTING)
    return parents.pop()


def _get_alias(api: Any, arn: str) -> StateMachineRecord:
    record = api.store.get_state_machine(arn)
    if record is None or record.kind != "alias":
        raise not_found(arn)
    return record


@action("CreateStateMachineAlias")
def create_state_machine_alias(api: Any, body: dict[str, Any]) -> dict[str, Any]:
    name = body["name"]
    if not _ALIAS_NAME.match(name):
        raise ApiError("InvalidName", f"Invalid Name: '{name}'")
    with api.lock:
        parent = _check_routing(api, None, body["routingConfiguration"])
        arn = f"{parent}:{name}"
        data = {"routing": body["routingConfiguration"], "updateDate": now()}
        existing = api.store.get_state_machine(arn)
        if existing is not None:
            old = _alias_data(existing)
            if old["routing"] != data["routing"] or \
                    existing.description != body.get("description", ""):
                raise ApiError("ConflictException", f"Alias already exists: '{arn}'")
            return {"stateMachineAliasArn": arn, "creationDate": existing.creation_date}
        if len(api.store.list_state_machines(kind="alias", parent_arn=parent)) >= MAX_ALIASES:
            raise ApiError("ServiceQuotaExceededException",
                           f"Cannot create more than {MAX_ALIASES} aliases")
        record = StateMachineRecord(arn, name, json.dumps(data), creation_date=data["updateDate"],
                                    description=body.get("description", ""), kind="alias",
                                    parent_arn=parent)
        api.store.put_state_machine(record)
    return {"stateMachineAliasArn": arn, "creationDate": record.creation_date}


@action("DescribeStateMachineAlias")
def describe_state_machine_alias(api: Any, body: dict[str, Any]) -> dict[str, Any]:
    record = _get_alias(api, body["stateMachineAliasArn"])
    data = _alias_data(record)
    out = {"stateMachineAliasArn": record.arn, "name": record.name,
           "routingConfiguration": data["routing"], "creationDate": record.creation_date,
           "updateDate": data["updateDate"]}
    if record.description:
        out["description"] = record.description
    return out


@action("UpdateStateMachineAlias")
def update_state_machine_alias(api: Any, body: dict[str, Any]) -> dict[str, Any]:
    if body.get("description") is None and body.get("routingConfiguration") is None:
        raise validation("Either the description or the routing configuration must be "
                         "specified", "MISSING_REQUIRED_PARAMETER")
    with api.lock:
        record = _get_alias(api, body["stateMachineAliasArn"])
        data = _alias_data(record)
        if body.get("routingConfiguration") is not None:
            _check_routing(api, record.parent_arn, body["routingConfiguration"])
            data["routing"] = body["routingConfiguration"]
        data["updateDate"] = now()
        description = body.get("description")
        api.store.put_state_machine(replace(
            record, definition=json.dumps(data),
            description=record.description if description is None else description))
    return {"updateDate": data["updateDate"]}


@action("DeleteStateMachineAlias")
def delete_state_machine_alias(api: Any, body: dict[str, Any]) -> dict[str, Any]:
    with api.lock:
        record = _get_alias(api, body["stateMachineAliasArn"])
        api.store.delete_state_machine(record.arn)
    return {}


@action("ListStateMachineAliases")
def list_state_machine_aliases(api: Any, body: dict[str, Any]) -> dict[str, Any]:
    machine = get_machine(api, body["stateMachineArn"])
    aliases = api.store.list_state_machines(kind="alias", parent_arn=machine.arn)
    items, token = paginate(aliases, body)
    return page(body, "stateMachineAliases", [
        {"stateMachineAliasArn": r.arn, "creationDate": r.creation_date} for r in items], token)


def resolve_target(api: Any, arn: str) -> tuple[StateMachineRecord, StateMachineRecord,
                                                 str | None]:
    """For a StartExecution ARN: (the machine, the record whose definition runs, alias ARN).
    An alias routes to one of its versions at random by weight."""
    record = get_machine(api, arn, ("machine", "version", "alias"))
    if record.kind == "machine":
        return record, record, None
    alias = record.arn if record.kind == "alias" else None
    if alias is not None:
        routing = _alias_data(record)["routing"]
        chosen = random.choices([r["stateMachineVersionArn"] for r in routing],
                                weights=[r["weight"] for r in routing])[0]
        record = api.store.get_state_machine(chosen)
        if record is None:
            raise missing_machine(chosen)
    machine = api.store.get_state_machine(record.parent_arn)
    if machine is None:
        raise missing_machine(record.parent_arn)
    return machine, record, alias

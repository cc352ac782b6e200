"""CreateStateMachine, DescribeStateMachine, UpdateStateMachine, DeleteStateMachine,
ListStateMachines, ValidateStateMachineDefinition."""
from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any

from workflow.api.errors import ApiError, invalid_arn, validation
from workflow.api.stepfunctions import definitions
from workflow.api.stepfunctions.common import (action, check_arn, check_name, get_machine,
                                               machine_arn, now, page, paginate)
from workflow.api.stepfunctions.tags import tag_dict
from workflow.diagnostics import aws_result
from workflow.store import StateMachineRecord

DEFAULT_LOGGING = {"level": "OFF", "includeExecutionData": False}
DEFAULT_TRACING = {"enabled": False}


def _check_role(arn: str) -> None:
    parts = arn.split(":")
    if len(parts) < 6 or parts[0] != "arn" or parts[2] != "iam":
        raise invalid_arn(arn)


def _check_publish(body: dict[str, Any]) -> None:
    if body.get("versionDescription") is not None and not body.get("publish"):
        raise validation("Version description can only be set when publish is true")


def _same_config(record: StateMachineRecord, body: dict[str, Any]) -> bool:
    return (record.definition == body["definition"] and record.role_arn == body["roleArn"]
            and record.type == body.get("type", "STANDARD")
            and record.logging_configuration == body.get("loggingConfiguration", DEFAULT_LOGGING)
            and record.tracing_configuration == body.get("tracingConfiguration", DEFAULT_TRACING))


@action("CreateStateMachine")
def create_state_machine(api: Any, body: dict[str, Any]) -> dict[str, Any]:
    name = check_name(body["name"])
    api.compiled(body["definition"])                      # InvalidDefinition
    _check_role(body["roleArn"])
    _check_publish(body)
    arn = machine_arn(name)
    with api.lock:
        record = api.store.get_state_machine(arn)
        if record is not None and not _same_config(record, body):
            raise ApiError("StateMachineAlreadyExists", f"State Machine Already Exists: '{arn}'")
        if record is None:
            record = StateMachineRecord(
                arn, name, body["definition"], body.get("type", "STANDARD"), body["roleArn"],
                now(), tags=tag_dict(body.get("tags", []), arn),
                logging_configuration=body.get("loggingConfiguration", DEFAULT_LOGGING),
                tracing_configuration=body.get("tracingConfiguration", DEFAULT_TRACING))
            api.store.put_state_machine(record)
        out: dict[str, Any] = {"stateMachineArn": arn, "creationDate": record.creation_date}
        if body.get("publish"):
            from workflow.api.stepfunctions.versions import publish
            out["stateMachineVersionArn"] = publish(api, record, body.get("versionDescription"))
    return out


def describe_shape(record: StateMachineRecord, name: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "stateMachineArn": record.arn, "name": name or record.name, "status": record.status,
        "definition": record.definition, "roleArn": record.role_arn, "type": record.type,
        "creationDate": record.creation_date,
        "loggingConfiguration": record.logging_configuration or DEFAULT_LOGGING,
        "tracingConfiguration": record.tracing_configuration or DEFAULT_TRACING}
    if record.revision_id:
        out["revisionId"] = record.revision_id
    if record.description:
        out["description"] = record.description
    return out


@action("DescribeStateMachine")
def describe_state_machine(api: Any, body: dict[str, Any]) -> dict[str, Any]:
    record = get_machine(api, body["stateMachineArn"], ("machine", "version"))
    if record.kind == "version":
        parent = api.store.get_state_machine(record.parent_arn)
        return describe_shape(record, parent.name if parent else record.name)
    return describe_shape(record)


@action("UpdateStateMachine")
def update_state_machine(api: Any, body: dict[str, Any]) -> dict[str, Any]:
    fields = ("definition", "roleArn", "loggingConfiguration", "tracingConfiguration",
              "encryptionConfiguration")
    if not any(body.get(f) is not None for f in fields):
        raise ApiError("MissingRequiredParameter",
                       "Either the definition, the role ARN, the LoggingConfiguration, the "
                       "EncryptionConfiguration or the TracingConfiguration must be specified")
    _check_publish(body)
    if body.get("definition") is not None:
        api.compiled(body["definition"])
    if body.get("roleArn") is not None:
        _check_role(body["roleArn"])
    with api.lock:
        record = get_machine(api, body["stateMachineArn"])
        record = replace(
            record, definition=body.get("definition") or record.definition,
            role_arn=body.get("roleArn") or record.role_arn, revision_id=str(uuid.uuid4()),
            logging_configuration=body.get("loggingConfiguration") or record.logging_configuration,
            tracing_configuration=body.get("tracingConfiguration") or record.tracing_configuration)
        api.store.put_state_machine(record)
        out: dict[str, Any] = {"updateDate": now(), "revisionId": record.revision_id}
        if body.get("publish"):
            from workflow.api.stepfunctions.versions import publish
            out["stateMachineVersionArn"] = publish(api, record, body.get("versionDescription"))
    return out


@action("DeleteStateMachine")
def delete_state_machine(api: Any, body: dict[str, Any]) -> dict[str, Any]:
    arn = body["stateMachineArn"]
    check_arn(arn, "stateMachine")
    with api.lock:
        record = api.store.get_state_machine(arn)
        if record is not None and record.kind == "machine":
            api.store.delete_state_machine(arn)
    return {}


@action("ListStateMachines")
def list_state_machines(api: Any, body: dict[str, Any]) -> dict[str, Any]:
    records = api.store.list_state_machines(kind="machine")
    items, token = paginate(records, body)
    return page(body, "stateMachines", [
        {"stateMachineArn": r.arn, "name": r.name, "type": r.type,
         "creationDate": r.creation_date} for r in items], token)


@action("ValidateStateMachineDefinition")
def validate_state_machine_definition(api: Any, body: dict[str, Any]) -> dict[str, Any]:
    found = definitions.diagnose(body["definition"])
    if body.get("severity", "ERROR") == "ERROR":
        found = [x for x in found if x.is_error]
    limit = body.get("maxResults") or 100
    result = aws_result(found[:limit])
    result["result"] = "FAIL" if any(x.is_error for x in found) else "OK"
    result["truncated"] = len(found) > limit
    return result

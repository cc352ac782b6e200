"""The registry operations of Lambda's API, each ``(registry, name=..., payload, query)`` →
``(HTTP status, response body)``; they call the functions service's public functions only."""
from __future__ import annotations

import base64
import binascii
from typing import Any

from workflow.api.lambda_api.errors import invalid
from workflow.functions.service import versions as v

Answer = tuple[int, Any]
# Lambda's UpdateFunctionConfiguration members → Registry.update_config's keywords.
_CONFIG = {"Handler": "handler", "Runtime": "runtime", "MemorySize": "memory_mb",
           "Timeout": "timeout_s", "Description": "description"}


def _zip(code: dict[str, Any]) -> bytes:
    data = code.get("ZipFile")
    if not isinstance(data, str):
        unsupported = sorted(k for k in code if k != "ZipFile")
        raise invalid(f"only Code.ZipFile is supported (not {', '.join(unsupported)})"
                      if unsupported else "Code.ZipFile is required")
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise invalid("Code.ZipFile is not valid base64") from None


def _settings(payload: dict[str, Any]) -> dict[str, Any]:
    settings = {key: payload[member] for member, key in _CONFIG.items() if member in payload}
    if "Environment" in payload:
        settings["environment"] = dict((payload["Environment"] or {}).get("Variables") or {})
    return settings


def _required(payload: dict[str, Any], *members: str) -> None:
    missing = [m for m in members if payload.get(m) in (None, "")]
    if missing:
        raise invalid(f"missing required parameter(s): {', '.join(missing)}")


def _published(registry: Any, config: Any, publish: bool) -> dict[str, Any]:
    return v.publish(registry, config.name).to_api() if publish else config.to_api()


def create_function(registry: Any, payload: dict[str, Any], query: dict[str, str]) -> Answer:
    _required(payload, "FunctionName", "Runtime", "Handler", "Code")
    if payload.get("PackageType", "Zip") != "Zip":
        raise invalid("only PackageType Zip is supported")
    settings = _settings(payload)
    settings.setdefault("memory_mb", 128)
    settings.setdefault("timeout_s", 3)
    config = registry.create(payload["FunctionName"], _zip(payload["Code"]), **settings)
    return 201, _published(registry, config, bool(payload.get("Publish")))


def list_functions(registry: Any, payload: dict[str, Any], query: dict[str, str]) -> Answer:
    return 200, {"Functions": [config.to_api() for config in registry.list()]}


def get_function(registry: Any, name: str, payload: dict[str, Any],
                 query: dict[str, str]) -> Answer:
    config = registry.get(name, query.get("Qualifier"))
    shown: dict[str, Any] = {"Configuration": config.to_api(),
                             "Code": {"RepositoryType": "sfn",
                                      "Location": f"sha256:{config.code_sha256}"}}
    reserved = registry.latest(config.name).reserved_concurrency
    if reserved is not None:
        shown["Concurrency"] = {"ReservedConcurrentExecutions": reserved}
    return 200, shown


def get_config(registry: Any, name: str, payload: dict[str, Any],
               query: dict[str, str]) -> Answer:
    return 200, registry.get(name, query.get("Qualifier")).to_api()


def delete_function(registry: Any, name: str, payload: dict[str, Any],
                    query: dict[str, str]) -> Answer:
    registry.delete(name, query.get("Qualifier"))
    return 204, None


def update_code(registry: Any, name: str, payload: dict[str, Any],
                query: dict[str, str]) -> Answer:
    code: dict[str, Any] = {k: payload[k] for k in ("ZipFile", "S3Bucket", "S3Key", "ImageUri") if k in payload}
    config = registry.update_code(name, _zip(code), payload.get("RevisionId"))
    return 200, _published(registry, config, bool(payload.get("Publish")))


def update_config(registry: Any, name: str, payload: dict[str, Any],
                  query: dict[str, str]) -> Answer:
    config = registry.update_config(name, payload.get("RevisionId"), **_settings(payload))
    return 200, config.to_api()


def publish_version(registry: Any, name: str, payload: dict[str, Any],
                    query: dict[str, str]) -> Answer:
    config = v.publish(registry, name, payload.get("Description"), payload.get("CodeSha256"),
                       payload.get("RevisionId"))
    return 201, config.to_api()


def list_versions(registry: Any, name: str, payload: dict[str, Any],
                  query: dict[str, str]) -> Answer:
    found = sorted(v.versions(registry, name),
                   key=lambda c: -1 if not c.version.isdigit() else int(c.version))
    return 200, {"Versions": [config.to_api() for config in found]}


def _weights(payload: dict[str, Any]) -> dict[str, float] | None:
    if "RoutingConfig" not in payload:
        return None
    weights = (payload["RoutingConfig"] or {}).get("AdditionalVersionWeights") or {}
    return {str(version): float(weight) for version, weight in weights.items()}


def create_alias(registry: Any, name: str, payload: dict[str, Any],
                 query: dict[str, str]) -> Answer:
    _required(payload, "Name", "FunctionVersion")
    alias = v.create_alias(registry, name, payload["Name"], payload["FunctionVersion"],
                           _weights(payload), payload.get("Description", ""))
    return 201, alias.to_api()


def update_alias(registry: Any, name: str, alias: str, payload: dict[str, Any],
                 query: dict[str, str]) -> Answer:
    record = v.update_alias(registry, name, alias, payload.get("FunctionVersion"),
                            _weights(payload), payload.get("Description"),
                            payload.get("RevisionId"))
    return 200, record.to_api()


def get_alias(registry: Any, name: str, alias: str, payload: dict[str, Any],
              query: dict[str, str]) -> Answer:
    return 200, v.get_alias(registry, name, alias).to_api()


def list_aliases(registry: Any, name: str, payload: dict[str, Any],
                 query: dict[str, str]) -> Answer:
    registry.latest(name)
    return 200, {"Aliases": [a.to_api() for a in registry.store.aliases(name)]}


def delete_alias(registry: Any, name: str, alias: str, payload: dict[str, Any],
                 query: dict[str, str]) -> Answer:
    v.delete_alias(registry, name, alias)
    return 204, None

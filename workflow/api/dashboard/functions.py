"""The dashboard's functions data: the list with each function's meters, and one function's
configuration, versions, aliases, stats and latest invocations (with their Lambda-framed
logs). Configuration, versions and aliases come from the Lambda API's own operations, the
figures from the service's ``function_stats`` (what ``sfn functions stats`` prints)."""
from __future__ import annotations

from typing import Any

from starlette.responses import Response

from workflow.api.dashboard.data import reply
from workflow.api.lambda_api import operations as ops

RECENT_INVOCATIONS = 20


def _refused(exc: Any) -> Response:
    return reply({"__type": exc.error, "message": exc.message}, exc.status)


def function_list(service: Any) -> Response:
    """Every function ($LATEST) with its meters."""
    from workflow.functions.service.metering import function_stats
    registry = service.registry
    _, listed = ops.list_functions(registry, {}, {})
    rows = [{**config, "Stats": function_stats(registry.store, config["FunctionName"])}
            for config in listed["Functions"]]
    return reply({"Functions": sorted(rows, key=lambda r: r["FunctionName"])})


def function_detail(service: Any, name: str) -> Response:
    from workflow.functions.service import FunctionServiceError
    try:
        return reply(_detail(service.registry, name))
    except FunctionServiceError as exc:
        return _refused(exc)


def _detail(registry: Any, name: str) -> dict[str, Any]:
    from workflow.functions.service.metering import function_stats
    _, function = ops.get_function(registry, name, {}, {})
    _, versions = ops.list_versions(registry, name, {}, {})
    _, aliases = ops.list_aliases(registry, name, {}, {})
    recent = registry.store.invocations(name, 0, RECENT_INVOCATIONS)
    return {**function, "Versions": versions["Versions"], "Aliases": aliases["Aliases"],
            "Stats": function_stats(registry.store, name),
            "Invocations": [_invocation(r) for r in reversed(recent)]}


def _invocation(record: Any) -> dict[str, Any]:
    return {"RequestId": record.request_id, "Started": record.started,
            "Version": record.version, "DurationMs": record.duration_ms,
            "BilledDurationMs": record.billed_ms, "InitMs": record.init_ms,
            "Error": record.error, "ErrorType": record.error_type,
            "Throttled": record.throttled, "Execution": record.execution,
            "State": record.state, "Log": record.log}

"""The functions service: registered code (content-addressed), versions and aliases, run in
sandboxed runtime processes that speak the Lambda Runtime API.

    store = open_function_store()                  # SQLite file or Redis
    registry = Registry(store)
    registry.create("greet", "src/", handler="app.handler", runtime="python3.11")
    invoker = ServiceInvoker(store)                # implements workflow.functions.Invoker
    result = invoker.invoke(InvocationRequest("greet", {"name": "Ada"}))
"""
from __future__ import annotations

from workflow.functions.service.errors import FunctionServiceError
from workflow.functions.service.invoker import ServiceInvoker, origin
from workflow.functions.service.records import AliasRecord, FunctionConfig, InvocationRecord
from workflow.functions.service.registry import Registry
from workflow.functions.service.store import FunctionStore, open_function_store

__all__ = ["FunctionServiceError", "ServiceInvoker", "origin", "AliasRecord", "FunctionConfig",
           "InvocationRecord", "Registry", "FunctionStore", "open_function_store"]

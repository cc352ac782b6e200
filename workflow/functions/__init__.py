"""Python functions as Task resources, behind one invocation interface (``Invoker``).

    registry = FunctionRegistry()
    registry.register("greet", "fns/greet.py:handler")
    result = LocalInvoker(registry).invoke(InvocationRequest("greet", {"name": "Ada"}))
"""
from __future__ import annotations

from workflow.functions.context import LambdaContext, function_arn
from workflow.functions.invoke import (InvocationRequest, InvocationResult, Invoker,
                                       ServiceError, to_json)
from workflow.functions.loader import InitFailure
from workflow.functions.local import LocalInvoker
from workflow.functions.registry import FunctionRegistry, FunctionSpec, parse_cli, parse_target

__all__ = [
    "FunctionRegistry", "FunctionSpec", "parse_cli", "parse_target", "InitFailure",
    "Invoker", "InvocationRequest", "InvocationResult", "ServiceError", "LocalInvoker",
    "LambdaContext", "function_arn", "to_json",
]

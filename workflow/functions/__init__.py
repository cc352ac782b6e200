"""Python functions as Task resources, behind one invocation interface (``Invoker``).

    registry = FunctionRegistry()
    registry.register("greet", "fns/greet.py:handler")
    invoker = LocalInvoker(registry)
    event = invoke_task(invoker, command)      # TaskSucceeded | TaskFailed | None (parked)
"""
from __future__ import annotations

from workflow.functions.context import LambdaContext, function_arn
from workflow.functions.invoke import (InvocationRequest, InvocationResult, Invoker,
                                       ServiceError, to_json)
from workflow.functions.loader import InitFailure
from workflow.functions.local import LocalInvoker
from workflow.functions.outcome import (TargetError, build_request, function_target, handles,
                                        invoke_function, invoke_task, parse_function_name,
                                        task_outcome)
from workflow.functions.registry import FunctionRegistry, FunctionSpec, parse_cli, parse_target

__all__ = [
    "FunctionRegistry", "FunctionSpec", "parse_cli", "parse_target", "InitFailure",
    "Invoker", "InvocationRequest", "InvocationResult", "ServiceError", "LocalInvoker",
    "LambdaContext", "function_arn", "to_json", "TargetError", "handles", "function_target",
    "parse_function_name", "build_request", "task_outcome", "invoke_task", "invoke_function",
]

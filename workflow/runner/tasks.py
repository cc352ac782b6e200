"""What the embedded runner does for each Task: invoke a function through the one
``Invoker`` interface, park a callback task until its token comes back, or refuse an
integration this process cannot reach."""
from __future__ import annotations

import time
from typing import Any, Callable, Mapping

from workflow.functions import (FunctionRegistry, InvocationRequest, InvocationResult, Invoker,
                                LocalInvoker, handles, invoke_function)
from workflow.interpreter import protocol as p
from workflow.interpreter.resources import ACTIVITY, classify
from workflow.runner.embedded import TaskHandler
from workflow.runner.invocation_logs import Invocation, report


def registry_from(functions: Mapping[str, Any]) -> FunctionRegistry:
    """``{"name": "file.py:handler"}`` (or an existing registry) to a FunctionRegistry."""
    if isinstance(functions, FunctionRegistry):
        return functions
    registry = FunctionRegistry()
    for name, target in functions.items():
        registry.register(name, str(target))
    return registry


def task_handler(invoker: Invoker) -> TaskHandler:
    """Functions through ``invoker`` (each invocation reported to the current log sink,
    ``workflow.runner.invocation_logs``); activities and callbacks park."""
    def handle(command: p.InvokeTask) -> p.TaskSucceeded | p.TaskFailed | None:
        resource = classify(command.resource)
        if handles(command.resource):
            return _invoke(invoker, command)
        if resource.family == ACTIVITY or resource.callback:
            return None                     # parked until SendTaskSuccess / SendTaskFailure
        return p.TaskFailed(command.task_id, "States.Runtime", (
            f"The resource '{command.resource}' is not available to this runner: sfn runs "
            f"functions, activities and callback (.waitForTaskToken) tasks."))
    return handle


def _invoke(invoker: Invoker, command: p.InvokeTask) -> p.TaskSucceeded | p.TaskFailed | None:
    started = time.time()
    outcome, result = invoke_function(invoker, command)
    if result is not None:
        error = outcome.error if isinstance(outcome, p.TaskFailed) else None
        report(Invocation(command, result, started, error))
    return outcome


def local_task_handler(functions: Mapping[str, Any]) -> TaskHandler:
    return task_handler(routed(LocalInvoker(registry_from(functions))))


class RoutedInvoker:
    """The run's own in-process functions first; any other name goes to the functions service
    (registered with `sfn functions create`), when one is configured."""

    def __init__(self, local: LocalInvoker, service: Callable[[], Invoker | None]) -> None:
        self.local = local
        self.service = service

    def invoke(self, request: InvocationRequest) -> InvocationResult:
        if request.function_name in self.local.registry:
            return self.local.invoke(request)
        service = self.service()
        return (service or self.local).invoke(request)


def routed(local: LocalInvoker) -> RoutedInvoker:
    from workflow.functions.service.shared import shared_invoker
    return RoutedInvoker(local, shared_invoker)


def with_origin(tasks: TaskHandler, execution_arn: str) -> TaskHandler:
    """Tag the service's invocation records with the execution and state (logs, cost)."""
    from workflow.functions.service.invoker import origin

    def handle(command: p.InvokeTask) -> p.TaskSucceeded | p.TaskFailed | None:
        token = origin.set((execution_arn, command.state))
        try:
            return tasks(command)
        finally:
            origin.reset(token)
    return handle

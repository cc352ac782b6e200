"""What the embedded runner does for each Task: invoke a function through the one
``Invoker`` interface, park a callback task until its token comes back, or refuse an
integration this process cannot reach."""
from __future__ import annotations

from typing import Any, Mapping

from workflow.functions import FunctionRegistry, Invoker, LocalInvoker, handles, invoke_task
from workflow.interpreter import protocol as p
from workflow.interpreter.resources import ACTIVITY, classify
from workflow.runner.embedded import TaskHandler


def registry_from(functions: Mapping[str, Any]) -> FunctionRegistry:
    """``{"name": "file.py:handler"}`` (or an existing registry) to a FunctionRegistry."""
    if isinstance(functions, FunctionRegistry):
        return functions
    registry = FunctionRegistry()
    for name, target in functions.items():
        registry.register(name, str(target))
    return registry


def task_handler(invoker: Invoker) -> TaskHandler:
    def handle(command: p.InvokeTask) -> p.TaskSucceeded | p.TaskFailed | None:
        resource = classify(command.resource)
        if handles(command.resource):
            return invoke_task(invoker, command)
        if resource.family == ACTIVITY or resource.callback:
            return None                     # parked until SendTaskSuccess / SendTaskFailure
        return p.TaskFailed(command.task_id, "States.Runtime", (
            f"The resource '{command.resource}' is not available to this runner: sfn runs "
            f"functions, activities and callback (.waitForTaskToken) tasks."))
    return handle


def local_task_handler(functions: Mapping[str, Any]) -> TaskHandler:
    return task_handler(LocalInvoker(registry_from(functions)))

"""Running executions in process: ``start_execution`` and the ``Execution`` it returns."""
from __future__ import annotations

import re
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable

from workflow.interpreter import protocol as p
from workflow.interpreter.core import iso
from workflow.runner.clock import SystemClock, VirtualClock
from workflow.runner.embedded import ExecutionLoop, TaskHandler
from workflow.runner.history import HistoryWriter, StoreHistoryWriter

REGION = "us-east-1"
ACCOUNT = "000000000000"

__all__ = ["Execution", "start_execution", "state_machine_arn", "execution_arn",
           "SystemClock", "VirtualClock"]


@dataclass
class Execution:
    execution_arn: str
    name: str
    state_machine_arn: str
    type: str
    status: str
    input: Any
    output: Any = None
    error: str | None = None
    cause: str | None = None
    start_date: float = 0.0
    stop_date: float | None = None
    history: list[dict[str, Any]] = field(default_factory=list)

    @property
    def succeeded(self) -> bool:
        return self.status == "SUCCEEDED"

    def event_types(self) -> list[str]:
        return [event["type"] for event in self.history]

    def summary(self) -> dict[str, Any]:
        """The one-line shape of ``sfn run --json``."""
        return {"status": self.status, "output": self.output, "error": self.error,
                "cause": self.cause, "executionArn": self.execution_arn}


_NAME_CHARS = re.compile(r"[^A-Za-z0-9_-]+")


def state_machine_arn(name: str) -> str:
    return f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:{name}"


def execution_arn(machine_name: str, name: str, type_: str = "STANDARD") -> str:
    if type_ == "EXPRESS":
        return f"arn:aws:states:{REGION}:{ACCOUNT}:express:{machine_name}:{name}:{uuid.uuid4()}"
    return f"arn:aws:states:{REGION}:{ACCOUNT}:execution:{machine_name}:{name}"


def machine_name_for(source: str) -> str:
    stem = source.rsplit("/", 1)[-1].split(".", 1)[0] if source else ""
    return (_NAME_CHARS.sub("-", stem).strip("-") or "StateMachine")[:80]


def start_execution(machine: Any, data: Any, *, tasks: TaskHandler, name: str | None = None,
                    type_: str = "STANDARD", machine_name: str | None = None,
                    store: Any = None, clock: Any = None, max_workers: int = 16,
                    new_id: Callable[[], str] | None = None,
                    on_loop: Callable[[ExecutionLoop], None] | None = None) -> Execution:
    """Run one execution to its end in this process and return it. STANDARD executions with a
    ``store`` persist every transition and their functions' log lines; EXPRESS ones persist
    only their final record."""
    clock = clock or SystemClock()
    machine_name = machine_name or machine_name_for(machine.source)
    name = name or str(uuid.uuid4())
    arn = execution_arn(machine_name, name, type_)
    persistent = store is not None and type_ == "STANDARD"
    tasks = execution_tasks(tasks, arn, store if persistent else None)
    started = clock.now()
    info = p.ExecutionInfo(arn, name, state_machine_arn(machine_name), machine_name, data,
                           iso(started), type_)
    env = p.Env(info, clock, new_id or (lambda: uuid.uuid4().hex))
    execution = Execution(arn, name, info.state_machine_arn, type_, "RUNNING", data,
                          start_date=started.timestamp())
    if persistent:
        store.create_execution(_record(execution, machine), [])
    history = StoreHistoryWriter(store, arn) if persistent else HistoryWriter()
    poll, on_park = _mailbox(store, arn) if persistent else (None, None)
    with ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="sfn-task") as pool:
        loop = ExecutionLoop(machine, env, tasks, history, pool, poll, on_park)
        if on_loop:
            on_loop(loop)
        root = loop.run(data)
    execution.status, execution.output = root.status, root.output
    execution.error, execution.cause = root.error, root.cause
    execution.stop_date = clock.now().timestamp()
    execution.history = history.events
    if store is not None and not persistent:
        store.save_express_result(_record(execution, machine), None)
    return execution


def execution_tasks(tasks: TaskHandler, arn: str, store: Any = None) -> TaskHandler:
    """``tasks`` as one execution runs them: its invocations tagged with the execution and,
    given the ``store`` of a STANDARD execution, their log lines kept there."""
    from workflow.runner.invocation_logs import keeping_logs, store_sink
    from workflow.runner.tasks import with_origin
    tasks = with_origin(tasks, arn)
    return tasks if store is None else keeping_logs(tasks, store_sink(store, arn))


def _mailbox(store: Any, arn: str) -> tuple[Callable[[], list[tuple[str, Any]]],
                                            Callable[[p.InvokeTask], None]]:
    """How other processes reach this running execution: callback tokens are published in the
    store, and `sfn task-success` / `sfn stop` drop events in its inbox, polled while idle."""
    def poll() -> list[tuple[str, Any]]:
        return [(run_id, p.from_message(message))
                for _, run_id, message in store.take_events(arn)]

    def on_park(command: p.InvokeTask) -> None:
        if command.task_token:
            store.put_task_token(command.task_token, arn, command.run_id, command.task_id)
    return poll, on_park


def _record(execution: Execution, machine: Any) -> Any:
    import json

    from workflow.store import ExecutionRecord
    return ExecutionRecord(
        execution_arn=execution.execution_arn, state_machine_arn=execution.state_machine_arn,
        name=execution.name, status=execution.status, type=execution.type,
        input=execution.input, output=execution.output, error=execution.error,
        cause=execution.cause, start_date=execution.start_date, stop_date=execution.stop_date,
        definition=json.dumps(machine.definition))

"""Where executions started through the API run.

``EmbeddedEngine``: each execution's ExecutionLoop runs on a worker thread of the server
process; STANDARD ones commit every burst of transitions to the store, so DescribeExecution
and GetExecutionHistory see progress while they run. ``CeleryEngine``: the distributed runner
(``SFN_BROKER_URL``) runs them on the Celery workers; this process only starts and signals."""
from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any, Callable

from workflow.api.activities import ActivityQueue, ActivityTask
from workflow.interpreter import protocol as p
from workflow.interpreter.resources import ACTIVITY, classify
from workflow.runner import _mailbox, execution_tasks
from workflow.runner.clock import SystemClock
from workflow.runner.embedded import ExecutionLoop, TaskHandler
from workflow.runner.history import HistoryWriter, StoreHistoryWriter
from workflow.store import ExecutionRecord, Store

log = logging.getLogger("sfn.server")


class EmbeddedEngine:
    def __init__(self, store: Store, tasks: TaskHandler, activities: ActivityQueue,
                 activity_exists: Callable[[str], bool], max_executions: int = 512) -> None:
        self.store, self.tasks, self.activities = store, tasks, activities
        self.activity_exists = activity_exists
        self.clock = SystemClock()
        self.loops: dict[str, ExecutionLoop] = {}
        self._lock = threading.Lock()
        self.exec_pool = ThreadPoolExecutor(max_executions, thread_name_prefix="sfn-exec")
        self.task_pool = ThreadPoolExecutor(64, thread_name_prefix="sfn-task")

    def start(self, machine: Any, record: ExecutionRecord, info: p.ExecutionInfo) -> str:
        """Record the execution (ExecutionAlreadyExists), then run it in the background."""
        self.store.create_execution(record, [])
        self.exec_pool.submit(self._run, machine, record, info)
        return record.execution_arn

    def run_sync(self, machine: Any, record: ExecutionRecord,
                 info: p.ExecutionInfo) -> ExecutionRecord:
        """An EXPRESS execution to its end on the calling thread; its record is kept."""
        return self._run(machine, record, info)

    def _run(self, machine: Any, record: ExecutionRecord,
             info: p.ExecutionInfo) -> ExecutionRecord:
        arn = record.execution_arn
        persistent = record.type == "STANDARD"
        history = StoreHistoryWriter(self.store, arn) if persistent else HistoryWriter()
        poll, on_park = _mailbox(self.store, arn) if persistent else (None, None)
        tasks = execution_tasks(self.tasks, arn, self.store if persistent else None)
        loop = ExecutionLoop(machine, p.Env(info, self.clock), tasks, history,
                             self.task_pool, poll, self._parker(arn, on_park))
        with self._lock:
            self.loops[arn] = loop
        try:
            root = loop.run(record.input)
            final = replace(record, status=root.status, output=root.output, error=root.error,
                            cause=root.cause, stop_date=self.clock.now().timestamp())
        except Exception as exc:       # a bug of ours must still close the execution
            log.exception("execution %s crashed", arn)
            final = replace(record, status="FAILED", error="States.Runtime",
                            cause=f"{type(exc).__name__}: {exc}",
                            stop_date=self.clock.now().timestamp())
            if persistent:
                self._close(final)
        finally:
            with self._lock:
                self.loops.pop(arn, None)
        if not persistent:
            self.store.save_express_result(final, None)
        return final

    def redrive(self, machine: Any, record: ExecutionRecord, info: p.ExecutionInfo) -> None:
        """Resume a closed STANDARD execution at its failed state, in the background
        (``workflow.runner.redrive``: the core's Redrive event)."""
        from workflow.runner.redrive import plan
        planned = plan(self.store, record.execution_arn, record.redrive_count)
        if planned is None:
            raise LookupError("the execution never entered a state")
        self.store.commit(record.execution_arn, runs=[], events=[], execution=_reopened(record))
        self.exec_pool.submit(self._resume, machine, record, info, *planned)

    def _resume(self, machine: Any, record: ExecutionRecord, info: p.ExecutionInfo,
                run: Any, version: int, event: p.Redrive) -> None:
        arn = record.execution_arn
        history = StoreHistoryWriter(self.store, arn)
        history.versions[""] = version
        poll, on_park = _mailbox(self.store, arn)
        loop = ExecutionLoop(machine, p.Env(info, self.clock),
                             execution_tasks(self.tasks, arn, self.store), history,
                             self.task_pool, poll, self._parker(arn, on_park))
        with self._lock:
            self.loops[arn] = loop
        try:
            loop.drive(run, event)
        except Exception as exc:
            log.exception("redrive of %s crashed", arn)
            self._close(replace(record, status="FAILED", error="States.Runtime",
                                cause=f"{type(exc).__name__}: {exc}",
                                stop_date=self.clock.now().timestamp()))
        finally:
            with self._lock:
                self.loops.pop(arn, None)

    def _close(self, final: ExecutionRecord) -> None:
        self.store.commit(final.execution_arn, runs=[], events=[], execution={
            "status": final.status, "error": final.error, "cause": final.cause,
            "stop_date": final.stop_date})

    def _parker(self, arn: str, on_park: Callable[[p.InvokeTask], None] | None
                ) -> Callable[[p.InvokeTask], None]:
        def park(command: p.InvokeTask) -> None:
            if on_park:
                on_park(command)
            if classify(command.resource).family != ACTIVITY or not command.task_token:
                return
            if not self.activity_exists(command.resource):
                self.send(arn, command.run_id, p.TaskFailed(
                    command.task_id, "States.Runtime",
                    f"Activity does not exist: '{command.resource}'"))
                return
            from workflow.api.stepfunctions.common import json_text
            self.activities.offer(ActivityTask(command.resource, command.task_token,
                                               json_text(command.payload), arn,
                                               command.run_id, command.task_id))
        return park

    def started(self, task: ActivityTask, worker_name: str | None) -> None:
        """GetActivityTask handed ``task`` out: ActivityStarted, before any result the
        worker sends (both go through the loop's one inbox, in order)."""
        self.send(task.execution_arn, task.run_id, p.TaskStarted(task.task_id, worker_name))

    def send(self, arn: str, run_id: str, event: p.Event) -> None:
        """An outside event for a running execution: straight to its loop when it runs
        here, else through the store's inbox."""
        with self._lock:
            loop = self.loops.get(arn)
        if loop is not None:
            loop.post(run_id, event)
        else:
            self.store.post_event(arn, run_id, p.to_message(event))

    def close(self) -> None:
        self.exec_pool.shutdown(wait=False, cancel_futures=True)
        self.task_pool.shutdown(wait=False, cancel_futures=True)


def _reopened(record: ExecutionRecord) -> dict[str, Any]:
    """The execution record's update when a redrive makes it run again."""
    return {"status": "RUNNING", "output": None, "error": None, "cause": None,
            "stop_date": None, "redrive_count": record.redrive_count,
            "redrive_date": record.redrive_date}


class CeleryEngine:
    """Executions on the Celery workers (``workflow.runner.celery_runner``)."""

    def __init__(self, functions: Any = None) -> None:
        from workflow.runner.celery_runner import default_runner
        self.runner = default_runner()
        self.store = self.runner.store
        self.functions = functions

    def start(self, machine: Any, record: ExecutionRecord, info: p.ExecutionInfo) -> str:
        from workflow.store import ExecutionAlreadyExists
        if self.store.get_execution(record.execution_arn) is not None:
            raise ExecutionAlreadyExists(record.execution_arn)
        return self._launch(machine, record, info)

    def _launch(self, machine: Any, record: ExecutionRecord, info: p.ExecutionInfo) -> str:
        arn = self.runner.start(machine, record.input, name=record.name, type_=record.type,
                                functions=self.functions, machine_name=info.state_machine_name)
        extra = {"state_machine_version_arn": record.state_machine_version_arn,
                 "state_machine_alias_arn": record.state_machine_alias_arn,
                 "trace_header": record.trace_header}
        if any(extra.values()):
            self.store.commit(arn, runs=[], events=[], execution=extra)
        return arn

    def run_sync(self, machine: Any, record: ExecutionRecord,
                 info: p.ExecutionInfo) -> ExecutionRecord:
        arn = self._launch(machine, record, info)
        self.runner.wait(arn, timeout=300)
        return self.store.get_execution(arn) or record

    def redrive(self, machine: Any, record: ExecutionRecord, info: p.ExecutionInfo) -> None:
        """Reopen the execution and hand the core's Redrive to the workers."""
        from workflow.runner.redrive import plan
        arn = record.execution_arn
        planned = plan(self.store, arn, record.redrive_count)
        if planned is None or not self.runner.is_distributed(arn):
            raise LookupError("the execution never entered a state on the workers")
        self.runner.redrive(arn, info, planned[2], _reopened(record))

    def started(self, task: ActivityTask, worker_name: str | None) -> None:
        """ActivityStarted, committed before GetActivityTask returns: the worker's result,
        sent afterwards through the broker, cannot overtake it."""
        self.runner.apply(task.execution_arn, task.run_id,
                          p.TaskStarted(task.task_id, worker_name))

    def send(self, arn: str, run_id: str, event: p.Event) -> None:
        if self.runner.is_distributed(arn):
            self.runner.send(arn, run_id, event)
        else:
            self.store.post_event(arn, run_id, p.to_message(event))

    def close(self) -> None:
        """Nothing runs here."""

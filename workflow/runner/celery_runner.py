"""The distributed runner's client side: start an execution on the Celery workers and wait for
it. The workers (``workers/``) do everything else; this process only writes the execution and
its first message, then watches the store.

    arn = start(machine, {"orderId": "1"}, functions={"charge": "/abs/fns.py:charge"})
    execution = wait(arn, timeout=60)         # the same Execution as the embedded runner's
"""
from __future__ import annotations

import hashlib
import json
import logging
import time
import uuid
from typing import Any, Mapping

from workflow.interpreter import protocol as p
from workflow.interpreter.core import iso
from workflow.interpreter.run import RunState
from workflow.runner import (Execution, _record, execution_arn, machine_name_for,
                             state_machine_arn)
from workflow.store import TERMINAL_STATUSES

RUNNER = "celery"
log = logging.getLogger("sfn.celery_runner")
HISTORY_PAGE = 1000


class CeleryRunner:
    def __init__(self, settings: Any = None) -> None:
        from workers.runtime import Runtime
        from workers.config import Settings
        self.rt = Runtime(settings or Settings.from_env())

    @property
    def store(self) -> Any:
        return self.rt.store

    def start(self, machine: Any, input: Any = None, *, name: str | None = None,
              type_: str = "STANDARD", functions: Any = None,
              machine_name: str | None = None) -> str:
        """Record the execution and its root run, then enqueue Start; returns the ARN."""
        machine = _compiled(machine)
        data = {} if input is None else input
        machine_name = machine_name or machine_name_for(machine.source)
        name = name or str(uuid.uuid4())
        arn = execution_arn(machine_name, name, type_)
        started = self.rt.clock().now()
        info = p.ExecutionInfo(arn, name, state_machine_arn(machine_name), machine_name, data,
                               iso(started), type_)
        execution = Execution(arn, name, info.state_machine_arn, type_, "RUNNING", data,
                              start_date=started.timestamp())
        record = _record(execution, machine)
        self._publish_facts(arn, info, record.definition, function_specs(functions))
        self.store.create_execution(record, [RunState("", "")])
        start = p.to_message(p.Start(data))
        self.rt.publish(arn, "", start)     # durable: a worker starts it if we cannot
        self._first_step(arn, start)
        return arn

    def redrive(self, arn: str, info: p.ExecutionInfo, event: p.Redrive,
                execution: dict[str, Any]) -> None:
        """Reopen a closed execution (``execution``: its record's update) and feed ``event``
        to its top-level run (``workflow.runner.redrive``). The workers' cached facts are
        keyed by the redrive count, so they read the new ``$$.Execution`` at once."""
        from workers import keys
        self.rt.redis.hset(keys.meta(arn), mapping={
            "info": json.dumps(info.to_json()), "redrives": str(info.redrive_count)})
        self.store.commit(arn, runs=[], events=[], execution=execution)
        message = p.to_message(event)
        self.rt.publish(arn, "", message)      # a duplicate Redrive changes nothing
        self._first_step(arn, message)

    def apply(self, arn: str, run_id: str, event: p.Event) -> None:
        """Apply ``event`` to the run here and now, committed before this returns (the
        workers take it over if this fails): what must be recorded before a caller may
        send the next event, like ActivityStarted before the activity's result."""
        from workers.advance import Delivery, deliver
        message = p.to_message(event)
        try:
            deliver(self.rt, Delivery(arn, run_id, message))
        except Exception:
            log.warning("%s for %s left to the workers", message["kind"], arn, exc_info=True)
            self.rt.publish(arn, run_id, message)

    def _first_step(self, arn: str, start: dict[str, Any]) -> None:
        """Take the first step here, saving a broker round trip before the first Task's
        function is dispatched. The published Start then finds the run started and changes
        nothing (the core ignores a second Start; the commit's version check settles a race)."""
        from workers.advance import Delivery, deliver
        try:
            deliver(self.rt, Delivery(arn, "", start))
        except Exception:  # the published message will take the step on a worker
            log.warning("first step of %s left to the workers", arn, exc_info=True)

    def _publish_facts(self, arn: str, info: p.ExecutionInfo, definition: str,
                       functions: Mapping[str, str]) -> None:
        from workers import keys
        digest = hashlib.sha256(definition.encode()).hexdigest()
        pipe = self.rt.redis.pipeline(transaction=True)
        pipe.set(keys.definition(digest), definition, nx=True)
        pipe.hset(keys.meta(arn), mapping={
            "info": json.dumps(info.to_json()), "definition": digest, "runner": RUNNER,
            "functions": json.dumps(dict(functions), sort_keys=True)})
        pipe.execute()

    def wait(self, arn: str, timeout: float | None = None, poll: float = 0.05) -> Execution:
        """Poll the store until the execution is over (woken early when the workers say so)."""
        from workers import keys
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            record = self.store.get_execution(arn)
            if record is None:
                raise LookupError(f"no execution {arn}")
            if record.status in TERMINAL_STATUSES:
                return self._execution(record)
            left = poll if deadline is None else min(poll, deadline - time.monotonic())
            if left <= 0:
                raise TimeoutError(f"execution {arn} still {record.status} after {timeout}s")
            self.rt.redis.blpop([keys.done(arn)], timeout=max(left, 0.01))

    def run(self, machine: Any, input: Any = None, timeout: float | None = None,
            **options: Any) -> Execution:
        return self.wait(self.start(machine, input, **options), timeout)

    def _execution(self, record: Any) -> Execution:
        return Execution(record.execution_arn, record.name, record.state_machine_arn,
                         record.type, record.status, record.input, record.output, record.error,
                         record.cause, record.start_date, record.stop_date,
                         history=self.history(record.execution_arn))

    def history(self, arn: str) -> list[dict[str, Any]]:
        events: list[dict[str, Any]] = []
        while True:
            page = self.store.history(arn, after_id=events[-1]["id"] if events else 0,
                                      limit=HISTORY_PAGE)
            events.extend(page)
            if len(page) < HISTORY_PAGE:
                return events

    def is_distributed(self, arn: str) -> bool:
        from workers import keys
        return self.rt.redis.hget(keys.meta(arn), "runner") == RUNNER

    def send(self, arn: str, run_id: str, event: p.Event) -> None:
        """Deliver an outside event (callback result, heartbeat, stop) to a run."""
        self.rt.publish(arn, run_id, p.to_message(event))


def _compiled(machine: Any) -> Any:
    from workflow.model.machine import StateMachine
    if isinstance(machine, StateMachine):
        return machine
    import workflow
    return workflow.load(machine)


def function_specs(functions: Any) -> dict[str, str]:
    """``{name: "abs/path.py:handler"}`` from a mapping of targets or a FunctionRegistry."""
    from workflow.runner.tasks import registry_from
    if not functions:
        return {}
    registry = registry_from(functions)
    return {name: registry.get(name).target for name in registry.names()}  # type: ignore[union-attr]


_DEFAULT: CeleryRunner | None = None


def default_runner() -> CeleryRunner:
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = CeleryRunner()
    return _DEFAULT


def start(machine: Any, input: Any = None, *, name: str | None = None, type_: str = "STANDARD",
          functions: Any = None) -> str:
    return default_runner().start(machine, input, name=name, type_=type_, functions=functions)


def wait(arn: str, timeout: float | None = None) -> Execution:
    return default_runner().wait(arn, timeout)

"""The pure interpreter core: ``advance(machine, run, event, env, outer) -> (run, Step)``.

One call feeds one event to one run and keeps moving through states that need nothing from
outside (Pass, Choice, Succeed, Fail, data flow, intrinsics) until the run blocks on a task, a
timer or child runs, or ends. It never sleeps and never does I/O: time, ids and randomness
come from ``env``; what must happen outside comes back as commands.
"""
from __future__ import annotations

from collections import ChainMap
from dataclasses import dataclass
from typing import Any, Mapping

from workflow.errors import StatesError
from workflow.interpreter import protocol as p
from workflow.interpreter.run import RUNNING, RunState, Waiting
from workflow.model import states as s


@dataclass(frozen=True)
class Exit:
    """Leave the current state with ``output``; ``next`` None ends the run successfully."""
    output: Any
    next: str | None
    assigned: Mapping[str, Any] | None = None
    emit_exit: bool = True


@dataclass(frozen=True)
class Failure:
    error: str
    cause: str = ""
    heartbeat: bool = False
    handle: bool = True              # False: a Fail state, never retried or caught


BLOCKED = None
Outcome = Exit | Failure | None

_ENTERED = {t: f"{t}StateEntered" for t in
            ("Task", "Pass", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map")}
_EXITED = {t: f"{t}StateExited" for t in _ENTERED}
_ABORTED = {t: f"{t}StateAborted" for t in ("Task", "Wait", "Parallel", "Map")}
# AWS fails an execution whose history reaches 25,000 events (asl-inventory §16). The runners
# count across calls; one call that alone produces more (a Pass/Choice loop that never
# blocks) ends the run here instead of spinning.
HISTORY_LIMIT = 25_000
HISTORY_LIMIT_CAUSE = (f"The execution reached the maximum number of history events "
                       f"({HISTORY_LIMIT}).")


class Turn:
    """The working set of one ``advance`` call."""

    def __init__(self, machine: Any, run: RunState, env: p.Env,
                 outer: Mapping[str, Any]) -> None:
        self.sm = machine
        self.run = run
        self.env = env
        self.step = p.Step()
        self.machine: s.Machine = machine.machine(run.machine)
        # Distributed Map children are executions of their own: they cannot read the
        # variables of outer scopes (asl-inventory §7, §18).
        self.outer = {} if self.machine.processor_mode == "DISTRIBUTED" else outer
        self.ts = env.now().timestamp()      # one clock reading per state, not per event
        # A Redrive re-entering a Parallel/Map: (kept [index, output], the previous attempts'
        # child id prefixes), consumed by the first StartChildren of this turn.
        self.redrive_kept: tuple[list[list[Any]], str] | None = None

    # ---- recording --------------------------------------------------------------------

    def emit(self, type_: str, **details: Any) -> None:
        self.step.events.append({"type": type_, "timestamp": self.ts,
                                 "run": self.run.run_id, **details})

    def command(self, command: p.Command) -> None:
        self.step.commands.append(command)

    @property
    def variables(self) -> Mapping[str, Any]:
        if not self.outer:
            return self.run.variables
        return ChainMap(self.run.variables, self.outer)  # type: ignore[arg-type]

    @property
    def state(self) -> s.State:
        return self.machine.states[self.run.state]  # type: ignore[index]

    def context(self, token: str | None = None, item: Any = None) -> dict[str, Any]:
        info = self.env.execution
        execution = {"Id": info.execution_arn, "Input": info.input, "Name": info.name,
                     "RoleArn": info.role_arn, "StartTime": info.start_time,
                     "RedriveCount": info.redrive_count}
        if info.redrive_time:
            execution["RedriveTime"] = info.redrive_time
        machine = {"Id": info.state_machine_arn, "Name": info.state_machine_name}
        return context_object(execution, machine, self.run.state or "", self.run.entered_time,
                              self.run.retry_count, token, item)

    def now_iso(self) -> str:
        return iso(self.env.now())

    # ---- lifecycle --------------------------------------------------------------------

    def start(self, data: Any) -> None:
        lifecycle.start_run(self, data)
        self.drive(self.enter(self.machine.start_at, data))

    def enter(self, name: str, data: Any) -> Outcome:
        run = self.run
        state = self.machine.states[name]
        now = self.env.now()
        self.ts = now.timestamp()
        run.state, run.input, run.entered_time = name, data, iso(now)
        run.retry_counts = [0] * len(_retriers(state))
        run.retry_count = 0
        run.transitions += 1
        run.children = ""
        self.emit(_ENTERED[state.type], name=name, input=data)
        return self.guarded(lambda: handlers.execute(self, state))

    def guarded(self, work: Any) -> Outcome:
        try:
            return work()
        except StatesError as exc:
            if exc.error == "States.QueryEvaluationError":
                self.emit("EvaluationFailed", error=exc.error, cause=exc.cause,
                          state=self.run.state)
            return Failure(exc.error, exc.cause)

    def drive(self, outcome: Outcome) -> None:
        events = self.step.events
        while outcome is not None:
            if len(events) >= HISTORY_LIMIT:
                lifecycle.fail_run(self, "States.Runtime", HISTORY_LIMIT_CAUSE)
                return
            if isinstance(outcome, Failure):
                outcome = self.fail_state(outcome)
            else:
                outcome = self.leave(outcome)

    def leave(self, exit_: Exit) -> Outcome:
        state = self.state
        try:
            if exit_.output is not self.run.input:    # an unchanged input was already checked
                check_size(exit_.output, state.name)
        except StatesError as exc:
            return Failure(exc.error, exc.cause)
        if exit_.emit_exit:
            details: dict[str, Any] = {"name": state.name, "output": exit_.output}
            if exit_.assigned:
                details["assignedVariables"] = dict(exit_.assigned)
            self.emit(_EXITED[state.type], **details)
        if exit_.assigned:
            self.run.variables.update(exit_.assigned)
        self.run.waiting = None
        if exit_.next is None:
            lifecycle.succeed_run(self, exit_.output)
            return BLOCKED
        return self.enter(exit_.next, exit_.output)

    def fail_state(self, failure: Failure) -> Outcome:
        if failure.handle:
            outcome = handle_error(self, failure)
            if outcome is not False:
                return outcome
        lifecycle.fail_run(self, failure.error, failure.cause)
        return BLOCKED


def _retriers(state: s.State) -> tuple[s.Retrier, ...]:
    errors = getattr(state, "errors", None)
    return errors.retry if errors is not None else ()


_SECONDS: dict[int, str] = {}


def iso(moment: Any) -> str:
    """ISO 8601 as the context object shows it: trailing fractional zeros dropped (§8)."""
    whole = int(moment.timestamp())
    text = _SECONDS.get(whole)
    if text is None:          # strftime is the costly part: once per distinct second
        if len(_SECONDS) > 4096:
            _SECONDS.clear()
        text = _SECONDS[whole] = moment.strftime("%Y-%m-%dT%H:%M:%S")
    micro = f"{moment.microsecond:06d}"[:3].rstrip("0")
    return f"{text}.{micro}Z" if micro else f"{text}Z"


def advance(machine: Any, run: RunState, event: p.Event, env: p.Env,
            outer: Mapping[str, Any] | None = None) -> tuple[RunState, p.Step]:
    """Feed ``event`` to ``run``; returns the new run record and what to record and do.
    An event that no longer applies (a late timer, a duplicate task result) changes nothing."""
    run = run.copy()
    turn = Turn(machine, run, env, outer or {})
    if isinstance(event, p.Start):
        if run.state is None and run.status == RUNNING:
            turn.start(event.input)
    elif isinstance(event, p.Redrive):
        if run.finished:
            lifecycle.redrive_run(turn, event)
    elif run.status == RUNNING:
        lifecycle.dispatch(turn, event)
    return run, turn.step


__all__ = ["advance", "Turn", "Exit", "Failure", "BLOCKED", "Waiting", "iso"]

# Imported last: these modules import the names above from this one.
from workflow.interpreter import handlers, lifecycle  # noqa: E402
from workflow.interpreter.dataflow import check_size, context_object  # noqa: E402
from workflow.interpreter.retry import handle_error  # noqa: E402

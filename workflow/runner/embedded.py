"""The embedded runner: one process, no server. It carries out the core's commands in process:
tasks on a thread pool (so Parallel branches and Map iterations really run concurrently),
timers on a heap (virtual or real clock), child runs as runs of their own, and, for STANDARD
executions, every transition committed to the store as it happens.
"""
from __future__ import annotations

import heapq
import itertools
import queue
import threading
from collections import ChainMap, deque
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Mapping

from workflow.interpreter import protocol as p
from workflow.interpreter.core import HISTORY_LIMIT, HISTORY_LIMIT_CAUSE, advance
from workflow.interpreter.run import RunState
from workflow.runner.history import HistoryWriter
from workflow.runner.joins import Join

MAX_HISTORY_EVENTS = HISTORY_LIMIT
TaskHandler = Callable[[p.InvokeTask], "p.TaskSucceeded | p.TaskFailed | None"]


class ExecutionLoop:
    """Drives one execution to its end. Not thread-safe except ``post`` (any thread)."""

    def __init__(self, machine: Any, env: p.Env, tasks: TaskHandler, history: HistoryWriter,
                 pool: ThreadPoolExecutor, poll: Callable[[], list[tuple[str, Any]]] | None = None,
                 on_park: Callable[[p.InvokeTask], None] | None = None) -> None:
        self.machine, self.env, self.tasks, self.history = machine, env, tasks, history
        self.pool, self.poll, self.on_park = pool, poll, on_park
        self.runs: dict[str, RunState] = {}
        self.outer: dict[str, Mapping[str, Any]] = {}
        self.joins: dict[str, Join] = {}
        self.ready: deque[tuple[str, p.Event]] = deque()
        self.inbox: queue.Queue[tuple[str, Any, bool]] = queue.Queue()
        self.timers: list[tuple[float, int, str, str]] = []
        self.cancelled: set[str] = set()
        self.in_flight = 0
        self.parked: dict[str, tuple[str, str]] = {}     # task token -> (run id, task id)
        self._seq = itertools.count()
        self._wake = threading.Event()

    @property
    def root(self) -> RunState:
        return self.runs[""]

    # ---- outside world -------------------------------------------------------------------

    def post(self, run_id: str, event: p.Event) -> None:
        """From any thread: an outside event (callback result, heartbeat, stop)."""
        self.inbox.put((run_id, event, False))
        self._wake.set()

    def token_target(self, token: str) -> tuple[str, str] | None:
        return self.parked.get(token)

    # ---- main loop -------------------------------------------------------------------------

    def run(self, data: Any) -> RunState:
        return self.drive(RunState("", ""), p.Start(data))

    def drive(self, root: RunState, first: p.Event) -> RunState:
        """Feed ``first`` to ``root`` (a new run, or a closed one and a Redrive), then carry
        on until the top-level run is over."""
        self.runs[""] = root
        self.history.new_run(root)
        self._advance("", first)
        while True:
            while self.ready and not self.root.finished:
                run_id, event = self.ready.popleft()
                self._advance(run_id, event)
            self.history.flush()
            if self.root.finished:
                return self.root
            self._wait()

    def _advance(self, run_id: str, event: p.Event) -> None:
        run = self.runs.get(run_id)
        if run is None:
            return
        new, step = advance(self.machine, run, event, self.env, self.outer.get(run_id))
        if not step.events and not step.commands and new == run:
            return
        self.history.commit(new, step.events)
        self.runs[run_id] = new
        if self.history.count >= MAX_HISTORY_EVENTS and not self.root.finished:
            self.ready.appendleft(("", p.Stop("States.Runtime", HISTORY_LIMIT_CAUSE, "FAILED")))
        for command in step.commands:
            self._carry_out(command)

    def _carry_out(self, command: p.Command) -> None:
        if isinstance(command, p.InvokeTask):
            self.in_flight += 1
            self.pool.submit(self._invoke, command)
        elif isinstance(command, p.StartTimer):
            heapq.heappush(self.timers, (command.due, next(self._seq), command.timer_id,
                                         command.run_id))
        elif isinstance(command, p.CancelTimer):
            self.cancelled.add(command.timer_id)
        elif isinstance(command, p.StartChildren):
            self._start_children(command)
        elif isinstance(command, p.CancelChildren):
            self._cancel_children(command.run_id)
        elif isinstance(command, p.RunFinished):
            self._run_finished(command)

    # ---- tasks -------------------------------------------------------------------------------

    def _invoke(self, command: p.InvokeTask) -> None:
        try:
            outcome = self.tasks(command)
        except Exception as exc:  # a bug in a task handler must still end the task
            outcome = p.TaskFailed(command.task_id, "States.Runtime",
                                   f"{type(exc).__name__}: {exc}")
        if outcome is None:
            self.parked[command.task_token or command.task_id] = (command.run_id,
                                                                  command.task_id)
            if self.on_park:
                self.on_park(command)
            self.inbox.put(("", _Parked(command), True))
        else:
            self.inbox.put((command.run_id, _with_task(outcome, command.task_id), True))
        self._wake.set()

    # ---- children ----------------------------------------------------------------------------

    def _start_children(self, command: p.StartChildren) -> None:
        join = self.joins[command.run_id] = Join.open(command)
        parent = self.runs[command.run_id]
        # The parent is blocked while its children run, so its scope is fixed: build it once.
        join.scope = ChainMap(parent.variables, self.outer.get(command.run_id) or {})
        self._launch_next(join)

    def _launch_next(self, join: Join) -> None:
        command = join.command
        parent = self.runs[command.run_id]
        kind = "branch" if command.kind == "parallel" else "iteration"
        for spec in join.next_to_start():
            self._launch(spec, parent, command.state, kind, join.scope)

    def _launch(self, spec: p.ChildSpec, parent: RunState, state: str, kind: str,
                outer: Mapping[str, Any]) -> None:
        child = RunState(spec.run_id, spec.machine, kind=kind, index=spec.index,
                         parent=parent.run_id, parent_state=state)
        self.runs[spec.run_id] = child
        self.outer[spec.run_id] = outer
        self.history.new_run(child)
        self.ready.append((spec.run_id, p.Start(spec.input)))

    def _cancel_children(self, parent_id: str) -> None:
        join = self.joins.pop(parent_id, None)
        if join is None:
            return
        join.done = True
        join.pending.clear()
        for run_id in list(join.active):
            self.ready.append((run_id, p.Stop(None, None, "ABORTED")))

    def _run_finished(self, command: p.RunFinished) -> None:
        run = self.runs[command.run_id]
        if run.parent is None:
            return
        self.outer.pop(run.run_id, None)
        join = self.joins.get(run.parent)
        if join is None:
            return
        done = join.finished(run.index or 0, run.run_id, command)
        if done is not None:
            self._cancel_children(run.parent)
            self.ready.append((run.parent, done))
            return
        self._launch_next(join)

    # ---- waiting -----------------------------------------------------------------------------

    def _wait(self) -> None:
        if self._drain_inbox():
            return
        clock = self.env.clock
        due = self._next_timer_due()
        now = clock.now().timestamp()
        if due is not None and due <= now:
            self._fire_due_timers(now)
            return
        virtual = getattr(clock, "virtual", False)
        if virtual and due is not None and not self.in_flight:
            clock.sleep_until(due, self._wake)  # type: ignore[attr-defined]
            self._fire_due_timers(clock.now().timestamp())
            return
        if due is None and not (self.in_flight or self.parked or self.poll):
            raise RuntimeError("execution stalled: nothing running, no timer, no callback")
        timeout = None if due is None or virtual else due - now
        if self.poll:
            timeout = 0.2 if timeout is None else min(timeout, 0.2)
        self._block(timeout)
        self._drain_inbox()
        if due is not None:
            self._fire_due_timers(clock.now().timestamp())

    def _block(self, timeout: float | None) -> None:
        self._wake.wait(timeout)
        self._wake.clear()
        if self.poll:
            for run_id, event in self.poll():
                self.inbox.put((run_id, event, False))

    def _drain_inbox(self) -> bool:
        got = False
        while True:
            try:
                run_id, event, from_invocation = self.inbox.get_nowait()
            except queue.Empty:
                return got
            got = True
            if from_invocation:
                self.in_flight -= 1
            if not isinstance(event, _Parked):
                self.ready.append((run_id, event))

    def _next_timer_due(self) -> float | None:
        while self.timers and self.timers[0][2] in self.cancelled:
            heapq.heappop(self.timers)
        return self.timers[0][0] if self.timers else None

    def _fire_due_timers(self, now: float) -> None:
        while self.timers and self.timers[0][0] <= now:
            _, _, timer_id, run_id = heapq.heappop(self.timers)
            if timer_id not in self.cancelled:
                self.ready.append((run_id, p.TimerFired(timer_id)))


class _Parked:
    """A callback task whose invocation is done; it now waits for SendTaskSuccess/Failure."""

    def __init__(self, command: p.InvokeTask) -> None:
        self.command = command


def _with_task(outcome: p.TaskSucceeded | p.TaskFailed, task_id: str) -> p.Event:
    if isinstance(outcome, p.TaskSucceeded):
        return p.TaskSucceeded(task_id, outcome.output)
    return p.TaskFailed(task_id, outcome.error, outcome.cause, outcome.timed_out)

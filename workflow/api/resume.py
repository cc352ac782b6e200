"""Redrive on the embedded runner: an ExecutionLoop that resumes a closed execution's
top-level run at the state where it failed, instead of starting a new one.

The core has no redrive event yet, so this drives it with the core's own ``Turn``: record
``ExecutionRedriven``, re-enter the failed state with the input it had, then carry on as any
loop does. A failed Parallel or Map state is re-run whole (AWS re-runs only its failed
branches or iterations)."""
from __future__ import annotations

from typing import Any

from workflow.interpreter.core import Turn
from workflow.interpreter.run import RUNNING, RunState
from workflow.runner.embedded import ExecutionLoop


class ResumedLoop(ExecutionLoop):
    def resume(self, failed: RunState, redrive_count: int) -> RunState:
        """Run ``failed`` (the stored top-level run) on from its failed state to the end."""
        run = failed.copy()
        run.status, run.error, run.cause, run.output, run.waiting = RUNNING, None, None, None, None
        self.runs[""] = run
        self.history.new_run(run)
        turn = Turn(self.machine, run, self.env, {})
        turn.emit("ExecutionRedriven", redriveCount=redrive_count)
        turn.drive(turn.enter(run.state, run.input))  # type: ignore[arg-type]
        self.history.commit(run, turn.step.events)
        for command in turn.step.commands:
            self._carry_out(command)
        return self._until_done()

    def _until_done(self) -> RunState:
        while not self.root.finished:
            while self.ready and not self.root.finished:
                run_id, event = self.ready.popleft()
                self._advance(run_id, event)
            self.history.flush()
            if not self.root.finished:
                self._wait()
        return self.root


def redrivable_run(store: Any, arn: str) -> tuple[RunState, int] | None:
    """The stored top-level run and its version, when it stopped inside a state."""
    loaded = store.load_run(arn, "")
    if loaded is None or loaded[0].state is None:
        return None
    return loaded

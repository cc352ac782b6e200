"""RedriveExecution's plan, the same for both runners (asl-inventory §13.4).

The pure core does the redrive: fed ``Redrive`` on the closed top-level run, it records
``ExecutionRedriven`` and re-enters the state where the run stopped, with the input it had
(steps that succeeded before it are not run again). What the core cannot know is which
children of a failed Parallel/Map succeeded: their runs are in the store. ``RunState.children``
names the child id prefixes of the state's attempts (newest first); the latest run of each
child index among them decides: SUCCEEDED ones go into ``Redrive.kept`` with their output
and keep it, every other child (failed, aborted, never started) runs again from its start.
The runner then carries on as for any event: the embedded one feeds the Redrive to an
``ExecutionLoop``, the Celery one publishes it to the workers.
"""
from __future__ import annotations

from typing import Any

from workflow.interpreter import protocol as p
from workflow.interpreter.run import RunState


def plan(store: Any, arn: str, redrive_count: int) -> tuple[RunState, int, p.Redrive] | None:
    """The stored top-level run, its version and the Redrive to feed it; None when the
    execution never entered a state (nothing to resume)."""
    loaded = store.load_run(arn, "")
    if loaded is None or loaded[0].state is None:
        return None
    run, version = loaded
    return run, version, p.Redrive(redrive_count, kept_children(store, arn, run) or None)


def kept_children(store: Any, arn: str, run: RunState) -> list[list[Any]]:
    """``[index, output]`` of each child of ``run``'s current state whose latest run
    succeeded, by index."""
    rank = {prefix: n for n, prefix in enumerate(run.children.split())}
    if not rank:
        return []
    latest: dict[int, tuple[int, RunState]] = {}
    for child, _ in store.load_runs(arn):
        prefix, _, index = child.run_id.rpartition(".")
        if child.parent != run.run_id or prefix not in rank or not index.isdigit():
            continue
        position = int(index)
        if position not in latest or rank[prefix] < latest[position][0]:
            latest[position] = (rank[prefix], child)
    return [[index, child.output] for index, (_, child) in sorted(latest.items())
            if child.status == "SUCCEEDED"]

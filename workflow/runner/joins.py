"""In-memory bookkeeping for the children of one Parallel/Map state: which to start next
(MaxConcurrency), and when the join is over (all done, or a failure past tolerance)."""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any, Mapping

from workflow.interpreter import protocol as p
from workflow.interpreter.containers import TOLERANCE_EXCEEDED, JoinPolicy


@dataclass
class Join:
    command: p.StartChildren
    policy: JoinPolicy
    pending: deque[p.ChildSpec] = field(default_factory=deque)
    active: set[str] = field(default_factory=set)
    results: list[Any] = field(default_factory=list)
    failed: int = 0
    done: bool = False
    scope: Mapping[str, Any] = field(default_factory=dict)   # variables the children read

    @classmethod
    def open(cls, command: p.StartChildren) -> "Join":
        """A redrive's kept children count as succeeded already; only the others start."""
        policy = JoinPolicy(command.total, command.tolerated_failure_count,
                            command.tolerated_failure_percentage)
        results: list[Any] = [None] * command.total
        for index, output in command.kept:
            results[index] = output
        return cls(command, policy, deque(command.children), results=results)

    @property
    def tolerant(self) -> bool:
        return self.command.kind == "map" and (
            self.policy.tolerated_count is not None
            or self.policy.tolerated_percentage is not None)

    def next_to_start(self) -> list[p.ChildSpec]:
        limit = self.command.max_concurrency or len(self.pending) + len(self.active)
        started = []
        while self.pending and len(self.active) < limit:
            spec = self.pending.popleft()
            self.active.add(spec.run_id)
            started.append(spec)
        return started

    def finished(self, spec_index: int, run_id: str, outcome: p.RunFinished) -> p.ChildrenDone | None:
        """Record one child's end; a ChildrenDone when the join is over, else None."""
        self.active.discard(run_id)
        if self.done:
            return None
        if outcome.status == "SUCCEEDED":
            self.results[spec_index] = outcome.output
        else:
            self.failed += 1
            self.results[spec_index] = {"Error": outcome.error, "Cause": outcome.cause}
            if self.policy.exceeded(self.failed):
                self.done = True
                if self.tolerant:
                    return p.ChildrenDone(error=TOLERANCE_EXCEEDED, cause=(
                        "The specified tolerated failure threshold was exceeded"))
                return p.ChildrenDone(error=outcome.error or "States.BranchFailed",
                                      cause=outcome.cause or "")
        if not self.pending and not self.active:
            self.done = True
            return p.ChildrenDone(results=self.results)
        return None

"""Error matching, retry delays and catcher selection (asl-inventory §10, §11)."""
from __future__ import annotations

from typing import Callable, Sequence

from workflow.model.states import Catcher, Retrier

ALL = "States.ALL"
TASK_FAILED = "States.TaskFailed"
TIMEOUT = "States.Timeout"
HEARTBEAT_TIMEOUT = "States.HeartbeatTimeout"
RUNTIME = "States.Runtime"
DATA_LIMIT = "States.DataLimitExceeded"
# Never matched by a wildcard; Runtime is never retried or caught at all (§10.1).
_NOT_WILDCARD = frozenset({RUNTIME, DATA_LIMIT})


def matches(error_equals: Sequence[str], error: str, heartbeat: bool = False) -> bool:
    """``heartbeat``: the error is a missed heartbeat, which AWS records as States.Timeout
    while a retrier or catcher naming States.HeartbeatTimeout still applies to it (§18)."""
    if error == RUNTIME:
        return False
    for name in error_equals:
        if name == error or (heartbeat and name == HEARTBEAT_TIMEOUT):
            return True
        if error in _NOT_WILDCARD:
            continue
        if name == ALL or (name == TASK_FAILED and error != TIMEOUT):
            return True
    return False


def find_retrier(retriers: Sequence[Retrier], error: str, heartbeat: bool = False) -> int | None:
    """Index of the FIRST retrier whose ErrorEquals matches (no fall-through, §11.1)."""
    for index, retrier in enumerate(retriers):
        if matches(retrier.error_equals, error, heartbeat):
            return index
    return None


def find_catcher(catchers: Sequence[Catcher], error: str,
                 heartbeat: bool = False) -> Catcher | None:
    for catcher in catchers:
        if matches(catcher.error_equals, error, heartbeat):
            return catcher
    return None


def retry_delay(retrier: Retrier, attempt: int, random: Callable[[], float]) -> float:
    """Seconds before retry number ``attempt`` (1-based): IntervalSeconds × BackoffRate^(n−1),
    capped by MaxDelaySeconds; FULL jitter draws uniformly below that."""
    delay = retrier.interval_seconds * retrier.backoff_rate ** (attempt - 1)
    if retrier.max_delay_seconds is not None:
        delay = min(delay, retrier.max_delay_seconds)
    if retrier.jitter_strategy == "FULL":
        delay = delay * random()
    return delay

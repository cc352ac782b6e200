"""Clocks the runners inject into the core: the real one, and a virtual one for tests that
jumps straight to the next timer instead of sleeping."""
from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta, timezone


class SystemClock:
    virtual = False

    def now(self) -> datetime:
        return datetime.now(timezone.utc)

    def sleep_until(self, due: float, wake: threading.Event) -> None:
        delay = due - time.time()
        if delay > 0:
            wake.wait(delay)


class VirtualClock:
    """Time stands still until the runner, idle, advances it to the next due timer."""

    virtual = True

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2024, 1, 1, tzinfo=timezone.utc)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += timedelta(seconds=seconds)

    def sleep_until(self, due: float, wake: threading.Event) -> None:
        with self._lock:
            target = datetime.fromtimestamp(due, timezone.utc)
            if target.timestamp() < due:
                # datetime keeps microseconds: a fractional due time (a jittered retry
                # delay) may round down and never count as due; round up instead.
                target += timedelta(microseconds=1)
            if target > self._now:
                self._now = target

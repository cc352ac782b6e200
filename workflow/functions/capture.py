"""Per-invocation capture of a handler's stdout, stderr and ``logging`` output.

Redirection is thread-local, so concurrent invocations on worker threads never mix their
lines. The process-wide hooks (a router on ``sys.stdout``/``sys.stderr`` and a handler on the
root logger) exist only while at least one capture is active, so the host program's own output
and ``logging.basicConfig`` behave normally otherwise.
"""
from __future__ import annotations

import io
import logging
import sys
import threading
import time
from types import TracebackType
from typing import Any, TextIO

_local = threading.local()
_hooks_lock = threading.Lock()
_active = 0

# awslambdaric's text log format (bootstrap._setup_logging).
_FORMAT = "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n"
_DATEFMT = "%Y-%m-%dT%H:%M:%S"


class _Router:
    """Stands in for sys.stdout/sys.stderr: the current thread's capture, else the original."""

    def __init__(self, fallback: TextIO | None) -> None:
        self.fallback = fallback

    def write(self, text: str) -> int:
        capture = current()
        if capture is not None:
            capture.write(text)
        elif self.fallback is not None:       # sys.stdout may be None (pythonw, daemons)
            return self.fallback.write(text)
        return len(text)

    def flush(self) -> None:
        if current() is None and self.fallback is not None:
            self.fallback.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.fallback, name)


class _LogHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        formatter = logging.Formatter(_FORMAT, _DATEFMT)
        formatter.converter = time.gmtime        # Lambda log timestamps are UTC
        self.setFormatter(formatter)

    def emit(self, record: logging.LogRecord) -> None:
        capture = current()
        if capture is None:
            self._outside(record)
            return
        record.aws_request_id = capture.request_id
        try:
            capture.write(self.format(record))
        except Exception:  # noqa: BLE001 - logging must never break the handler
            self.handleError(record)

    def _outside(self, record: logging.LogRecord) -> None:
        # A record from a thread that is not invoking: behave as if we were not installed.
        root = logging.getLogger()
        if root.handlers == [self] and logging.lastResort is not None:
            if record.levelno >= logging.lastResort.level:
                logging.lastResort.handle(record)


_log_handler = _LogHandler()


class Capture:
    """``with Capture(request_id) as capture:`` collects this thread's output."""

    def __init__(self, request_id: str) -> None:
        self.request_id = request_id
        self._buffer = io.StringIO()
        self._previous: Capture | None = None

    def write(self, text: str) -> None:
        self._buffer.write(text)

    def text(self) -> str:
        return self._buffer.getvalue()

    def lines(self) -> list[str]:
        return self.text().splitlines()

    def __enter__(self) -> "Capture":
        _acquire_hooks()
        self._previous = current()
        _local.capture = self
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        _local.capture = self._previous
        _release_hooks()


def current() -> Capture | None:
    return getattr(_local, "capture", None)


def _acquire_hooks() -> None:
    global _active
    with _hooks_lock:
        _active += 1
        # Re-checked every time: someone (e.g. pytest) may have swapped the streams meanwhile.
        if not isinstance(sys.stdout, _Router):
            sys.stdout = _Router(sys.stdout)     # type: ignore[assignment]
        if not isinstance(sys.stderr, _Router):
            sys.stderr = _Router(sys.stderr)     # type: ignore[assignment]
        root = logging.getLogger()
        if _log_handler not in root.handlers:
            root.addHandler(_log_handler)


def _release_hooks() -> None:
    global _active
    with _hooks_lock:
        _active -= 1
        if _active:
            return
        if isinstance(sys.stdout, _Router):
            sys.stdout = sys.stdout.fallback
        if isinstance(sys.stderr, _Router):
            sys.stderr = sys.stderr.fallback
        logging.getLogger().removeHandler(_log_handler)

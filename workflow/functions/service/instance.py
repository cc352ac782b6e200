"""One execution environment: a runtime process, its Runtime API channel and its log file.

An instance runs one invocation at a time. Its output goes to a file opened O_APPEND (stdout
and stderr interleaved in write order); whatever the process wrote before it answered is in the
file when the answer arrives, so each invocation's lines are read back exactly from an offset.
A watcher thread waits on the process: if it exits mid-invocation that invocation fails
(Runtime.ExitError) and nothing else does.
"""
from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from workflow.functions.service import launch
from workflow.functions.service.records import FunctionConfig
from workflow.functions.service.runtime_api import Channel, Invocation

INIT_TIMEOUT_S = 10.0            # Lambda's init phase limit
ROTATE_BYTES = 1 << 20


@dataclass
class Ran:
    """What an invocation produced, before it is shaped as an InvocationResult."""
    invocation: Invocation
    init_text: str
    text: str
    init_ms: float | None
    duration_ms: float
    max_memory_mb: int
    reusable: bool


class Instance:
    def __init__(self, config: FunctionConfig, code_dir: Path, log_dir: Path,
                 python_ric: str = "builtin", verify_peers: bool = True) -> None:
        self.config = config
        self.id = uuid.uuid4().hex[:12]
        self.log_path = log_dir / f"{config.name}-{self.id}.log"
        self._log_fd: int | None = os.open(self.log_path, os.O_RDONLY | os.O_CREAT, 0o600)
        self.channel = Channel(verify_peers, self.log_path)
        self._offset = 0
        self.used = 0
        self.last_used = time.monotonic()
        self.exit_code: int | None = None
        self._peak_mb = 0
        self._status_fd: int | None = None
        self.started = time.perf_counter()
        try:
            self.process: subprocess.Popen[bytes] | None = launch.spawn(
                config, code_dir, f"127.0.0.1:{self.channel.port}", self.log_path, python_ric)
        except OSError as exc:
            self.process = None
            self.channel.session_known.set()
            self.channel.init_failed(_entrypoint_error(exc), "Runtime.InvalidEntrypoint")
            return
        self.channel.session = self.process.pid
        self.channel.session_known.set()
        self._status_fd = _open(f"/proc/{self.process.pid}/status")
        threading.Thread(target=self._watch, name=f"fn-{self.id}", daemon=True).start()

    @property
    def alive(self) -> bool:
        return self.process is not None and self.exit_code is None and not self.channel.closed

    def _watch(self) -> None:
        assert self.process is not None
        self.exit_code = self.process.wait()
        self.channel.fail("exit", str(self.exit_code).encode())

    def run(self, invocation: Invocation, timeout_s: float) -> Ran:
        cold = self.used == 0
        self.used += 1
        self.channel.submit(invocation)
        if cold and not invocation.handed.wait(INIT_TIMEOUT_S) and not invocation.done.is_set():
            self.kill()
            invocation.complete("init_timeout")
        if not invocation.done.wait(timeout_s):
            self.kill()
            invocation.complete("timeout")
        init_end = self.channel.first_next
        init_ms = (init_end - self.started) * 1000 if cold and init_end else None
        init_text = self._read(self.channel.init_log_size or 0) if cold else ""
        text = self._read(None)
        began = invocation.began or invocation.ended
        return Ran(invocation, init_text, text, init_ms,
                   max(0.0, (invocation.ended - began) * 1000), self.max_memory_mb(),
                   invocation.kind in ("response", "error") and self.alive)

    def _read(self, upto: int | None) -> str:
        """The log written since the last read: up to offset ``upto`` (the init phase's part,
        whatever was written before the first /next), or all of it."""
        chunks: list[bytes] = []
        while self._log_fd is not None:
            want = (1 << 20) if upto is None else upto - self._offset
            data = os.pread(self._log_fd, want, self._offset) if want > 0 else b""
            self._offset += len(data)
            chunks.append(data)
            if len(data) < want or upto is not None:
                break
        if upto is None and self._offset > ROTATE_BYTES and self.alive:
            os.truncate(self.log_path, 0)
            self._offset = 0
        return b"".join(chunks).decode("utf-8", "replace")

    def max_memory_mb(self) -> int:
        """Peak resident memory (VmHWM) so far; the last reading once the process is gone."""
        if self._status_fd is None or self.exit_code is not None:
            return self._peak_mb
        try:
            text = os.pread(self._status_fd, 4096, 0).decode("ascii", "replace")
        except OSError:
            return self._peak_mb
        start = text.find("VmHWM:")
        if start >= 0:
            kilobytes = int(text[start + 6:text.index("kB", start)])
            self._peak_mb = max(self._peak_mb, -(-kilobytes // 1024))
        return self._peak_mb

    def kill(self) -> None:
        self.channel.close()
        if self.process is not None and self.exit_code is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass

    def discard(self) -> None:
        self.kill()
        if self.process is not None:
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                pass
        for fd in (self._log_fd, self._status_fd):
            if fd is not None:
                os.close(fd)
        self._log_fd = self._status_fd = None
        try:
            os.unlink(self.log_path)
        except OSError:
            pass


def _open(path: str) -> int | None:
    try:
        return os.open(path, os.O_RDONLY)
    except OSError:
        return None


def _entrypoint_error(exc: OSError) -> bytes:
    import json
    message = f"Couldn't find valid bootstrap(s): {exc.filename or exc}"
    return json.dumps({"errorType": "Runtime.InvalidEntrypoint",
                       "errorMessage": message}).encode()

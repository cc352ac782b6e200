"""Real processes for the Celery runner's tests: a private redis-server, Celery workers and
the timer service. Every process is started in its own session, stopped by its own process
group id, and dies with the test process (PR_SET_PDEATHSIG) if that is killed first.

Each test session gets its own redis-server on a free port rather than a DB of the shared
one: engineers run the suite concurrently in one checkout, and a session's workers would
consume (and its flush would erase) another session's messages on a shared DB.
"""
from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import redis

from conftest import REPO

VIRTUAL_EPOCH = 1704067200.0          # 2024-01-01T00:00:00Z, the embedded VirtualClock's start


def _die_with_parent() -> None:
    # Runs in the child before exec: SIGTERM it when the test process goes away.
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)   # PR_SET_PDEATHSIG


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(check: Any, timeout: float, what: str, pause: float = 0.05) -> Any:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            value = check()
        except (redis.ConnectionError, OSError):
            value = None
        if value:
            return value
        time.sleep(pause)
    raise AssertionError(f"timed out waiting for {what}")


@dataclass
class RedisServer:
    """A private redis-server in ``directory`` (AOF on when ``aof``)."""
    directory: Path
    aof: bool = False
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> "RedisServer":
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir",
             str(self.directory), "--appendonly", "yes" if self.aof else "no", "--save", "",
             "--protected-mode", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
            preexec_fn=_die_with_parent)
        wait_until(lambda: redis.Redis(port=self.port).ping(), 10, "redis-server")
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)      # AOF flushed on a clean shutdown
            self.process.wait(10)


class Stack:
    """Workers + timer service against one broker/store, with the env they share."""

    def __init__(self, tmp: Path, broker: str, *, virtual: bool, workers: int = 2,
                 concurrency: int = 2, visibility_timeout: int = 3600,
                 store: str | None = None) -> None:
        self.tmp = tmp
        self.env = dict(os.environ, SFN_BROKER_URL=broker,
                        SFN_STORE_URL=store or broker,
                        SFN_VISIBILITY_TIMEOUT=str(visibility_timeout),
                        PYTHONPATH=str(REPO))
        self.env.pop("SFN_REDIS_URL", None)
        if virtual:
            self.env["SFN_CLOCK"] = "virtual"
        else:
            self.env.pop("SFN_CLOCK", None)
        self.virtual, self.count, self.concurrency = virtual, workers, concurrency
        self.workers: list[subprocess.Popen[bytes]] = []
        self.timers: subprocess.Popen[bytes] | None = None
        self._serial = 0

    @property
    def settings(self) -> Any:
        from workers.config import Settings
        return Settings.from_env(self.env)

    def _spawn(self, args: list[str], log: str) -> subprocess.Popen[bytes]:
        out = open(self.tmp / log, "ab")
        return subprocess.Popen(args, env=self.env, cwd=self.tmp, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True,
                                preexec_fn=_die_with_parent)

    def start_worker(self) -> subprocess.Popen[bytes]:
        self._serial += 1
        worker = self._spawn([sys.executable, "-m", "celery", "-A", "workers.app", "worker",
                              "-c", str(self.concurrency), "-n", f"w{self._serial}@%h",
                              "--loglevel", "WARNING", "--without-gossip", "--without-mingle",
                              "--without-heartbeat"], f"worker{self._serial}.log")
        self.workers.append(worker)
        return worker

    def start_timers(self) -> None:
        args = [sys.executable, "-m", "workflow.cli", "timers"]
        self.timers = self._spawn(args + (["--virtual"] if self.virtual else []), "timers.log")

    def start(self) -> "Stack":
        for _ in range(self.count):
            self.start_worker()
        self.start_timers()
        self.wait_ready()
        return self

    def wait_ready(self, timeout: float = 60) -> None:
        from workers.config import make_app
        app = make_app(self.settings)
        result = app.send_task("sfn.noop", queue="sfn.transitions")
        result.get(timeout=timeout)
        app.send_task("sfn.noop", queue="sfn.functions").get(timeout=timeout)

    @staticmethod
    def kill(process: subprocess.Popen[bytes] | None, sig: int = signal.SIGTERM,
             group: bool = False) -> None:
        """SIGTERM: the process shuts down its own children; ``group``: the whole group."""
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(process.pid, sig) if group else process.send_signal(sig)
            process.wait(20)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)
        try:
            os.killpg(process.pid, signal.SIGKILL)     # whatever of the group is left
        except ProcessLookupError:
            pass

    def stop(self) -> None:
        for worker in self.workers:
            self.kill(worker)
        self.kill(self.timers)

    def runner(self) -> Any:
        from workflow.runner.celery_runner import CeleryRunner
        return CeleryRunner(self.settings)


def settle_virtual(runner: Any, epoch: float = VIRTUAL_EPOCH, timeout: float = 30) -> None:
    """Between corpus cases: wait until nothing runs, forget stray timers of finished
    executions, and put virtual time back at 2024-01-01 like a fresh VirtualClock."""
    from workers import keys
    from workers.clock import RedisClock
    client = runner.rt.redis
    clock = RedisClock(client, settle=0.0)
    wait_until(lambda: clock.idle() and clock.idle(), timeout, "idle workers", 0.002)
    client.delete(keys.TIMERS, keys.TIMERS_FIRING, keys.TIMER_RUNS)
    clock.set(epoch)

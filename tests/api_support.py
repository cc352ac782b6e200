"""Starting a real ``sfn server`` process for the API tests, and boto3 clients for it."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

KEY, SECRET = "AKIASFNTESTKEY000001", "test-secret-key/for+the+sfn+server+tests"
ROLE = "arn:aws:iam::000000000000:role/sfn-test"
REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    url: str
    db: Path
    process: subprocess.Popen
    log: Path

    def client(self, key: str = KEY, secret: str = SECRET, **config: Any) -> Any:
        import boto3
        from botocore.config import Config
        # inject_host_prefix: StartSyncExecution would go to "sync-127.0.0.1" otherwise.
        options = {"retries": {"max_attempts": 1}, "read_timeout": 70,
                   "inject_host_prefix": False, **config}
        return boto3.client("stepfunctions", endpoint_url=self.url, region_name="us-east-1",
                            aws_access_key_id=key, aws_secret_access_key=secret,
                            config=Config(**options))

    def store(self) -> Any:
        from workflow.store.sqlite import SqliteStore
        return SqliteStore(self.db)


def server_env(db: Path, keys: bool = True) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("SFN_BROKER_URL", "SFN_STORE_URL", "SFN_ACCESS_KEY_ID",
                        "SFN_SECRET_ACCESS_KEY")}
    env["SFN_DB"] = str(db)
    if keys:
        env["SFN_ACCESS_KEY_ID"], env["SFN_SECRET_ACCESS_KEY"] = KEY, SECRET
    return env


@contextmanager
def running_server(tmp: Path, *args: str, keys: bool = True,
                   env: dict[str, str] | None = None) -> Iterator[Server]:
    """``env`` adds variables (e.g. SFN_BROKER_URL for the Celery runner)."""
    port = free_port()
    db = tmp / "sfn.db"
    log = tmp / f"server-{port}.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "workflow.cli", "server", "--port", str(port),
             "--activity-poll-seconds", "1", *args],
            env={**server_env(db, keys), **(env or {})}, stdout=out,
            stderr=subprocess.STDOUT, cwd=tmp)
    server = Server(f"http://127.0.0.1:{port}", db, process, log)
    try:
        _wait_for(port, process, log)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_for(port: int, process: subprocess.Popen, log: Path, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"sfn server exited: {log.read_text()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"sfn server did not listen on {port}: {log.read_text()}")


def definition(states: dict[str, Any], start: str | None = None, **top: Any) -> str:
    return json.dumps({"StartAt": start or next(iter(states)), "States": states, **top})


PASS = definition({"A": {"Type": "Pass", "Result": {"ok": True}, "ResultPath": "$.a",
                         "Next": "B"},
                   "B": {"Type": "Pass", "Next": "C"}, "C": {"Type": "Succeed"}})


def wait_status(client: Any, arn: str, timeout: float = 10) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        described = client.describe_execution(executionArn=arn)
        if described["status"] != "RUNNING" or time.monotonic() > deadline:
            return described
        time.sleep(0.02)


def error_code(exc_info: Any) -> str:
    return exc_info.value.response["Error"]["Code"]


def snapshot(server: Server) -> tuple[int, int]:
    """(state machine records, executions) in the server's store."""
    with server.store() as store:
        kinds = ("machine", "version", "alias", "activity")
        machines = sum(len(store.list_state_machines(kind=k)) for k in kinds)
        executions, _ = store.list_executions(limit=10_000)
    return machines, len(executions)

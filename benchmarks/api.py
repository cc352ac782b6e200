"""API throughput: ``sfn server`` against moto's server mode (``moto_server``), same machine,
same run, same boto3 clients.

Workload: an EXPRESS state machine of three states (Pass, Pass, Succeed). One "iteration" is
StartExecution followed by DescribeExecution of the execution it started; the rate counted
is requests per second (two per iteration) over wall time, with 1 and with 8 concurrent
clients (threads, one boto3 client each). moto's server has no StartSyncExecution, so both are
driven through StartExecution. Figures are printed, never asserted.

moto runs in its default mode, which records executions without interpreting them: its
``execute_state_machine`` mode fails every StartExecution after the first in server mode
(moto 5.2: "cannot pickle '_thread.RLock' object"). So moto does less work per request
than sfn, which runs each execution to its end on a worker thread; the ratio favours moto.

    python benchmarks/api.py [--quick] [--seconds S]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import boto3
from botocore.config import Config

REPO = Path(__file__).resolve().parents[1]
KEY, SECRET = "AKIASFNBENCHMARK0001", "benchmark-secret-for-the-local-sfn-server"
ROLE = "arn:aws:iam::123456789012:role/benchmark"
DEFINITION = json.dumps({"StartAt": "A", "States": {
    "A": {"Type": "Pass", "Result": {"step": 1}, "ResultPath": "$.a", "Next": "B"},
    "B": {"Type": "Pass", "Next": "C"}, "C": {"Type": "Succeed"}}})
CLIENTS = (1, 8)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_port(port: int, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port}")


@contextmanager
def process(command: list[str], port: int, env: dict[str, str], cwd: str) -> Iterator[None]:
    proc = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        wait_port(port, proc)
        yield
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextmanager
def sfn_server(tmp: str) -> Iterator[str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SFN_")}
    env.update(SFN_DB=os.path.join(tmp, "sfn.db"), SFN_ACCESS_KEY_ID=KEY,
               SFN_SECRET_ACCESS_KEY=SECRET, PYTHONPATH=str(REPO))
    with process([sys.executable, "-m", "workflow.cli", "server", "--port", str(port)],
                 port, env, tmp):
        yield f"http://127.0.0.1:{port}"


@contextmanager
def moto(tmp: str) -> Iterator[str]:
    port = free_port()
    command = [shutil.which("moto_server") or "moto_server", "-H", "127.0.0.1", "-p", str(port)]
    with process(command, port, dict(os.environ), tmp):
        yield f"http://127.0.0.1:{port}"


def client(url: str) -> Any:
    return boto3.client("stepfunctions", endpoint_url=url, region_name="us-east-1",
                        aws_access_key_id=KEY, aws_secret_access_key=SECRET,
                        config=Config(retries={"max_attempts": 1}, inject_host_prefix=False,
                                      max_pool_connections=16))


def measure(url: str, machine: str, clients: int, seconds: float) -> tuple[int, float, str]:
    """(requests, elapsed seconds, status of the last execution) for ``clients`` threads."""
    counts = [0] * clients
    last: list[str] = [""]
    stop_at = time.monotonic() + seconds
    barrier = threading.Barrier(clients + 1)

    def work(index: int) -> None:
        sfn = client(url)
        barrier.wait()
        while time.monotonic() < stop_at:
            arn = sfn.start_execution(stateMachineArn=machine, name=uuid.uuid4().hex,
                                      input='{"n": 1}')["executionArn"]
            sfn.describe_execution(executionArn=arn)
            counts[index] += 2
            last[0] = arn
    threads = [threading.Thread(target=work, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.monotonic()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return sum(counts), elapsed, final_status(url, last[0])


def final_status(url: str, arn: str, timeout: float = 10) -> str:
    sfn = client(url)
    deadline = time.monotonic() + timeout
    status = "RUNNING"
    while status == "RUNNING" and time.monotonic() < deadline:
        status = sfn.describe_execution(executionArn=arn)["status"]
        time.sleep(0.05)
    return status


def bench(name: str, url: str, seconds: float) -> dict[int, float]:
    sfn = client(url)
    machine = sfn.create_state_machine(name="bench", definition=DEFINITION, roleArn=ROLE,
                                       type="EXPRESS")["stateMachineArn"]
    measure(url, machine, 1, min(0.5, seconds))                   # warm up
    rates = {}
    for clients in CLIENTS:
        count, elapsed, status = measure(url, machine, clients, seconds)
        rates[clients] = count / elapsed
        print(f"{name:<12} {clients:>7} {count:>9} {elapsed:>8.2f} {rates[clients]:>10.1f}"
              f"   {status}")
    return rates


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1 s per measurement")
    parser.add_argument("--seconds", type=float, default=5.0, help="seconds per measurement")
    args = parser.parse_args(argv)
    seconds = 1.0 if args.quick else args.seconds
    print("StartExecution + DescribeExecution, EXPRESS machine of 3 states, "
          f"{seconds:g} s per measurement")
    print(f"{'server':<12} {'clients':>7} {'requests':>9} {'seconds':>8} {'req/s':>10}"
          "   last execution")
    with tempfile.TemporaryDirectory() as tmp:
        with sfn_server(tmp) as url:
            ours = bench("sfn server", url, seconds)
        with moto(tmp) as url:
            theirs = bench("moto_server", url, seconds)
    for clients in CLIENTS:
        print(f"ratio sfn/moto with {clients} client{'s' * (clients > 1)}: "
              f"{ours[clients] / theirs[clients]:.2f}")


if __name__ == "__main__":
    main()

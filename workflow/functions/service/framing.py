"""Each invocation's log framed as Lambda frames it in CloudWatch:

    <init output>
    START RequestId: <id> Version: <version>
    <the function's lines>
    END RequestId: <id>
    REPORT RequestId: <id>  Duration: 1.23 ms  Billed Duration: 2 ms  Memory Size: 128 MB
           Max Memory Used: 31 MB  Init Duration: 80.12 ms

Billed Duration is rounded up to the millisecond (since Dec 2020) and includes the INIT phase
on a cold start (billed for on-demand zip functions since 1 Aug 2025; lambda-xray.md §2).
"""
from __future__ import annotations

import base64
import math
import signal
import time

TAIL_BYTES = 4096


def billed_ms(duration_ms: float, init_ms: float | None) -> int:
    return max(1, math.ceil(duration_ms + (init_ms or 0.0)))


def frame(request_id: str, version: str, init_text: str, text: str, *, duration_ms: float,
          memory_mb: int, max_memory_mb: int, init_ms: float | None,
          status: str | None = None) -> str:
    report = (f"REPORT RequestId: {request_id}\tDuration: {duration_ms:.2f} ms\t"
              f"Billed Duration: {billed_ms(duration_ms, init_ms)} ms\t"
              f"Memory Size: {memory_mb} MB\tMax Memory Used: {max_memory_mb} MB\t")
    if init_ms is not None:
        report += f"Init Duration: {init_ms:.2f} ms\t"
    if status:
        report += f"Status: {status}"
    body = text if not text or text.endswith("\n") else text + "\n"
    head = init_text if not init_text or init_text.endswith("\n") else init_text + "\n"
    return (f"{head}START RequestId: {request_id} Version: {version}\n{body}"
            f"END RequestId: {request_id}\n{report.rstrip()}\n")


def tail(log: str) -> str:
    """LogResult: base64 of the last 4 KB."""
    return base64.b64encode(log.encode("utf-8")[-TAIL_BYTES:]).decode("ascii")


def stamp() -> str:
    now = time.time()
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + f".{int(now * 1000) % 1000:03d}Z"


def exit_reason(code: int) -> str:
    """Lambda's wording: ``exit status 1``, ``signal: segmentation fault``."""
    if code >= 0:
        return f"exit status {code}"
    names = {signal.SIGSEGV: "segmentation fault", signal.SIGKILL: "killed",
             signal.SIGABRT: "aborted", signal.SIGTERM: "terminated", signal.SIGBUS: "bus error"}
    number = -code
    try:
        return f"signal: {names.get(signal.Signals(number), signal.Signals(number).name)}"
    except ValueError:
        return f"signal: {number}"

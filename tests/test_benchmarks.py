"""The benchmarks keep running: each is started at its smallest size and must exit 0 and print
its headings. Nothing here looks at a time."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def run(script: str, *args: str) -> str:
    done = subprocess.run([sys.executable, str(BENCHMARKS / script), *args],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_interpreter_quick() -> None:
    pytest.importorskip("moto", reason="moto[stepfunctions] comes with the dev extra")
    out = run("interpreter.py", "--quick")
    for heading in ("workload", "sfn EXPRESS", "sfn STANDARD", "moto stock", "moto memo",
                    "Pass chain", "Choice loop", "Map", "ratio (steady)",
                    "peak memory of the Map run", "targets"):
        assert heading in out


def test_validate_once() -> None:
    out = run("validate.py", "--repeat", "1")
    assert "states" in out and "load ms" in out


def test_celery_runner_quick() -> None:
    out = run("celery_runner.py", "--quick")
    for heading in ("bare no-op task round trip", "each further Task state", "transitions/s",
                    "scaling 1 -> 2 worker processes", "Map of 200 items", "Redis memory"):
        assert heading in out


def test_functions_quick() -> None:
    out = run("functions.py", "--quick")
    for heading in ("warm round trip", "plain in-process call", "our Python bootstrap",
                    "overhead", "cold start", "Init Duration", "throughput", "4 caller(s)"):
        assert heading in out

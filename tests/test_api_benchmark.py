"""benchmarks/api.py keeps running: started at its shortest, it must exit 0 and print its
headings (sfn server and moto_server, both client counts, the ratios). No time is checked."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARK = Path(__file__).resolve().parents[1] / "benchmarks" / "api.py"


def test_api_benchmark_runs() -> None:
    if shutil.which("moto_server") is None:
        pytest.skip("moto_server comes with the dev extra (moto[server])")
    done = subprocess.run([sys.executable, str(BENCHMARK), "--seconds", "0.3"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    for heading in ("sfn server", "moto_server", "req/s", "ratio sfn/moto with 1 client",
                    "ratio sfn/moto with 8 clients"):
        assert heading in done.stdout

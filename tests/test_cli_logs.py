"""`sfn logs EXECUTION` on both runners: a real `sfn run` process records each function
invocation's log lines in the store, per state, attempt (a retry is an attempt of its own)
and run (a Map iteration), and `sfn logs` prints them from there."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest

from conftest import REPO

FUNCTIONS = REPO / "tests" / "functions" / "logging_fns.py"
LOGGED = {"StartAt": "Charge", "States": {
    "Charge": {"Type": "Task", "Resource": "charge", "Next": "Ship",
               "Retry": [{"ErrorEquals": ["ValueError"], "MaxAttempts": 1,
                          "IntervalSeconds": 1, "BackoffRate": 1.0}],
               "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Ship",
                          "ResultPath": "$.error"}]},
    "Ship": {"Type": "Map", "ItemsPath": "$.items", "End": True, "ItemProcessor": {
        "StartAt": "Pack", "States": {"Pack": {"Type": "Task", "Resource": "pack",
                                               "End": True}}}}}}
INPUT = json.dumps({"order": "o-7", "items": ["cup", "saucer"]})
HEADING = re.compile(r"^== (\S+) attempt (\d+)(?: \(run (\S+)\))? [\d:.]+ \d+ ms(?: (\S+))?$")


def sfn(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "workflow.cli", *args], capture_output=True,
                          text=True, env=env, timeout=120)


def run_and_show(path: Path, name: str, *options: str, env: dict[str, str],
                 type_: str = "STANDARD") -> tuple[str, str]:
    ran = sfn("run", str(path), "--input", INPUT, "--name", name, "--type", type_,
              "--functions", str(FUNCTIONS), *options, env=env)
    assert ran.returncode == 0, ran.stderr
    shown = sfn("logs", name, *options, env=env)
    assert shown.returncode == 0, shown.stderr
    return shown.stdout, shown.stderr


def embedded_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("SFN_BROKER_URL", "SFN_STORE_URL")}


def check(text: str, options: tuple[str, ...], env: dict[str, str]) -> None:
    """Charge's two attempts (both failed), then one Pack per Map iteration."""
    headings = [HEADING.match(line) for line in text.splitlines() if line.startswith("==")]
    assert all(headings), text
    found = [m.groups() for m in headings if m is not None]
    assert [(s, a, e) for s, a, r, e in found[:2]] == [("Charge", "1", "ValueError"),
                                                       ("Charge", "2", "ValueError")]
    assert [(s, a, e) for s, a, r, e in found[2:]] == [("Pack", "1", None)] * 2
    assert len({r for _, _, r, _ in found[2:]}) == 2 and found[0][2] is None
    blocks = text.split("== ")[1:]
    assert all("   charging o-7" in b and "card of o-7 declined" in b for b in blocks[:2])
    assert sorted(b.splitlines()[1] for b in blocks[2:]) == ["   packing cup", "   packing saucer"]
    shown = sfn("logs", "l1", "--state", "Charge", "--json", *options, env=env).stdout
    entries: list[dict[str, Any]] = [json.loads(line) for line in shown.splitlines()]
    assert [e["attempt"] for e in entries] == [1, 2] and entries[0]["task_id"]
    assert len({e["request_id"] for e in entries}) == 2
    assert entries[0]["timestamp"] < entries[1]["timestamp"]


def test_embedded_standard_execution(tmp_path: Path, definition_file: Any) -> None:
    options = ("--db", str(tmp_path / "sfn.db"))
    text, _ = run_and_show(definition_file(LOGGED), "l1", *options, env=embedded_env())
    check(text, options, embedded_env())


def test_embedded_express_execution_keeps_none(tmp_path: Path, definition_file: Any) -> None:
    text, note = run_and_show(definition_file(LOGGED), "x1", "--db", str(tmp_path / "sfn.db"),
                              env=embedded_env(), type_="EXPRESS")
    assert text == "" and "EXPRESS" in note


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from celery_support import RedisServer, Stack
    tmp: Path = tmp_path_factory.mktemp("logs-celery")
    redis_server = RedisServer(tmp).start()
    workers = Stack(tmp, redis_server.url(0), virtual=False, workers=2)
    try:
        yield workers.start()
    finally:
        workers.stop()
        redis_server.stop()


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed")
def test_celery_execution(stack: Any, definition_file: Any) -> None:
    text, _ = run_and_show(definition_file(LOGGED), "l1", env=stack.env)
    check(text, (), stack.env)

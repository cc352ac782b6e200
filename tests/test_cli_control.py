"""Reaching a running embedded execution from another process: callbacks and stop."""
from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from test_cli import sfn

CALLBACK = {"StartAt": "Ask", "States": {
    "Ask": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}},
            "Next": "Done"},
    "Done": {"Type": "Succeed"}}}


def start(path: Path, db: Path, name: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "workflow.cli", "run", str(path), "--json",
                             "--name", name, "--db", str(db)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def wait_for_event(db: Path, name: str, kind: str, deadline: float = 30) -> dict[str, Any]:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        result = sfn("history", name, "--json", "--db", str(db))
        for line in result.stdout.splitlines():
            event = json.loads(line)
            if event["type"] == kind:
                return event
        time.sleep(0.1)
    raise AssertionError(f"no {kind} event in {name}")


def test_task_success_from_another_process(tmp_path: Path, definition_file) -> None:
    db = tmp_path / "sfn.db"
    process = start(definition_file(CALLBACK), db, "cb")
    try:
        token = wait_for_event(db, "cb", "TaskScheduled")["parameters"]["MessageBody"]["token"]
        assert sfn("task-heartbeat", token, "--db", str(db)).returncode == 0
        assert sfn("task-success", token, "--output", '{"approved": true}', "--db",
                   str(db)).returncode == 0
        out, _ = process.communicate(timeout=30)
    finally:
        process.kill()
    assert json.loads(out)["output"] == {"approved": True}
    again = sfn("task-success", token, "--output", "{}", "--db", str(db))
    assert again.returncode == 2 and "TaskDoesNotExist" in again.stderr


def test_task_failure_is_caught_like_any_task_error(tmp_path: Path, definition_file) -> None:
    document = json.loads(json.dumps(CALLBACK))
    document["States"]["Ask"]["Catch"] = [{"ErrorEquals": ["Rejected"], "Next": "Done",
                                           "ResultPath": "$.why"}]
    db = tmp_path / "sfn.db"
    process = start(definition_file(document), db, "cbf")
    try:
        token = wait_for_event(db, "cbf", "TaskScheduled")["parameters"]["MessageBody"]["token"]
        sfn("task-failure", token, "--error", "Rejected", "--cause", "no", "--db", str(db))
        out, _ = process.communicate(timeout=30)
    finally:
        process.kill()
    assert json.loads(out)["output"]["why"] == {"Error": "Rejected", "Cause": "no"}


def test_stop_aborts_a_running_execution(tmp_path: Path, definition_file) -> None:
    db = tmp_path / "sfn.db"
    process = start(definition_file(CALLBACK), db, "st")
    try:
        wait_for_event(db, "st", "TaskStarted")
        assert sfn("stop", "st", "--error", "Manual", "--cause", "operator", "--db",
                   str(db)).returncode == 0
        out, _ = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 1
    line = json.loads(out)
    assert (line["status"], line["error"], line["cause"]) == ("ABORTED", "Manual", "operator")
    assert wait_for_event(db, "st", "ExecutionAborted")["error"] == "Manual"

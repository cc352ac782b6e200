"""The AWS CLI, unchanged, against ``sfn server``: create, start, describe, history."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from api_support import KEY, PASS, ROLE, SECRET, running_server

AWS = shutil.which("aws")
pytestmark = pytest.mark.skipif(AWS is None, reason="the awscli package is not installed")


def _aws(url: str, *args: str) -> Any:
    env = {"AWS_ACCESS_KEY_ID": KEY, "AWS_SECRET_ACCESS_KEY": SECRET,
           "AWS_DEFAULT_REGION": "us-east-1", "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
           "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null"}
    done = subprocess.run([AWS, "stepfunctions", *args, "--endpoint-url", url,  # type: ignore[list-item]
                           "--output", "json"], env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout) if done.stdout.strip() else None


def test_aws_cli_create_start_describe_history(tmp_path: Path) -> None:
    with running_server(tmp_path) as server:
        created = _aws(server.url, "create-state-machine", "--name", "cli",
                       "--definition", PASS, "--role-arn", ROLE)
        arn = created["stateMachineArn"]
        started = _aws(server.url, "start-execution", "--state-machine-arn", arn,
                       "--name", "by-cli", "--input", '{"from": "cli"}')
        deadline = time.monotonic() + 10
        while True:
            described = _aws(server.url, "describe-execution", "--execution-arn",
                             started["executionArn"])
            if described["status"] != "RUNNING" or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert described["status"] == "SUCCEEDED"
        assert json.loads(described["output"]) == {"from": "cli", "a": {"ok": True}}
        history = _aws(server.url, "get-execution-history", "--execution-arn",
                       started["executionArn"])
        assert history["events"][0]["type"] == "ExecutionStarted"
        assert history["events"][-1]["type"] == "ExecutionSucceeded"

"""The dashboard over the Celery runner (``SFN_BROKER_URL``): the state panel shows each
attempt's function log lines as the function workers kept them (``sfn logs``'s data)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Iterator

import pytest

from api_support import ROLE, Server, running_server, wait_status
from dashboard_support import Dashboard
from test_dashboard_api import CAUGHT, FUNCTIONS

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None,
                                reason="redis-server is not installed")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    from celery_support import RedisServer, Stack
    tmp: Path = tmp_path_factory.mktemp("dashboard-celery")
    redis_server = RedisServer(tmp).start()
    stack = Stack(tmp, redis_server.url(0), virtual=False, workers=1)
    try:
        stack.start()
        env = {k: stack.env[k] for k in ("SFN_BROKER_URL", "SFN_STORE_URL")}
        with running_server(tmp, "--functions", str(FUNCTIONS), env=env) as srv:
            yield srv
    finally:
        stack.stop()
        redis_server.stop()


def test_attempts_carry_their_log_lines(server: Server) -> None:
    sfn = server.client()
    machine = sfn.create_state_machine(name="logged", definition=CAUGHT,
                                       roleArn=ROLE)["stateMachineArn"]
    arn = sfn.start_execution(stateMachineArn=machine, name="c1",
                              input=json.dumps({"order": "o-7"}))["executionArn"]
    assert wait_status(sfn, arn, timeout=60)["status"] == "FAILED"
    ui = Dashboard(server)
    story = ui.get("state", arn=arn, name="Try").json()
    (visit,) = story["visits"]
    assert [a["error"] for a in visit["attempts"]] == ["ValueError", "ValueError"]
    assert all(any("trying o-7" in line for line in a["logs"]) for a in visit["attempts"])
    assert "sfn logs" in story["logsNote"]
    greet = ui.get("state", arn=arn, name="Greet").json()
    assert any("hello o-7" in line for line in greet["visits"][0]["attempts"][0]["logs"])

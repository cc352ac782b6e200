"""The dashboard's JSON API on a real ``sfn server``: sign-in and CSRF, actions forwarded to
the AWS protocol's handlers, filters and keyset pages over 10,000 executions written straight
to the store, the execution view (statuses, banner, graph), a state's attempts, the live
stream, and Stop / Redrive."""
from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, Iterator

import pytest
import requests

from api_support import REPO, ROLE, Server, definition, running_server, wait_status
from dashboard_support import CALLBACK_TASK, Dashboard, task_token

FUNCTIONS = REPO / "tests" / "functions" / "dashboard_fns.py"
CAUGHT = definition({
    "Try": {"Type": "Task", "Resource": "always_fails", "Next": "Greet",
            "Retry": [{"ErrorEquals": ["ValueError"], "MaxAttempts": 1,
                       "IntervalSeconds": 1, "BackoffRate": 1.0}],
            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Greet",
                       "ResultPath": "$.error"}]},
    "Greet": {"Type": "Task", "Resource": "greet", "Next": "Fail"},
    "Fail": {"Type": "Fail", "Error": "Order.Rejected", "Cause": "out of stock"}})
WAITING = definition({"Wait for it": {**CALLBACK_TASK, "End": True}})


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running_server(tmp_path_factory.mktemp("dashboard"), "--functions",
                        str(FUNCTIONS)) as srv:
        yield srv


@pytest.fixture(scope="module")
def sfn(server: Server) -> Any:
    return server.client()


@pytest.fixture(scope="module")
def ui(server: Server) -> Dashboard:
    return Dashboard(server)


def _machine(sfn: Any, name: str, text: str) -> str:
    return str(sfn.create_state_machine(name=name, definition=text,
                                        roleArn=ROLE)["stateMachineArn"])


# ---- sign-in and CSRF -------------------------------------------------------------------


def test_pages_and_api_need_a_session(server: Server) -> None:
    page = requests.get(f"{server.url}/ui/executions?status=FAILED", allow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"] == "/ui/login?next=%2Fui%2Fexecutions%3Fstatus%3DFAILED"
    assert requests.get(f"{server.url}/ui/api/executions").status_code == 401
    forged = {"sfn_session": f"{int(time.time())}.{'0' * 64}"}
    assert requests.get(f"{server.url}/ui/api/executions", cookies=forged).status_code == 401


def test_sign_in_needs_the_secret_and_sets_a_strict_cookie(server: Server) -> None:
    wrong = requests.post(f"{server.url}/ui/login", data={"secret": "nope", "next": "/ui/"},
                          headers={"Origin": server.url}, allow_redirects=False)
    assert wrong.status_code == 401 and "sfn_session" not in wrong.cookies
    from api_support import SECRET
    right = requests.post(f"{server.url}/ui/login",
                          data={"secret": SECRET, "next": "https://evil.example/"},
                          headers={"Origin": server.url}, allow_redirects=False)
    assert right.status_code == 303 and right.headers["location"] == "/ui/"
    cookie = right.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "path=/ui" in cookie
    cross = requests.post(f"{server.url}/ui/login", data={"secret": SECRET},
                          headers={"Origin": "https://evil.example"}, allow_redirects=False)
    assert cross.status_code == 401


def test_posts_need_this_origin_and_the_csrf_token(ui: Dashboard) -> None:
    assert ui.act("ListStateMachines", {}).status_code == 200
    assert ui.act("ListStateMachines", {}, **{"X-CSRF-Token": ""}).status_code == 403
    assert ui.act("ListStateMachines", {}, **{"X-CSRF-Token": "0" * 64}).status_code == 403
    assert ui.act("ListStateMachines", {}, Origin="https://evil.example").status_code == 403
    assert ui.act("ListStateMachines", {}, Origin="").status_code == 403   # neither header


def test_pages_carry_a_strict_content_security_policy(ui: Dashboard) -> None:
    page = ui.http.get(f"{ui.url}/ui/execution",
                       params={"arn": "</script><script>alert(1)</script>"})
    assert page.status_code == 200
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "</script><script>alert(1)" not in page.text
    assert "\\u003c/script\\u003e\\u003cscript\\u003ealert(1)" in page.text
    assert "<script>" not in page.text.replace('<script type="application/json"', "")


# ---- forwarded actions ------------------------------------------------------------------


def test_actions_are_the_aws_handlers(sfn: Any, ui: Dashboard) -> None:
    arn = _machine(sfn, "forwarded", WAITING)
    execution = sfn.start_execution(stateMachineArn=arn, name="one")["executionArn"]
    mine = ui.act("DescribeExecution", {"executionArn": execution}).json()
    theirs = sfn.describe_execution(executionArn=execution)
    assert mine["status"] == theirs["status"] and mine["input"] == theirs["input"]
    assert mine["startDate"] == pytest.approx(theirs["startDate"].timestamp())
    bad = ui.act("DescribeExecution", {})
    assert bad.status_code == 400 and "ValidationException" in bad.json()["__type"]
    missing = ui.act("DescribeExecution", {"executionArn": execution + "x"})
    assert "ExecutionDoesNotExist" in missing.json()["__type"]
    refused = ui.act("DeleteStateMachine", {"stateMachineArn": arn})
    assert "UnknownOperationException" in refused.json()["__type"]
    assert sfn.describe_state_machine(stateMachineArn=arn)["status"] == "ACTIVE"
    stopped = ui.act("StopExecution", {"executionArn": execution})
    assert stopped.status_code == 200
    assert wait_status(sfn, execution)["status"] == "ABORTED"


def test_redrive_through_the_dashboard(sfn: Any, ui: Dashboard) -> None:
    arn = _machine(sfn, "redriven", WAITING)
    execution = sfn.start_execution(stateMachineArn=arn, name="r")["executionArn"]
    wait_for(lambda: _has_event(sfn, execution, "TaskScheduled"))
    sfn.send_task_failure(taskToken=task_token(sfn, execution), error="Nope", cause="c")
    assert wait_status(sfn, execution)["status"] == "FAILED"
    assert ui.act("RedriveExecution", {"executionArn": execution}).status_code == 200
    assert sfn.describe_execution(executionArn=execution)["redriveCount"] == 1
    sfn.stop_execution(executionArn=execution)


# ---- the execution view -----------------------------------------------------------------


def wait_for(check: Any, timeout: float = 15) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError("timed out")


def _has_event(sfn: Any, arn: str, kind: str) -> bool:
    events = sfn.get_execution_history(executionArn=arn)["events"]
    return any(e["type"] == kind for e in events)


def test_execution_view_banner_and_state_attempts(sfn: Any, ui: Dashboard) -> None:
    arn = _machine(sfn, "caught", CAUGHT)
    execution = sfn.start_execution(stateMachineArn=arn, name="o1",
                                    input=json.dumps({"order": "</script>"}))["executionArn"]
    assert wait_status(sfn, execution)["status"] == "FAILED"
    view = ui.get("execution", arn=execution).json()
    statuses = {s["name"]: s["status"] for s in view["states"]}
    assert statuses == {"Try": "caught", "Greet": "succeeded", "Fail": "failed"}
    assert view["banner"]["error"] == "Order.Rejected" and view["banner"]["state"] == "Fail"
    assert [c["state"] for c in view["banner"]["caught"]] == ["Try"]
    assert view["svg"].startswith("<svg") and 'class="node sfn&#45;status&#45;caught"' in view["svg"]
    story = ui.get("state", arn=execution, name="Try").json()
    (visit,) = story["visits"]
    assert visit["input"] == {"order": "</script>"}
    assert [a["status"] for a in visit["attempts"]] == ["failed", "failed"]
    assert all(a["error"] == "ValueError" and "no stock" in a["cause"]
               for a in visit["attempts"])
    assert all(any("trying </script>" in line for line in a["logs"])
               for a in visit["attempts"])          # the embedded engine keeps them too
    assert "sfn logs" in story["logsNote"]
    assert len({a["requestId"] for a in visit["attempts"]}) == 2


def test_live_stream_pushes_the_callback(sfn: Any, ui: Dashboard) -> None:
    arn = _machine(sfn, "live", WAITING)
    execution = sfn.start_execution(stateMachineArn=arn, name="l")["executionArn"]
    wait_for(lambda: _has_event(sfn, execution, "TaskStarted"))
    with ui.http.get(f"{ui.url}/ui/api/live", params={"arn": execution, "after": 0},
                     stream=True, timeout=20) as stream:
        updates = _updates(stream)
        first = next(updates)
        assert first["states"][0]["status"] == "waiting" and "svg" in first
        assert [e["type"] for e in first["events"]][:2] == ["ExecutionStarted",
                                                             "TaskStateEntered"]
        sfn.send_task_success(taskToken=task_token(sfn, execution), output="{}")
        final = next(u for u in updates if u["executionStatus"] == "SUCCEEDED")
        assert final["states"][0]["status"] == "succeeded" and "svg" in final
        assert final["events"][-1]["type"] == "ExecutionSucceeded"


def _updates(stream: requests.Response) -> Iterator[dict[str, Any]]:
    kind = None
    for line in stream.iter_lines(decode_unicode=True):
        if line.startswith("event: "):
            kind = line[7:]
        elif line.startswith("data: ") and kind == "update":
            yield json.loads(line[6:])


def test_state_inside_a_map_has_a_visit_per_item(sfn: Any, ui: Dashboard) -> None:
    text = definition({"Each": {"Type": "Map", "End": True, "ItemsPath": "$.items",
                                "ItemProcessor": {"StartAt": "Double", "States": {
                                    "Double": {"Type": "Pass", "End": True}}}}})
    arn = _machine(sfn, "mapped", text)
    execution = sfn.start_execution(stateMachineArn=arn, name="m",
                                    input=json.dumps({"items": [1, 2, 3]}))["executionArn"]
    assert wait_status(sfn, execution)["status"] == "SUCCEEDED"
    story = ui.get("state", arn=execution, name="Double").json()
    assert story["visitCount"] == 3
    assert sorted(v["input"] for v in story["visits"]) == [1, 2, 3]
    assert len({v["run"] for v in story["visits"]}) == 3
    assert all(v["status"] == "succeeded" and v["output"] == v["input"]
               for v in story["visits"])
    view = ui.get("execution", arn=execution).json()
    assert {s["name"]: s["status"] for s in view["states"]} == {"Each": "succeeded",
                                                                "Double": "succeeded"}

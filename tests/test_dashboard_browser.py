"""The dashboard in headless Chromium (Debian's ``chromium``, driven by Playwright): the live
execution page follows a callback task from waiting to succeeded without a reload, and
hostile state names, error names, causes and inputs (and a function's description and log
lines) render as text on every page."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

import pytest

from api_support import ROLE, Server, definition, running_server, wait_status
from dashboard_support import (CALLBACK_TASK, EVIL_DESCRIPTION, EVIL_LOG, chromium,
                               hostile_function, signed_in_page, task_token)

EVIL_STATE = "<img src=x onerror=alert(1)>"
EVIL_ERROR = "<img src=x onerror=alert(2)>"
EVIL_CAUSE = "</script><script>alert(3)</script>"
EVIL_INPUT = {"note": "</script><script>alert(4)</script>", "html": "<b onclick=alert(5)>b</b>"}
LIVE = definition({"Wait for callback": {**CALLBACK_TASK, "Next": "Record"},
                   "Record": {"Type": "Pass", "End": True}})
HOSTILE = definition({EVIL_STATE: {"Type": "Pass", "Next": "Reject"},
                      "Reject": {"Type": "Fail", "Error": EVIL_ERROR, "Cause": EVIL_CAUSE}})
NODE = '#graph g.node[data-state="{}"]'


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running_server(tmp_path_factory.mktemp("dashboard-browser")) as srv:
        yield srv


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


def _page_path(kind: str, arn: str) -> str:
    from urllib.parse import quote
    return f"/ui/{kind}?arn={quote(arn, safe='')}"


def test_callback_state_turns_succeeded_without_reload(server: Server, browser: Any,
                                                       tmp_path: Path) -> None:
    sfn = server.client()
    machine = sfn.create_state_machine(name="live", definition=LIVE,
                                       roleArn=ROLE)["stateMachineArn"]
    arn = sfn.start_execution(stateMachineArn=machine, name="order-42",
                              input=json.dumps({"order": 42}))["executionArn"]
    page = signed_in_page(browser, server, _page_path("execution", arn))
    node = page.locator(NODE.format("Wait for callback"))
    page.wait_for_selector(NODE.format("Wait for callback") + ":is(.sfn-status-waiting, "
                           ".sfn-status-running)", timeout=15_000)
    assert "Waiting" in node.get_attribute("aria-label")
    node.click()
    page.wait_for_selector("#panel-title")
    page.screenshot(path=str(tmp_path / "execution-waiting.png"), full_page=True)
    page.evaluate("window.__notReloaded = true")

    sfn.send_task_success(taskToken=task_token(sfn, arn), output=json.dumps({"ok": True}))
    page.wait_for_selector(NODE.format("Wait for callback") + ".sfn-status-succeeded",
                           timeout=15_000)
    page.wait_for_selector("#execution-status .sfn-status-succeeded", timeout=15_000)
    page.wait_for_selector('#events tr[data-id="9"]', timeout=15_000)  # ExecutionSucceeded
    assert page.evaluate("window.__notReloaded") is True
    assert page.locator(NODE.format("Record")).get_attribute("class").count(
        "sfn-status-succeeded") == 1
    assert wait_status(sfn, arn)["status"] == "SUCCEEDED"
    page.screenshot(path=str(tmp_path / "execution-succeeded.png"), full_page=True)
    assert (tmp_path / "execution-succeeded.png").stat().st_size > 10_000
    assert page.dialogs == []
    page.close()


def _assert_inert(page: Any, *texts: str) -> None:
    """No dialog, no injected element, and each hostile string shown as literal text."""
    assert page.dialogs == []
    assert page.evaluate("document.querySelectorAll('img, iframe, object, embed').length") == 0
    assert page.evaluate("document.querySelectorAll('script:not([src]):not("
                         "[type=\"application/json\"])').length") == 0
    assert page.evaluate("document.querySelectorAll('[onclick], [onerror]').length") == 0
    shown = page.evaluate("document.body.innerText + ' ' + "
                          "[...document.querySelectorAll('svg text')].map(t => t.textContent)"
                          ".join(' ') + ' ' + [...document.querySelectorAll('input')]"
                          ".map(i => i.value).join(' ')")
    for text in texts:
        assert text in shown, f"{text!r} is not shown as text"


def test_hostile_names_and_input_render_as_text_everywhere(server: Server, browser: Any,
                                                           tmp_path: Path) -> None:
    sfn = server.client()
    machine = sfn.create_state_machine(name="hostile", definition=HOSTILE,
                                       roleArn=ROLE)["stateMachineArn"]
    arn = sfn.start_execution(stateMachineArn=machine, name="x1",
                              input=json.dumps(EVIL_INPUT))["executionArn"]
    assert wait_status(sfn, arn)["status"] == "FAILED"
    page = signed_in_page(browser, server, "/ui/")
    page.wait_for_selector("text=hostile")
    _assert_inert(page, "hostile")

    page.goto(server.url + _page_path("machine", machine))
    page.wait_for_selector(NODE.replace("#graph", ".graph").format(EVIL_STATE))
    _assert_inert(page, EVIL_STATE, EVIL_ERROR)

    from urllib.parse import quote
    page.goto(f"{server.url}/ui/executions?error={quote(EVIL_ERROR)}")
    page.wait_for_selector("#executions td.error-name")
    _assert_inert(page, EVIL_ERROR, "x1")

    page.goto(server.url + _page_path("execution", arn))
    page.wait_for_selector(NODE.format(EVIL_STATE))
    page.wait_for_selector("#events tr")
    _assert_inert(page, EVIL_STATE, EVIL_ERROR, EVIL_CAUSE)

    page.locator(NODE.format(EVIL_STATE)).click()
    page.wait_for_selector("#panel .json")
    assert page.locator("#panel-title").inner_text() == EVIL_STATE
    _assert_inert(page, EVIL_STATE, EVIL_INPUT["note"], EVIL_INPUT["html"])
    page.screenshot(path=str(tmp_path / "hostile-execution.png"), full_page=True)

    page.goto(f"{server.url}/ui/execution?arn={quote(EVIL_CAUSE)}")
    page.wait_for_selector("#app .error")
    _assert_inert(page)
    page.close()


def test_function_pages_show_logs_as_text(server: Server, browser: Any, tmp_path: Path) -> None:
    hostile_function(server, "hostile-fn")
    page = signed_in_page(browser, server, "/ui/functions")
    page.wait_for_selector('#functions tr[data-function="hostile-fn"]')
    row = page.locator('#functions tr[data-function="hostile-fn"]').inner_text()
    assert "python3.11" in row and "256 MB" in row and "8 s" in row
    _assert_inert(page, "hostile-fn")

    page.click("text=hostile-fn")
    page.wait_for_selector("#invocations pre.log")
    _assert_inert(page, EVIL_LOG, EVIL_DESCRIPTION, "START RequestId:", "REPORT RequestId:",
                  "2: 75%, 1: 25%")
    assert page.locator("#code-sha").inner_text().endswith("=")
    cli = page.locator("details.cli").text_content()
    for words in ("sfn functions get hostile-fn", "sfn functions stats hostile-fn",
                  "sfn functions logs hostile-fn", "sfn invoke hostile-fn --payload '{}'"):
        assert words in cli
    page.screenshot(path=str(tmp_path / "function.png"), full_page=True)
    page.close()

"""Signing in to the dashboard of a running ``sfn server`` (api_support.running_server), with
requests for the JSON API and with headless Chromium (Debian's ``chromium`` driven by
Playwright; never a browser Playwright downloads) for the pages."""
from __future__ import annotations

import json
import os
import re
import shutil
from contextlib import contextmanager
from typing import Any, Iterator

import pytest
import requests

from api_support import SECRET, Server

CHROMIUM = os.environ.get("SFN_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
_BOOT = re.compile(r'<script type="application/json" id="sfn-boot">(.*?)</script>')
CALLBACK_TASK = {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                 "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}}}


class Dashboard:
    """A signed-in requests session: ``get`` for /ui/api/..., ``act`` for forwarded actions."""

    def __init__(self, server: Server) -> None:
        self.url = server.url
        self.http = requests.Session()
        reply = self.http.post(f"{self.url}/ui/login", data={"secret": SECRET, "next": "/ui/"},
                               headers={"Origin": self.url}, allow_redirects=False)
        assert reply.status_code == 303, reply.text
        page = self.http.get(f"{self.url}/ui/").text
        self.csrf = json.loads(_BOOT.search(page).group(1))["csrf"]

    def get(self, path: str, **params: Any) -> requests.Response:
        return self.http.get(f"{self.url}/ui/api/{path}", params=params, timeout=30)

    def act(self, action: str, body: dict[str, Any], **headers: str) -> requests.Response:
        sent = {"Origin": self.url, "X-CSRF-Token": self.csrf, **headers}
        return self.http.post(f"{self.url}/ui/api/action/{action}", json=body,
                              headers={k: v for k, v in sent.items() if v}, timeout=30)


def task_token(client: Any, arn: str) -> str:
    """The token the parked callback task put in its message."""
    for event in client.get_execution_history(executionArn=arn)["events"]:
        if event["type"] == "TaskScheduled":
            parameters = json.loads(event["taskScheduledEventDetails"]["parameters"])
            return str(parameters["MessageBody"]["token"])
    raise AssertionError("no TaskScheduled event yet")


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Chromium browser (skipped where Debian's chromium is not installed, except
    in CI, whose .ci/run installs it)."""
    if not shutil.which(CHROMIUM):
        if os.environ.get("CI"):
            raise AssertionError(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def signed_in_page(browser: Any, server: Server, path: str = "/ui/") -> Any:
    """A new page that signed in through the form and landed on ``path``; dialogs (an
    ``alert`` would be one) are recorded in ``page.dialogs`` and dismissed."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(server.url + path)
    page.fill("input[name=secret]", SECRET)
    page.click("button[type=submit]")
    page.wait_for_selector("main#app")
    return page


EVIL_LOG = "<img src=x onerror=alert(6)></script><script>alert(7)</script>"
EVIL_DESCRIPTION = "<img src=x onerror=alert(8)>"


def lambda_client(server: Server) -> Any:
    import boto3
    from botocore.config import Config
    from api_support import KEY
    return boto3.client("lambda", endpoint_url=server.url, region_name="us-east-1",
                        aws_access_key_id=KEY, aws_secret_access_key=SECRET,
                        config=Config(retries={"max_attempts": 1}, read_timeout=30))


def _zip(source: str) -> bytes:
    import io
    import zipfile
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", source)
    return buffer.getvalue()


HOSTILE_HANDLER = _zip("def handler(event, context):\n"
                       f"    print({EVIL_LOG!r})\n"
                       "    if event.get('fail'):\n        raise ValueError('boom')\n"
                       "    return {'ok': True}\n")


def hostile_function(server: Server, name: str) -> dict[str, Any]:
    """A function whose description and log line are hostile markup: invoked twice (one
    error), versions 1 and 2, alias ``live`` on 2 with 25% routed to 1."""
    from api_support import ROLE
    lam = lambda_client(server)
    created = lam.create_function(FunctionName=name, Runtime="python3.11", Role=ROLE,
                                  Handler="app.handler", Description=EVIL_DESCRIPTION,
                                  MemorySize=256, Timeout=7, Code={"ZipFile": HOSTILE_HANDLER})
    for event in ({}, {"fail": True}):
        lam.invoke(FunctionName=name, Payload=json.dumps(event))
    lam.publish_version(FunctionName=name)
    lam.update_function_configuration(FunctionName=name, Timeout=8)
    lam.publish_version(FunctionName=name)
    lam.create_alias(FunctionName=name, Name="live", FunctionVersion="2",
                     RoutingConfig={"AdditionalVersionWeights": {"1": 0.25}})
    return created

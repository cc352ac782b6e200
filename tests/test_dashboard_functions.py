"""The dashboard's Functions pages on a real ``sfn server``: a function created and invoked
through the Lambda API shows on the list with its meters, and on its own page with its
configuration, versions, aliases with routing weights, stats and Lambda-framed logs; hostile
markup in a description or a log line comes back as JSON data, for the scripts to insert as
text, under the pages' Content-Security-Policy."""
from __future__ import annotations

from typing import Any, Iterator

import pytest
import requests

from api_support import Server, running_server
from dashboard_support import EVIL_DESCRIPTION, EVIL_LOG, Dashboard, hostile_function


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running_server(tmp_path_factory.mktemp("dashboard-functions")) as srv:
        yield srv


@pytest.fixture(scope="module")
def ui(server: Server) -> Dashboard:
    return Dashboard(server)


@pytest.fixture(scope="module")
def created(server: Server) -> dict[str, Any]:
    return hostile_function(server, "orders")


def test_list_shows_configuration_and_meters(ui: Dashboard, created: dict[str, Any]) -> None:
    listed = ui.get("functions")
    assert listed.status_code == 200
    row = next(f for f in listed.json()["Functions"] if f["FunctionName"] == "orders")
    assert (row["Runtime"], row["MemorySize"], row["Timeout"]) == ("python3.11", 256, 8)
    assert row["LastModified"]
    stats = row["Stats"]
    assert (stats["Invocations"], stats["Errors"], stats["Throttles"]) == (2, 1, 0)
    assert 0 < stats["DurationP50Ms"] <= stats["DurationP99Ms"]


def test_function_page_data(ui: Dashboard, created: dict[str, Any]) -> None:
    detail = ui.get("function", name="orders").json()
    assert detail["Configuration"]["CodeSha256"] == created["CodeSha256"]
    assert detail["Configuration"]["Description"] == EVIL_DESCRIPTION
    assert [v["Version"] for v in detail["Versions"]] == ["$LATEST", "1", "2"]
    (alias,) = detail["Aliases"]
    assert alias["Name"] == "live" and alias["FunctionVersion"] == "2"
    assert alias["RoutingConfig"]["AdditionalVersionWeights"] == {"1": 0.25}
    assert detail["Stats"]["Errors"] == 1
    latest, first = detail["Invocations"]
    assert latest["Error"] and first["Error"] is None
    for record in (latest, first):
        lines = record["Log"].splitlines()
        assert lines[0].startswith(f"START RequestId: {record['RequestId']}")
        assert EVIL_LOG in lines
        assert any(line.startswith(f"END RequestId: {record['RequestId']}") for line in lines)
        assert any(line.startswith(f"REPORT RequestId: {record['RequestId']}") for line in lines)


def test_unknown_function_and_no_session(server: Server, ui: Dashboard) -> None:
    missing = ui.get("function", name="nope")
    assert missing.status_code == 404
    assert missing.json()["__type"] == "ResourceNotFoundException"
    assert requests.get(f"{server.url}/ui/api/functions").status_code == 401
    page = requests.get(f"{server.url}/ui/function?name=orders", allow_redirects=False)
    assert page.status_code == 303


def test_pages_are_shells_under_the_csp(server: Server, ui: Dashboard,
                                        created: dict[str, Any]) -> None:
    for path in ("/ui/functions", "/ui/function?name=" + requests.utils.quote(EVIL_LOG)):
        page = ui.http.get(server.url + path)
        assert page.status_code == 200
        assert "script-src 'self'" in page.headers["Content-Security-Policy"]
        assert '<a href="/ui/functions" aria-current="page">Functions</a>' in page.text
        assert '<script src="/ui/static/functions.js" defer></script>' in page.text
        assert "<img" not in page.text and page.text.count("</script>") == 3
    assert "\\u003cimg src=x onerror=alert(6)\\u003e\\u003c/script\\u003e" in page.text

"""``sfn render`` and ``sfn watch`` as users run them: real processes, a real store, real
Graphviz."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from test_cli import EXAMPLE, no_traceback, sfn
from test_cli_control import CALLBACK, start, wait_for_event
from workflow.store import SqliteStore, StateMachineRecord

pytestmark = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot is required")

ORDER = EXAMPLE / "order.asl.json"


def watch(*args: str, cwd: Path | None = None,
          env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``sfn watch`` with a wide terminal, so that no figure is wrapped."""
    return subprocess.run([sys.executable, "-m", "workflow.cli", "watch", *args],
                          capture_output=True, text=True, timeout=60, cwd=cwd,
                          env={**(env or os.environ), "COLUMNS": "200"})


def run_order(db: Path, name: str = "o1") -> None:
    result = sfn("run", str(ORDER), "--input", f"@{EXAMPLE / 'input.json'}", "--functions",
                 str(EXAMPLE / "functions.py"), "--name", name, "--db", str(db))
    assert result.returncode == 0, result.stderr


def test_render_definition_in_every_format(tmp_path: Path) -> None:
    for suffix in ("svg", "png", "dot"):
        out = tmp_path / f"order.{suffix}"
        result = sfn("render", str(ORDER), "-o", str(out))
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == f"{out}: 11 states"
    ET.fromstring((tmp_path / "order.svg").read_bytes())
    assert (tmp_path / "order.png").read_bytes().startswith(b"\x89PNG")
    assert (tmp_path / "order.dot").read_text().startswith("digraph sfn {")


def test_render_an_execution_from_the_store(tmp_path: Path) -> None:
    db = tmp_path / "sfn.db"
    run_order(db)
    out = tmp_path / "run.dot"
    result = sfn("render", "--execution", "o1", "-o", str(out), "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("execution succeeded")
    text = out.read_text()
    assert "sfn-status-succeeded" in text and "sfn-status-skipped" in text
    assert "items: 3/3 succeeded" in text and "sfn-taken" in text
    svg = tmp_path / "run.svg"
    assert sfn("render", str(ORDER), "--execution", "o1", "-o", str(svg), "--db",
               str(db)).returncode == 0
    ET.fromstring(svg.read_bytes())


def test_render_a_stored_state_machine_by_name(tmp_path: Path) -> None:
    db = tmp_path / "sfn.db"
    arn = "arn:aws:states:us-east-1:000000000000:stateMachine:Orders"
    with SqliteStore(str(db)) as store:
        store.put_state_machine(StateMachineRecord(arn, "Orders", ORDER.read_text()))
    for name in ("Orders", arn):
        out = tmp_path / "sm.dot"
        result = sfn("render", name, "-o", str(out), "--db", str(db))
        assert result.returncode == 0, result.stderr
        assert "ValidateOrder" in out.read_text()


def test_render_errors_are_one_line(tmp_path: Path) -> None:
    for args in (["render", str(ORDER), "-o", str(tmp_path / "x.gif")],
                 ["render", "NoSuchMachine", "-o", str(tmp_path / "x.svg"), "--db",
                  str(tmp_path / "sfn.db")],
                 ["render", "-o", str(tmp_path / "x.svg")]):
        result = sfn(*args)
        assert result.returncode == 2, result
        assert result.stderr.startswith("sfn: error: ") and len(result.stderr.splitlines()) == 1
        no_traceback(result)


def test_watch_once_shows_a_finished_execution(tmp_path: Path) -> None:
    db = tmp_path / "sfn.db"
    run_order(db)
    result = watch("o1", "--once", "--db", str(db))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "✓ Succeeded" in out and "– Not taken" in out and "Rejected" in out
    assert "items: 3/3 succeeded" in out and "ExecutionSucceeded" in out
    assert '"status": "SHIPPED"' in out                      # the final output
    lines = out.splitlines()
    names = [n for n in ("PriceLines", "PriceLine ", "Totals") if any(n in l for l in lines)]
    assert names == ["PriceLines", "PriceLine ", "Totals"]
    order = [next(i for i, l in enumerate(lines) if n in l) for n in names]
    assert order == sorted(order)                            # nested states follow their Map


def test_watch_shows_the_error_of_a_failed_execution(tmp_path: Path, definition_file) -> None:
    db = tmp_path / "sfn.db"
    path = definition_file({"StartAt": "Stop", "States": {
        "Stop": {"Type": "Fail", "Error": "Nope", "Cause": "<b>not</b> today"}}})
    assert sfn("run", str(path), "--name", "f1", "--db", str(db)).returncode == 1
    result = watch("f1", "--once", "--db", str(db))
    assert result.returncode == 1
    assert "✕ Failed" in result.stdout and "Nope" in result.stdout
    assert "<b>not</b> today" in result.stdout


def test_watch_follows_a_running_execution_until_it_ends(tmp_path: Path,
                                                         definition_file) -> None:
    db = tmp_path / "sfn.db"
    process = start(definition_file(CALLBACK), db, "live")
    watcher = None
    try:
        wait_for_event(db, "live", "TaskStarted")
        once = watch("live", "--once", "--db", str(db))
        assert once.returncode == 0, once.stderr
        assert "current: Ask" in once.stdout and "⏸ Waiting" in once.stdout
        assert "○ Not started" in once.stdout
        watcher = subprocess.Popen([sys.executable, "-m", "workflow.cli", "watch", "live",
                                    "--interval", "0.1", "--db", str(db)],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                   env={**os.environ, "COLUMNS": "200"})
        assert sfn("stop", "live", "--error", "Manual", "--db", str(db)).returncode == 0
        out, err = watcher.communicate(timeout=30)
        process.communicate(timeout=30)
    finally:
        process.kill()
        if watcher is not None:
            watcher.kill()
    assert watcher.returncode == 1, err
    assert "⊘ Aborted" in out and "Manual" in out


def test_watch_reads_the_store_named_by_sfn_store_url(tmp_path: Path) -> None:
    db = tmp_path / "elsewhere.db"
    run_order(db)
    env = {**os.environ, "SFN_STORE_URL": f"sqlite://{db}"}
    env.pop("SFN_DB", None)
    result = watch("o1", "--once", cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    assert "✓ Succeeded" in result.stdout


def test_an_express_execution_without_history_takes_its_status_from_the_record(
        tmp_path: Path) -> None:
    import workflow
    from visualizer.follow import Tracker
    from visualizer.styles import Status
    definition = {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}}
    with SqliteStore(str(tmp_path / "sfn.db")) as store:
        execution = workflow.run(definition, {"x": 1}, type="EXPRESS", name="ex", store=store)
        tracker = Tracker(store, execution.execution_arn)
        diagram = tracker.poll()
    assert tracker.events == [] and tracker.finished
    assert diagram.execution.status is Status.SUCCEEDED
    assert diagram.execution.output == {"x": 1}

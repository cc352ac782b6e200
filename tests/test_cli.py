"""The `sfn` command as users run it: a real process, real files, exit codes, one-line errors."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

EXAMPLE = REPO / "examples" / "order"


def sfn(*args: str, cwd: Path | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "workflow.cli", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=timeout)


def no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr + result.stdout


# ---- validate ---------------------------------------------------------------------------------

def test_validate_valid_file_exit_0(tmp_path: Path) -> None:
    result = sfn("validate", str(EXAMPLE / "order.asl.json"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("valid (0 errors, 0 warnings)")


def test_validate_reports_every_finding_with_position(definition_file) -> None:
    path = definition_file({"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Next": "Nowhere", "Bogus": 1},
        "B": {"Type": "Pass", "End": True}}})
    result = sfn("validate", str(path))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert any(f"{path}:6:7:" in line and "MISSING_TRANSITION_TARGET" in line
               and "(at /States/A/Next)" in line for line in lines), lines
    assert any("Field 'Bogus' is not supported" in line for line in lines), lines
    assert any("is not reachable" in line for line in lines), lines
    assert lines[-1].startswith(f"{path}: INVALID (")
    assert "best match:" in lines[-1]


def test_validate_json_format_is_aws_shape(definition_file) -> None:
    path = definition_file({"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "X"}}})
    result = sfn("validate", "--format", "json", str(path))
    shape = json.loads(result.stdout)
    assert shape["result"] == "FAIL"
    assert {"severity": "ERROR", "code": "MISSING_TRANSITION_TARGET",
            "message": "Missing 'Next' target: X", "location": "/States/A/Next"
            } in shape["diagnostics"]


def test_validate_warnings_only_exit_0(definition_file) -> None:
    path = definition_file({"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Parameters": {"x": "$.looks.like.a.path"}, "End": True}}})
    result = sfn("validate", str(path))
    assert result.returncode == 0
    assert "warning NO_DOLLAR" in result.stdout


@pytest.mark.parametrize("content, fragment", [
    (b"", "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "binary data"),
    (b"[1, 2, 3]", "top-level value is an array"),
    (b"{not json", "not valid JSON"),
    (b"[" * 10_000 + b"]" * 10_000, "nested 10,000 levels deep"),
])
def test_validate_bad_input_is_one_line(tmp_path: Path, content: bytes, fragment: str) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    result = sfn("validate", str(path))
    no_traceback(result)
    assert result.returncode == 1
    findings = [line for line in result.stdout.splitlines() if ": error " in line]
    assert len(findings) == 1 and fragment in findings[0], result.stdout


def test_validate_fifty_megabytes(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    with path.open("wb") as fh:
        fh.write(b'{"Comment": "')
        fh.seek(50 * 1024 * 1024)
        fh.write(b'"}')
    result = sfn("validate", str(path))
    no_traceback(result)
    assert result.returncode == 1 and "limit is 1,048,576 characters" in result.stdout


def test_validate_unreadable_file_exit_2(tmp_path: Path) -> None:
    result = sfn("validate", str(tmp_path / "missing.json"))
    no_traceback(result)
    assert result.returncode == 2 and "no such file" in result.stderr


def test_validate_yaml(tmp_path: Path) -> None:
    path = tmp_path / "m.asl.yaml"
    path.write_text("StartAt: A\nStates:\n  A:\n    Type: Pass\n    Next: B\n")
    result = sfn("validate", str(path))
    assert result.returncode == 1
    assert f"{path}:5:5: error MISSING_TRANSITION_TARGET" in result.stdout


def test_usage_error_exit_2() -> None:
    result = sfn("validate")
    assert result.returncode == 2
    no_traceback(result)


# ---- run ----------------------------------------------------------------------------------------

def run_demo(tmp_path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return sfn("run", str(EXAMPLE / "order.asl.json"), "--input",
               f"@{EXAMPLE / 'input.json'}", "--functions", str(EXAMPLE / "functions.py"),
               "--db", str(tmp_path / "sfn.db"), *extra, cwd=tmp_path)


def test_run_demo_and_inspect_the_store(tmp_path: Path) -> None:
    result = run_demo(tmp_path, "--name", "demo-1")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["status"] == "SHIPPED"
    db = ("--db", str(tmp_path / "sfn.db"))
    listed = sfn("executions", "list", *db)
    assert "SUCCEEDED" in listed.stdout and "demo-1" in listed.stdout
    described = json.loads(sfn("describe", "demo-1", *db).stdout)
    assert described["status"] == "SUCCEEDED" and described["output"]["total"] == 67.5
    events = [json.loads(line) for line in sfn("history", "demo-1", "--json", *db).stdout.splitlines()]
    assert events[0]["type"] == "ExecutionStarted" and events[-1]["type"] == "ExecutionSucceeded"
    assert [e["id"] for e in events] == list(range(1, len(events) + 1))


def test_run_failure_json_line_exit_1(tmp_path: Path) -> None:
    result = sfn("run", str(EXAMPLE / "order.asl.json"), "--json", "--functions",
                 str(EXAMPLE / "functions.py"), "--db", str(tmp_path / "sfn.db"), "--input",
                 '{"orderId": "7", "currency": "EUR", "card": "0000-1", "lines": [{"sku": "pen", "qty": 1}]}')
    assert result.returncode == 1
    line = json.loads(result.stdout)
    assert set(line) == {"status", "output", "error", "cause", "executionArn"}
    assert (line["status"], line["error"], line["cause"]) == (
        "FAILED", "OrderRejected", "Order 7 was rejected")


def test_run_invalid_definition_exit_2(definition_file, tmp_path: Path) -> None:
    path = definition_file({"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "X"}}})
    result = sfn("run", str(path), "--db", str(tmp_path / "sfn.db"))
    assert result.returncode == 2
    assert "MISSING_TRANSITION_TARGET" in result.stderr and "(at /States/A/Next)" in result.stderr


@pytest.mark.parametrize("value, fragment", [
    ("{bad", "--input is not valid JSON"),
    ("@/nonexistent/input.json", "no such file"),
])
def test_run_bad_input_one_line(tmp_path: Path, value: str, fragment: str) -> None:
    result = run_demo(tmp_path, "--input", value)
    no_traceback(result)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and fragment in result.stderr


def test_run_function_that_fails_to_import(tmp_path: Path, definition_file) -> None:
    (tmp_path / "broken.py").write_text("import not_a_module_anywhere\n\ndef handler(e, c):\n    return e\n")
    path = definition_file({"StartAt": "T", "States": {
        "T": {"Type": "Task", "Resource": "broken", "End": True}}})
    result = sfn("run", str(path), "--json", "--function", f"broken={tmp_path / 'broken.py'}:handler",
                 "--db", str(tmp_path / "sfn.db"))
    no_traceback(result)
    assert result.returncode == 1
    assert "function 'broken'" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert json.loads(result.stdout)["error"] == "Runtime.ImportModuleError"


def test_run_missing_handler(tmp_path: Path, definition_file) -> None:
    (tmp_path / "fn.py").write_text("def other(e, c):\n    return e\n")
    path = definition_file({"StartAt": "T", "States": {
        "T": {"Type": "Task", "Resource": "fn", "End": True}}})
    result = sfn("run", str(path), "--json", "--function", f"fn={tmp_path / 'fn.py'}:handler",
                 "--db", str(tmp_path / "sfn.db"))
    no_traceback(result)
    assert result.returncode == 1
    assert json.loads(result.stdout)["error"] == "Runtime.HandlerNotFound"


def test_real_two_second_wait(tmp_path: Path, definition_file) -> None:
    """The one end-to-end test that waits for real (the corpus uses a virtual clock)."""
    path = definition_file({"StartAt": "W", "States": {
        "W": {"Type": "Wait", "Seconds": 2, "Next": "Done"},
        "Done": {"Type": "Succeed"}}})
    result = sfn("run", str(path), "--json", "--db", str(tmp_path / "sfn.db"))
    assert result.returncode == 0
    arn = json.loads(result.stdout)["executionArn"]
    events = [json.loads(line) for line in sfn("history", arn, "--json", "--db",
                                               str(tmp_path / "sfn.db")).stdout.splitlines()]
    entered = next(e for e in events if e["type"] == "WaitStateEntered")["timestamp"]
    exited = next(e for e in events if e["type"] == "WaitStateExited")["timestamp"]
    assert exited - entered >= 2.0

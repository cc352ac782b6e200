"""LocalInvoker runtime behaviour: the context object, log capture, concurrency, timeouts."""
from __future__ import annotations

import base64
import logging
import re
import sys
import threading
from pathlib import Path

import pytest

from workflow.functions import (FunctionRegistry, InvocationRequest, LambdaContext, LocalInvoker,
                                function_arn)

FUNCTIONS = Path(__file__).parent / "functions"
NOW = 1_700_000_000.0


@pytest.fixture
def registry() -> FunctionRegistry:
    registry = FunctionRegistry(base_dir=FUNCTIONS)
    registry.register("ctx", "context_info.py", memory_mb=512)
    registry.register("print", "printing.py")
    registry.register("chatty", "printing.py:chatty")
    registry.register("raise", "raising.py")
    return registry


def fixed_invoker(registry: FunctionRegistry) -> LocalInvoker:
    return LocalInvoker(registry, clock=lambda: NOW)


# ---- context ------------------------------------------------------------------------------------

def test_context_attributes(registry):
    request = InvocationRequest("ctx", {}, "live", request_id="req-ctx")
    payload = fixed_invoker(registry).invoke(request).payload
    stream = payload.pop("log_stream_name")
    assert payload == {
        "function_name": "ctx", "function_version": "$LATEST",
        "invoked_function_arn": "arn:aws:lambda:us-east-1:000000000000:function:ctx:live",
        "memory_limit_in_mb": "512", "aws_request_id": "req-ctx",
        "log_group_name": "/aws/lambda/ctx", "identity": None, "client_context": None,
        "remaining": 3000}
    assert re.fullmatch(r"\d{4}/\d\d/\d\d/\[\$LATEST\][0-9a-f]{32}", stream)


def test_context_arn_follows_the_invoker_region_and_account(registry):
    invoker = LocalInvoker(registry, region="eu-west-1", account="123456789012")
    arn = invoker.invoke(InvocationRequest("ctx")).payload["invoked_function_arn"]
    assert arn == "arn:aws:lambda:eu-west-1:123456789012:function:ctx"


@pytest.mark.parametrize("options, remaining", [
    ({}, 3000),                                            # Lambda's default timeout
    ({"timeout_seconds": 10}, 10_000),                     # the Task's TimeoutSeconds
    ({"deadline_ms": int(NOW * 1000) + 1234}, 1234),       # an explicit deadline wins
])
def test_remaining_time(registry, options, remaining):
    result = fixed_invoker(registry).invoke(InvocationRequest("ctx", {}, **options))
    assert result.payload["remaining"] == remaining


def test_configured_timeout_and_real_countdown(registry):
    registry.register("slowctx", "context_info.py", timeout_seconds=60)
    remaining = LocalInvoker(registry).invoke(InvocationRequest("slowctx")).payload["remaining"]
    assert 59_000 < remaining <= 60_000


def test_remaining_time_counts_down_and_stops_at_zero():
    clock = [NOW]
    context = LambdaContext(function_name="f", function_version="$LATEST",
                            invoked_function_arn=function_arn("f"), memory_limit_in_mb=128,
                            aws_request_id="r", log_stream_name="s",
                            deadline_ms=int(NOW * 1000) + 2500, clock=lambda: clock[0])
    assert context.get_remaining_time_in_millis() == 2500
    clock[0] += 1
    assert context.get_remaining_time_in_millis() == 1500
    clock[0] += 10
    assert context.get_remaining_time_in_millis() == 0


# ---- timeouts -----------------------------------------------------------------------------------

def test_overrunning_the_deadline_is_a_timeout(registry):
    registry.register("sleepy", "sleepy.py", timeout_seconds=0.05)
    result = LocalInvoker(registry).invoke(InvocationRequest("sleepy", {"seconds": 0.1},
                                                             request_id="req-t"))
    assert result.function_error == "Unhandled"
    assert result.payload == {"errorType": "Sandbox.Timedout", "errorMessage":
                              "RequestId: req-t Error: Task timed out after 0.05 seconds"}
    assert result.logs[-1].endswith("req-t Task timed out after 0.05 seconds")
    quick = LocalInvoker(registry).invoke(InvocationRequest("sleepy", {"seconds": 0}))
    assert quick.payload == "awake"


# ---- log capture --------------------------------------------------------------------------------

def test_stdout_stderr_and_logging_are_captured(registry, capsys):
    result = LocalInvoker(registry).invoke(InvocationRequest("print", {"who": "Ada"},
                                                             request_id="req-p"))
    assert result.payload == "done"
    assert result.logs[:3] == ["init line", "hello Ada", "to stderr"]
    assert re.fullmatch(r"\[WARNING\]\t\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\treq-p\t"
                        r"careful Ada", result.logs[3])
    assert len(result.logs) == 4                       # INFO stays below the root level
    assert capsys.readouterr() == ("", "")            # nothing leaked to the real streams
    again = LocalInvoker(registry).invoke(InvocationRequest("print", {}))
    assert again.logs[0] == "hello world"              # init output belongs to the first call


def test_streams_and_root_logger_are_restored(registry):
    stdout, stderr, handlers = sys.stdout, sys.stderr, list(logging.getLogger().handlers)
    LocalInvoker(registry).invoke(InvocationRequest("print", {}))
    assert (sys.stdout, sys.stderr) == (stdout, stderr)
    assert logging.getLogger().handlers == handlers


def test_errors_are_logged_like_awslambdaric(registry):
    result = LocalInvoker(registry).invoke(InvocationRequest("raise", {"amount": 99}))
    assert result.logs[0] == "[ERROR] ValueError: boom: 99"
    assert result.logs[1] == "Traceback (most recent call last):"
    assert any("raising.py" in line for line in result.logs[2:])


def test_tail_log_result(registry):
    result = LocalInvoker(registry).invoke(InvocationRequest(
        "print", {"who": "Tail"}, request_id="req-tail", log_type="Tail"))
    text = base64.b64decode(result.log_result).decode()
    assert text.startswith("START RequestId: req-tail Version: $LATEST\n")
    assert "hello Tail\n" in text and "END RequestId: req-tail\n" in text
    assert re.search(r"REPORT RequestId: req-tail\tDuration: [\d.]+ ms\tBilled Duration: \d+ ms"
                     r"\tMemory Size: 128 MB", text)


def test_tail_keeps_only_the_last_4_kb(registry):
    result = LocalInvoker(registry).invoke(InvocationRequest(
        "chatty", {"tag": "x" * 40, "lines": 200}, log_type="Tail"))
    text = base64.b64decode(result.log_result)
    assert len(text) == 4096 and b"\tMemory Size: 128 MB" in text.splitlines()[-1]
    assert len(result.logs) == 401                     # all of it, with the init line


def test_concurrent_invocations_do_not_mix_logs(registry):
    invoker = LocalInvoker(registry)
    invoker.invoke(InvocationRequest("chatty", {"tag": "warm", "lines": 0}))   # init output
    results: dict[str, list[str]] = {}
    barrier = threading.Barrier(2)

    def worker(tag: str) -> None:
        barrier.wait()
        result = invoker.invoke(InvocationRequest("chatty", {"tag": tag, "lines": 30},
                                                  request_id=f"req-{tag}"))
        results[tag] = result.logs

    threads = [threading.Thread(target=worker, args=(tag,)) for tag in ("red", "blue")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for tag, other in (("red", "blue"), ("blue", "red")):
        assert len(results[tag]) == 60
        assert all(tag in line and other not in line for line in results[tag])
        assert all(f"req-{tag}" in line for line in results[tag] if line.startswith("[ERROR]"))

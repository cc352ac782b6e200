"""Python functions as Task resources: registry, loading, LocalInvoker, context, log capture."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from workflow.errors import InputError
from workflow.functions import (FunctionRegistry, InvocationRequest, InvocationResult,
                                LocalInvoker, parse_cli, parse_target)

FUNCTIONS = Path(__file__).parent / "functions"


@pytest.fixture
def registry() -> FunctionRegistry:
    return FunctionRegistry(base_dir=FUNCTIONS)


def run(registry: FunctionRegistry, name: str, payload=None, **options) -> InvocationResult:
    return LocalInvoker(registry).invoke(InvocationRequest(name, payload, **options))


# ---- registration -----------------------------------------------------------------------------

@pytest.mark.parametrize("target, expected", [
    ("fns/app.py:main", ("fns/app.py", "main")),
    ("fns/app.py", ("fns/app.py", "handler")),
    ("dir:with:colons/app.py", ("dir:with:colons/app.py", "handler")),
    (" app.py:handler ", ("app.py", "handler")),
])
def test_parse_target(target, expected):
    assert parse_target(target) == expected


@pytest.mark.parametrize("target", ["app.py:", ":handler", "app.py:not-a-name"])
def test_parse_target_rejects(target):
    with pytest.raises(InputError):
        parse_target(target)


def test_parse_cli_forms():
    assert parse_cli("greet=fns/greet.py:hi") == ("greet", "fns/greet.py", "hi")
    assert parse_cli("greet=fns/greet.py") == ("greet", "fns/greet.py", "handler")
    for bad in ("fns/greet.py", "=greet.py", "bad name=greet.py", "x" * 65 + "=a.py"):
        with pytest.raises(InputError):
            parse_cli(bad)


def test_register_cli_resolves_relative_to_base(registry):
    spec = registry.register_cli("echo=echo.py", timeout_seconds=7, memory_mb=256)
    assert spec.path == (FUNCTIONS / "echo.py").resolve()
    assert (spec.handler, spec.timeout_seconds, spec.memory_mb) == ("handler", 7, 256)
    assert "echo" in registry and registry.names() == ["echo"]


def test_registration_is_lazy_and_check_reports_problems(registry, tmp_path):
    registry.register("ghost", str(tmp_path / "ghost.py"))      # no error yet
    registry.register("nohandler", "echo.py:nosuch")
    registry.register("fine", "echo.py")
    assert registry.check("fine") is None
    assert registry.check("unknown") == "function 'unknown' is not registered"
    ghost = registry.check("ghost")
    assert ghost.endswith("Runtime.ImportModuleError: Unable to import module 'ghost': "
                          "No module named 'ghost'")
    assert registry.check("nohandler").endswith(
        "Runtime.HandlerNotFound: Handler 'nosuch' missing on module 'echo'")
    assert "\n" not in registry.check("nohandler")


def test_module_is_loaded_once_and_isolated_per_registration(registry):
    registry.register("a", "echo.py:shout")
    registry.register("b", "echo.py:shout")
    first = run(registry, "a", {"message": "x"})
    assert first.init_duration_ms is not None and first.init_duration_ms >= 0
    again = run(registry, "a", {"message": "y"})
    assert again.init_duration_ms is None and again.payload == {"message": "Y", "loads": 1}
    assert run(registry, "b", {}).payload["loads"] == 1
    modules = {registry.get(n).module_name for n in "ab"}
    assert len(modules) == 2 and all(m in sys.modules for m in modules)


def test_reregistering_replaces_the_code(registry):
    registry.register("f", "echo.py")
    assert run(registry, "f", {"message": "hi"}).payload == {"message": "hi"}
    old = registry.get("f").module_name
    registry.register("f", "echo.py:shout")
    assert run(registry, "f", {"message": "hi"}).payload["message"] == "HI"
    assert old not in sys.modules


def test_sibling_modules_import_and_stay_apart(registry):
    registry.register("en", "sibling/main.py")
    registry.register("fr", "sibling_other/main.py")
    assert run(registry, "en", {"name": "Ada"}).payload == "hello Ada"
    assert run(registry, "fr", {"name": "Ada"}).payload == "bonjour Ada"
    assert "helpers" not in sys.modules
    assert str(FUNCTIONS / "sibling") not in sys.path


# ---- load failures are Lambda errors ------------------------------------------------------------

def error_of(result: InvocationResult) -> dict:
    assert result.status_code == 200 and result.function_error == "Unhandled"
    assert json.loads(result.payload_text) == result.payload
    return result.payload


def test_missing_file_is_import_module_error(registry, tmp_path):
    registry.register("ghost", str(tmp_path / "ghost.py"))
    assert error_of(run(registry, "ghost", {})) == {
        "errorMessage": "Unable to import module 'ghost': No module named 'ghost'",
        "errorType": "Runtime.ImportModuleError", "requestId": "", "stackTrace": []}


def test_failed_import_is_retried_on_the_next_invocation(registry, tmp_path):
    registry.register("late", str(tmp_path / "late.py"))
    assert run(registry, "late").function_error == "Unhandled"
    (tmp_path / "late.py").write_text("def handler(event, context):\n    return 'here'\n")
    assert run(registry, "late").payload == "here"


def test_import_error_inside_module(registry):
    registry.register("f", "import_error.py")
    payload = error_of(run(registry, "f"))
    assert payload["errorType"] == "Runtime.ImportModuleError"
    assert payload["errorMessage"] == ("Unable to import module 'import_error': "
                                       "No module named 'sfn_test_no_such_module'")


def test_module_raising_at_import_reports_its_exception(registry):
    registry.register("f", "init_raises.py")
    payload = error_of(run(registry, "f"))
    assert (payload["errorType"], payload["errorMessage"]) == ("KeyError", "'TABLE_NAME'")
    assert "init_raises.py" in payload["stackTrace"][-1]
    assert "KeyError: 'TABLE_NAME'" in registry.check("f")


def test_syntax_error(registry, tmp_path):
    (tmp_path / "broken.py").write_text("def handler(event, context)\n    return 1\n")
    registry.register("f", str(tmp_path / "broken.py"))
    payload = error_of(run(registry, "f"))
    assert payload["errorType"] == "Runtime.UserCodeSyntaxError"
    assert payload["errorMessage"].startswith("Syntax error in module 'broken': ")


@pytest.mark.parametrize("target, message", [
    ("echo.py:nosuch", "Handler 'nosuch' missing on module 'echo'"),
    ("echo.py:value", "Handler 'value' on module 'echo' is not callable"),
])
def test_handler_not_found(registry, target, message):
    registry.register("f", target)
    payload = error_of(run(registry, "f"))
    assert (payload["errorType"], payload["errorMessage"]) == ("Runtime.HandlerNotFound", message)


# ---- invocation ---------------------------------------------------------------------------------

def test_success_result_shape(registry):
    registry.register("echo", "echo.py")
    result = run(registry, "echo", {"a": [1, 2]}, request_id="req-1")
    assert result.ok and result.status_code == 200 and result.function_error is None
    assert (result.payload, result.request_id, result.executed_version) == (
        {"a": [1, 2]}, "req-1", "$LATEST")
    assert result.log_result is None and result.duration_ms >= 0
    assert InvocationResult.from_json(json.loads(json.dumps(result.to_json()))) == result


def test_handler_gets_its_own_copy_of_the_event(registry):
    registry.register("m", "echo.py:mutate")
    event = {"x": 1}
    assert run(registry, "m", event).payload == {"x": 1, "touched": True}
    assert event == {"x": 1}


def test_raised_exception_is_unhandled_function_error(registry):
    registry.register("r", "raising.py")
    payload = error_of(run(registry, "r", {"amount": 42}, request_id="req-9"))
    assert list(payload) == ["errorMessage", "errorType", "requestId", "stackTrace"]
    assert payload["errorMessage"] == "boom: 42" and payload["errorType"] == "ValueError"
    assert payload["requestId"] == "req-9"
    frames = payload["stackTrace"]
    assert [f.split(", in ")[1].split("\n")[0] for f in frames] == ["handler", "_check"]
    assert frames[-1].startswith(f'  File "{FUNCTIONS / "raising.py"}", line ')
    assert 'raise ValueError(f"boom: {amount}")' in frames[-1]
    assert all("workflow/functions" not in f for f in frames)


def test_custom_exception_and_empty_message(registry):
    registry.register("c", "custom_error.py")
    registry.register("e", "raising.py:empty")
    payload = error_of(run(registry, "c", {"card": "4242"}))
    assert (payload["errorType"], payload["errorMessage"]) == ("PaymentDeclined",
                                                               "card 4242 declined")
    assert error_of(run(registry, "e"))["errorMessage"] == ""


def test_system_exit_is_a_runtime_exit_error(registry):
    registry.register("x", "custom_error.py:exits")
    payload = error_of(run(registry, "x"))
    assert payload["errorType"] == "Runtime.ExitError"


@pytest.mark.parametrize("handler, fragment", [
    ("handler", "Unable to marshal response: Object of type set is not JSON serializable"),
    ("not_a_number", "Unable to marshal response: Out of range float values"),
])
def test_non_json_return_is_marshal_error(registry, handler, fragment):
    registry.register("n", f"nonserial.py:{handler}")
    payload = error_of(run(registry, "n"))
    assert payload["errorType"] == "Runtime.MarshalError"
    assert payload["errorMessage"].startswith(fragment)


def test_decimals_and_tuples_become_json(registry):
    registry.register("d", "nonserial.py:decimals")
    registry.register("t", "nonserial.py:tuples")
    assert run(registry, "d").payload == {"count": 3, "price": 2.5}
    assert run(registry, "t").payload == {"pair": [1, 2]}


def test_unknown_function_is_a_service_error(registry):
    result = run(registry, "nope", {}, qualifier="prod")
    assert result.status_code == 404 and result.payload is None and not result.ok
    assert result.service_error.error == "ResourceNotFoundException"
    assert result.service_error.message == (
        "Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope:prod")


def test_bad_request_is_a_service_error(registry):
    registry.register("echo", "echo.py")
    assert run(registry, "echo", {"s": {1}}).service_error.error == "InvalidRequestContentException"
    assert run(registry, "echo", invocation_type="Later").service_error.status_code == 400
    assert run(registry, "echo", log_type="All").service_error.error == \
        "InvalidParameterValueException"


def test_event_and_dry_run(registry):
    registry.register("p", "printing.py")
    event = run(registry, "p", {}, invocation_type="Event")
    assert (event.status_code, event.payload, event.function_error) == (202, None, None)
    assert "hello world" in event.logs
    dry = run(registry, "p", {}, invocation_type="DryRun")
    assert (dry.status_code, dry.logs) == (204, [])
    assert run(registry, "nope", invocation_type="DryRun").status_code == 404

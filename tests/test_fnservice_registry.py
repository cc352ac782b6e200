"""Functions service, stage 1: the registry on both stores, content-addressed code, zip checks,
and the `sfn functions` commands."""
from __future__ import annotations

import base64
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from fnservice_helpers import ECHO_PY, any_store, tree, zip_bytes  # noqa: F401

from workflow.cli import cli
from workflow.functions.service import FunctionServiceError, Registry, codezip


def test_create_get_list_delete(any_store, tmp_path: Path) -> None:
    registry = Registry(any_store)
    code = tree(tmp_path / "src", ECHO_PY)
    config = registry.create("echo", code, handler="app.handler", runtime="python3.11",
                             memory_mb=256, timeout_s=5, environment={"GREETING": "hi"},
                             description="echoes", reserved_concurrency=2)
    data = codezip.zip_directory(code)
    assert config.code_sha256 == base64.b64encode(hashlib.sha256(data).digest()).decode()
    assert any_store.get_code(hashlib.sha256(data).hexdigest()) == data
    shown = registry.get("echo").to_api()
    assert shown["MemorySize"] == 256 and shown["Timeout"] == 5 and shown["Version"] == "$LATEST"
    assert shown["Environment"] == {"Variables": {"GREETING": "hi"}}
    assert [c.name for c in registry.list()] == ["echo"]
    with pytest.raises(FunctionServiceError, match="ResourceConflictException"):
        registry.create("echo", code, handler="app.handler", runtime="python3.11")
    registry.delete("echo")
    with pytest.raises(FunctionServiceError, match="ResourceNotFoundException"):
        registry.get("echo")
    assert registry.list() == []


def test_same_tree_same_sha_and_update_code_changes_it(any_store, tmp_path: Path) -> None:
    registry = Registry(any_store)
    first = registry.create("a", tree(tmp_path / "a", ECHO_PY), handler="app.handler",
                            runtime="python3.11")
    second = registry.create("b", tree(tmp_path / "b", ECHO_PY), handler="app.handler",
                             runtime="python3.11")
    assert first.code_sha256 == second.code_sha256
    changed = tree(tmp_path / "c", {"app.py": "def handler(e, c):\n    return 2\n"})
    updated = registry.update_code("a", changed)
    assert updated.code_sha256 != first.code_sha256
    assert updated.revision_id != first.revision_id
    assert registry.get("a").code_sha256 == updated.code_sha256


def test_update_config_validates_and_keeps_other_fields(any_store, tmp_path: Path) -> None:
    registry = Registry(any_store)
    registry.create("f", tree(tmp_path / "f", ECHO_PY), handler="app.handler",
                    runtime="python3.11", environment={"A": "1"})
    config = registry.update_config("f", memory_mb=1024, description="more")
    assert (config.memory_mb, config.description, config.environment) == (1024, "more", {"A": "1"})
    for bad, match in [({"memory_mb": 64}, "memory size"), ({"timeout_s": 901}, "timeout"),
                       ({"environment": {"AWS_REGION": "x"}}, "reserved"),
                       ({"runtime": "ruby3.3"}, "not supported"),
                       ({"environment": {"BIG": "x" * 5000}}, "4096")]:
        with pytest.raises(FunctionServiceError, match=match):
            registry.update_config("f", **bad)
    with pytest.raises(FunctionServiceError, match="PreconditionFailed"):
        registry.update_config("f", revision_id="stale", memory_mb=512)


@pytest.mark.parametrize("entries,links,match", [
    ({"../evil.py": "x"}, None, "outside the code directory"),
    ({"ok/../../evil.py": "x"}, None, "outside the code directory"),
    ({"/etc/evil.py": "x"}, None, "absolute path"),
    ({"C:/evil.py": "x"}, None, "absolute path"),
    ({"app.py": "x"}, {"passwd": "../../../etc/passwd"}, "points outside"),
    ({"app.py": "x"}, {"abs": "/etc/passwd"}, "points outside"),
])
def test_zip_slip_is_refused(any_store, entries, links, match) -> None:
    registry = Registry(any_store)
    with pytest.raises(FunctionServiceError, match=match) as caught:
        registry.create("slip", zip_bytes(entries, links), handler="app.handler",
                        runtime="python3.11")
    assert caught.value.error == "InvalidParameterValueException"
    assert registry.list() == []


def test_links_inside_the_tree_are_kept(tmp_path: Path) -> None:
    data = zip_bytes({"lib/real.py": "X = 1\n"}, {"lib/alias.py": "real.py"})
    codezip.check_zip(data)
    root = codezip.extract(data, tmp_path / "cache", "k")
    assert (root / "lib" / "alias.py").read_text() == "X = 1\n"


def test_directory_with_a_link_out_of_the_tree_is_refused(any_store, tmp_path: Path) -> None:
    code = tree(tmp_path / "src", ECHO_PY)
    os.symlink("/etc/passwd", code / "passwd")
    with pytest.raises(FunctionServiceError, match="outside the code directory"):
        Registry(any_store).create("x", code, handler="app.handler", runtime="python3.11")


def test_size_limits(any_store, tmp_path: Path) -> None:
    registry = Registry(any_store, max_zip=4096, max_unzipped=100_000)
    noise = os.urandom(8192).hex()
    with pytest.raises(FunctionServiceError, match="limit is 4096") as caught:
        registry.create("big", zip_bytes({"app.py": noise}), handler="app.handler",
                        runtime="python3.11")
    assert caught.value.status == 413
    bomb = zip_bytes({"app.py": "0" * 200_000})        # small zipped, too big unzipped
    with pytest.raises(FunctionServiceError, match="unzipped"):
        registry.create("bomb", bomb, handler="app.handler", runtime="python3.11")
    with pytest.raises(FunctionServiceError, match="not a zip"):
        registry.create("junk", b"not a zip", handler="app.handler", runtime="python3.11")


def test_cli_create_update_get_list_delete(tmp_path: Path) -> None:
    store = ["--store", f"sqlite:///{tmp_path / 'fn.db'}"]
    code = tree(tmp_path / "src", ECHO_PY)
    runner = CliRunner()

    def sfn(*args: str, code_: int = 0) -> dict:
        result = runner.invoke(cli, [*args, *store])
        assert result.exit_code == code_, result.output
        return json.loads(result.output) if result.output.strip().startswith("{") else {}

    created = sfn("functions", "create", "echo", "--code", str(code), "--handler", "app.handler",
                  "--runtime", "python3.11", "--memory", "512", "--timeout", "10",
                  "--env", "A=1", "--env", "B=two", "--description", "d",
                  "--reserved-concurrency", "3")
    assert created["Environment"]["Variables"] == {"A": "1", "B": "two"}
    assert sfn("functions", "get", "echo")["Concurrency"] == {"ReservedConcurrentExecutions": 3}
    assert sfn("functions", "update-config", "echo", "--timeout", "20")["Timeout"] == 20
    other = tree(tmp_path / "v2", {"app.py": "def handler(e, c):\n    return 2\n"})
    assert sfn("functions", "update-code", "echo", "--code", str(other))["CodeSha256"] != \
        created["CodeSha256"]
    assert [f["FunctionName"] for f in sfn("functions", "list")["Functions"]] == ["echo"]
    sfn("functions", "delete", "echo")
    failed = runner.invoke(cli, ["functions", "get", "echo", *store])
    assert failed.exit_code == 1 and "ResourceNotFoundException" in str(failed.exception)


def test_cli_refuses_a_zip_slip_in_a_real_process(tmp_path: Path) -> None:
    archive = tmp_path / "evil.zip"
    archive.write_bytes(zip_bytes({"../../evil.py": "x"}))
    done = subprocess.run([sys.executable, "-m", "workflow.cli", "functions", "create", "evil",
                           "--code", str(archive), "--handler", "evil.handler", "--runtime",
                           "python3.11", "--store", f"sqlite:///{tmp_path / 'fn.db'}"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "InvalidParameterValueException" in done.stderr
    assert "outside the code directory" in done.stderr
    assert not (tmp_path.parent / "evil.py").exists()

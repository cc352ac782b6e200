"""Functions service, stage 2: versions are immutable, aliases route by weight, and names, ARNs
and qualifiers resolve as Lambda resolves them (both stores)."""
from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from click.testing import CliRunner
from fnservice_helpers import ECHO_PY, any_store, tree  # noqa: F401

from workflow.cli import cli
from workflow.functions.service import FunctionServiceError, Registry
from workflow.functions.service import versions as v
from workflow.functions.service.resolver import resolve

ARN = "arn:aws:lambda:us-east-1:000000000000:function:echo"


@pytest.fixture
def registry(any_store, tmp_path: Path) -> Registry:
    registry = Registry(any_store)
    registry.create("echo", tree(tmp_path / "v1", ECHO_PY), handler="app.handler",
                    runtime="python3.11", environment={"STAGE": "one"})
    return registry


def test_publish_freezes_code_and_configuration(registry: Registry, tmp_path: Path) -> None:
    one = v.publish(registry, "echo", "first")
    assert one.version == "1" and one.description == "first"
    registry.update_code("echo", tree(tmp_path / "v2", {"app.py": "def handler(e, c):\n  return 2\n"}))
    registry.update_config("echo", environment={"STAGE": "two"}, memory_mb=512)
    frozen = registry.get("echo", "1")
    assert (frozen.code_sha256, frozen.environment, frozen.memory_mb) == (
        one.code_sha256, {"STAGE": "one"}, 128)
    assert registry.get("echo").code_sha256 != one.code_sha256
    two = v.publish(registry, "echo")
    assert two.version == "2" and two.environment == {"STAGE": "two"}
    assert v.publish(registry, "echo").version == "2"          # nothing changed: no new version
    assert [c.version for c in v.versions(registry, "echo")] == ["$LATEST", "1", "2"]


def test_publish_preconditions(registry: Registry) -> None:
    with pytest.raises(FunctionServiceError, match="CodeSHA256"):
        v.publish(registry, "echo", code_sha256="AAAA")
    with pytest.raises(FunctionServiceError, match="PreconditionFailed"):
        v.publish(registry, "echo", revision_id="nope")
    latest = registry.latest("echo")
    assert v.publish(registry, "echo", code_sha256=latest.code_sha256,
                     revision_id=latest.revision_id).version == "1"


def test_numbers_are_never_reused(registry: Registry, tmp_path: Path) -> None:
    v.publish(registry, "echo")
    registry.update_config("echo", timeout_s=9)
    v.publish(registry, "echo")
    registry.delete("echo:2")
    registry.update_config("echo", timeout_s=10)
    assert v.publish(registry, "echo").version == "3"
    assert [c.version for c in v.versions(registry, "echo")] == ["$LATEST", "1", "3"]


def test_resolution_of_names_arns_and_qualifiers(registry: Registry, tmp_path: Path) -> None:
    store = registry.store
    v.publish(registry, "echo")
    registry.update_config("echo", timeout_s=7)
    v.publish(registry, "echo")
    v.create_alias(registry, "echo", "live", "1")
    cases = {("echo", None): "$LATEST", ("echo:1", None): "1", ("echo", "2"): "2",
             ("echo:live", None): "1", ("echo", "live"): "1", (ARN, None): "$LATEST",
             (ARN + ":2", None): "2", ("000000000000:function:echo:live", None): "1",
             ("echo:$LATEST", None): "$LATEST", (ARN, "$LATEST"): "$LATEST",
             ("echo:live", "live"): "1"}
    for (name, qualifier), version in cases.items():
        found = resolve(store, name, qualifier)
        assert found.executed_version == version, (name, qualifier)
        assert found.config.version == version
    assert resolve(store, "echo:live").invoked_arn == ARN + ":live"
    for name, qualifier, error in [("echo:live", "1", "InvalidParameterValue"),
                                   ("echo:9", None, "ResourceNotFound"),
                                   ("echo:nope", None, "ResourceNotFound"),
                                   ("nope", None, "ResourceNotFound"),
                                   ("bad name!", None, "InvalidParameterValue")]:
        with pytest.raises(FunctionServiceError, match=error):
            resolve(store, name, qualifier)


def test_alias_weights_route_and_validate(registry: Registry) -> None:
    v.publish(registry, "echo")
    registry.update_config("echo", timeout_s=7)
    v.publish(registry, "echo")
    alias = v.create_alias(registry, "echo", "live", "1", {"2": 0.25})
    assert alias.to_api()["RoutingConfig"] == {"AdditionalVersionWeights": {"2": 0.25}}
    draws = iter([0.1, 0.3, 0.24999, 0.25])
    got = [resolve(registry.store, "echo:live", rand=lambda: next(draws)).executed_version
           for _ in range(4)]
    assert got == ["2", "1", "2", "1"]
    for version, weights, match in [("1", {"2": 1.5}, "between 0.0 and 1.0"),
                                    ("1", {"1": 0.5}, "must differ"),
                                    ("$LATEST", {"2": 0.5}, "cannot point to \\$LATEST"),
                                    ("1", {"7": 0.5}, "ResourceNotFound"),
                                    ("1", {"2": 0.1, "3": 0.1}, "at most two")]:
        with pytest.raises(FunctionServiceError, match=match):
            v.update_alias(registry, "echo", "live", version, weights)
    updated = v.update_alias(registry, "echo", "live", "2", {})
    assert (updated.function_version, updated.weights) == ("2", {})
    with pytest.raises(FunctionServiceError, match="ResourceConflict"):
        v.create_alias(registry, "echo", "live", "1")
    with pytest.raises(FunctionServiceError, match="aliases reference"):
        registry.delete("echo:2")
    v.delete_alias(registry, "echo", "live")
    registry.delete("echo:2")


def test_weighted_split_is_statistically_right(registry: Registry) -> None:
    v.publish(registry, "echo")
    registry.update_config("echo", timeout_s=7)
    v.publish(registry, "echo")
    v.create_alias(registry, "echo", "live", "1", {"2": 0.1})
    rng = random.Random(7)
    hits = sum(resolve(registry.store, "echo:live", rand=rng.random).executed_version == "2"
               for _ in range(2000))
    assert 135 <= hits <= 265          # 99.9% binomial interval for n=2000, p=0.1


def test_cli_versions_and_aliases(tmp_path: Path) -> None:
    store = ["--store", f"sqlite:///{tmp_path / 'fn.db'}"]
    runner = CliRunner()

    def sfn(*args: str) -> dict:
        result = runner.invoke(cli, [*args, *store])
        assert result.exit_code == 0, result.output
        return json.loads(result.output) if result.output.strip() else {}

    sfn("functions", "create", "echo", "--code", str(tree(tmp_path / "src", ECHO_PY)),
        "--handler", "app.handler", "--runtime", "python3.11", "--publish")
    sfn("functions", "update-config", "echo", "--timeout", "9")
    assert sfn("functions", "publish-version", "echo")["Version"] == "2"
    alias = sfn("functions", "create-alias", "echo", "live", "--version", "1", "--weights", "2=0.1")
    assert alias["RoutingConfig"]["AdditionalVersionWeights"] == {"2": 0.1}
    assert sfn("functions", "get", "echo:live")["Configuration"]["Version"] == "1"
    assert "RoutingConfig" not in sfn("functions", "update-alias", "echo", "live", "--no-weights")
    assert [a["Name"] for a in sfn("functions", "list-aliases", "echo")["Aliases"]] == ["live"]
    assert len(sfn("functions", "list-versions", "echo")["Versions"]) == 3

"""Definitions drawn by the visualizer: golden DOT files, SVG through the real Graphviz ``dot``,
escaping of hostile state names, and every AWS workflow of the conformance corpus.

Regenerate the golden files with ``SFN_UPDATE_GOLDEN=1 python3 -m pytest
tests/test_visualizer_render.py`` and review the diff."""
from __future__ import annotations

import json
import os
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

import workflow
from visualizer import dot, model
from visualizer_cases import GOLDEN, HOSTILE_NAMES, hostile_definition

from test_conformance import AWS_WORKFLOWS, fill_placeholders

GOLDEN_DIR = Path(__file__).parent / "golden"
UPDATE = os.environ.get("SFN_UPDATE_GOLDEN") == "1"
SVG = "{http://www.w3.org/2000/svg}"

pytestmark = pytest.mark.skipif(shutil.which("dot") is None,
                                reason="Graphviz dot is required (apt-get install graphviz)")


def dot_of(definition: Any) -> str:
    return dot.to_dot(model.build(workflow.load(definition), title="t"))


def check_golden(name: str, text: str) -> None:
    path = GOLDEN_DIR / f"{name}.dot"
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"missing {path}: run with SFN_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8"), (
        f"{path.name} changed: review, then regenerate with SFN_UPDATE_GOLDEN=1")


def svg_tree(svg: bytes) -> ET.Element:
    return ET.fromstring(svg)


def svg_texts(root: ET.Element) -> str:
    # Graphviz writes the second of two spaces as a no-break space.
    return "\n".join("".join(el.itertext()).replace("\xa0", " ")
                     for el in root.iter(f"{SVG}text"))


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_golden_dot(name: str) -> None:
    check_golden(name, dot_of(GOLDEN[name]))


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_golden_renders_to_svg(name: str) -> None:
    root = svg_tree(dot.render(dot_of(GOLDEN[name]), "svg"))
    texts = svg_texts(root)
    for state in workflow.load(GOLDEN[name]).states():
        assert state.name in texts


def test_shapes_clusters_and_edge_labels() -> None:
    diagram = model.build(workflow.load(GOLDEN["all_types"]))
    shapes = {node.name: node.shape for node in diagram.nodes}
    assert shapes["Route"] == "choice" and shapes["Give up"] == "fail"
    assert shapes["Done"] == "succeed" and shapes["Pause"] == "wait"
    assert diagram.node("Work").detail == "λ ok"
    assert [c.label for c in diagram.clusters] == [
        "Fan out · branch 1", "Fan out · branch 2", "Each · item processor"]
    labels = {(e.kind, e.label) for e in diagram.edges}
    assert ("default", "Default") in labels
    assert ("choice", "#1 $.fails > 3") in labels
    assert any(node.type == "Start" for node in diagram.nodes)


def test_nested_clusters_follow_scopes() -> None:
    diagram = model.build(workflow.load(GOLDEN["parallel_in_map"]))
    by_label = {c.label: c for c in diagram.clusters}
    processor = by_label["Items · item processor"]
    branch = by_label["Split · branch 2"]
    inner = by_label["Inner map · item processor"]
    assert processor.parent is None and branch.parent == processor.id
    assert inner.parent == branch.id
    assert diagram.node("Tag").cluster == inner.id


def test_catch_and_retry_edges() -> None:
    diagram = model.build(workflow.load(GOLDEN["catch_retry"]))
    edges = {(e.kind, e.label) for e in diagram.edges}
    assert ("catch", "Catch Boom, States.TaskFailed") in edges
    assert ("retry", "Retry Boom ×2 (3 s, backoff 1.5)\nRetry States.Timeout ×1 (1 s, "
            "backoff 2)") in edges
    # Notify goes to Alert both by Next and by Catch: two edges, two styles.
    kinds = [e.kind for e in diagram.edges if e.source == diagram.node("Notify").id]
    assert sorted(kinds) == ["catch", "next"]
    text = dot_of(GOLDEN["catch_retry"])
    assert 'style="dashed" class="sfn-edge-catch"' in text
    assert diagram.node("Notify").detail == "λ notify"
    assert diagram.node("Alert").detail == "sqs:sendMessage.waitForTaskToken"


def test_hostile_names_are_escaped_in_dot_and_svg() -> None:
    text = dot_of(hostile_definition())
    for name in HOSTILE_NAMES:
        if any(c in name for c in "<>&\""):
            assert name not in text                      # markup never raw in DOT
    assert "<img" not in text and "<script" not in text and "</script" not in text
    root = svg_tree(dot.render(text, "svg"))            # well-formed XML
    tags = {el.tag.removeprefix(SVG) for el in root.iter()}
    assert tags <= {"svg", "g", "a", "title", "text", "polygon", "path", "ellipse", "polyline"}
    for element in root.iter():
        assert not any(key.startswith("on") for key in element.attrib), element.attrib
    texts = svg_texts(root)
    for name in HOSTILE_NAMES:
        assert name in texts, name                       # shown exactly, as text
    assert "<img" not in dot.render(text, "svg").decode("utf-8")


def test_hostile_names_survive_png() -> None:
    assert dot.render(dot_of(hostile_definition()), "png").startswith(b"\x89PNG")


def test_ids_never_carry_names() -> None:
    diagram = model.build(workflow.load(hostile_definition()))
    for node in diagram.nodes:
        assert node.id.isascii() and node.id.isalnum()


def test_control_characters_and_long_labels_are_cleaned() -> None:
    assert dot.text("a\x00b\x1bc") == "a\ufffdb\ufffdc"
    assert dot.text("x" * 100).endswith("…") and len(dot.text("x" * 100)) == 60
    assert dot.quote('a"b\\c') == '"a\\"b\\\\c"'


def aws_workflows() -> list[Path]:
    return sorted(p for p in AWS_WORKFLOWS.glob("*.json") if p.name != "index.json")


def test_every_aws_workflow_renders_to_svg() -> None:
    rendered, skipped = 0, []
    for path in aws_workflows():
        try:
            machine = workflow.load(fill_placeholders(json.loads(path.read_text())))
        except (ValueError, workflow.DefinitionError):
            skipped.append(path.name)      # not JSON, or invalid (see test_conformance)
            continue
        svg = dot.render(dot.to_dot(model.build(machine)), "svg")
        texts = svg_texts(svg_tree(svg))
        missing = [s.name for s in machine.states() if dot.labels.clean(s.name) not in texts]
        assert not missing, (path.name, missing)
        rendered += 1
    assert rendered >= 165 and len(skipped) <= 3, skipped

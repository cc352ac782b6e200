"""Graphviz DOT text of a Diagram, and its rendering through the ``dot`` binary.

Every name and label goes into an HTML-like label (``label=<...>``) through ``html.escape``;
node, edge and cluster ids are our own ASCII ids, so no state name ever reaches DOT syntax,
an SVG id, title or comment unescaped."""
from __future__ import annotations

import html
from typing import Iterator

from visualizer import labels
from visualizer.model import Cluster, Diagram, Edge, Node
from visualizer.styles import (EDGE_STYLES, FADED, TAKEN_COLOUR, TAKEN_PENWIDTH, Status,
                               graphviz_node_attrs, graphviz_style_words)

FORMATS = ("svg", "png", "dot")
FONT = "Helvetica"
_SHAPES = {"task": ("box", "rounded"), "pass": ("box", ""), "choice": ("diamond", ""),
           "wait": ("hexagon", ""), "succeed": ("box", "rounded"),
           "fail": ("doubleoctagon", ""), "parallel": ("box3d", ""), "map": ("folder", "")}
_DEFINITION_NODE = {"fillcolor": "#FFFFFF", "color": "#555555", "fontcolor": "#1A1A1A"}


def text(value: str, limit: int | None = labels.MAX_LABEL) -> str:
    """Label text for an HTML-like label: one clean line per input line, escaped. Graphviz
    expands escString sequences (``\\N``, ``\\G``, ``\\\\``) even in HTML-like labels and after
    entities are decoded, so each backslash is doubled to stay literal."""
    lines = [html.escape(labels.clean(line, limit), quote=True).replace("\\", "\\\\")
             for line in value.split("\n")]
    return "<BR/>".join(lines)


def quote(value: str) -> str:
    """A DOT double-quoted string (for attribute values we write ourselves)."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _attrs(values: dict[str, str]) -> str:
    parts = []
    for key, value in values.items():
        parts.append(f"{key}={value}" if value.startswith("<") else f"{key}={quote(value)}")
    return "[" + " ".join(parts) + "]"


def to_dot(diagram: Diagram) -> str:
    lines = ["digraph sfn {",
             f'  graph [rankdir=TB charset="UTF-8" fontname="{FONT}" nodesep=0.35 '
             'ranksep=0.45 newrank=true]',
             f'  node [fontname="{FONT}" fontsize=12 margin="0.12,0.06"]',
             f'  edge [fontname="{FONT}" fontsize=9 arrowsize=0.7]']
    lines += _body(diagram, None, "  ")
    lines += ["  " + _edge(edge) for edge in diagram.edges]
    lines.append("}")
    return "\n".join(lines) + "\n"


def _body(diagram: Diagram, cluster: str | None, indent: str) -> Iterator[str]:
    for node in diagram.nodes:
        if node.cluster == cluster:
            yield indent + _node(node)
    for child in diagram.clusters:
        if child.parent == cluster:
            yield from _cluster(diagram, child, indent)


def _cluster(diagram: Diagram, cluster: Cluster, indent: str) -> Iterator[str]:
    yield f"{indent}subgraph cluster_{cluster.id} {{"
    inner = indent + "  "
    style = "rounded,dashed" if cluster.kind == "branch" else "rounded"
    yield (f'{inner}graph [id="{cluster.id}" label=<<I>{text(cluster.label)}</I>> '
           f'labeljust=l fontsize=10 style="{style}" color="#9E9E9E" '
           f'fontcolor="#424242"]')
    yield from _body(diagram, cluster.id, inner)
    yield f"{indent}}}"


def _node(node: Node) -> str:
    if node.shape == "start":
        return (f'{node.id} [id="{node.id}" shape=circle label="" width=0.25 fixedsize=true '
                'style=filled fillcolor="#1A1A1A" color="#1A1A1A" tooltip="Start"]')
    shape, rounded = _SHAPES.get(node.shape, ("box", "rounded"))
    attrs = {"id": node.id, "shape": shape, "label": f"<{_node_label(node)}>"}
    styles = ["filled"] + ([rounded] if rounded else [])
    if node.status is None:
        attrs.update(_DEFINITION_NODE)
    else:
        attrs.update(graphviz_node_attrs(node.status, node.current))
        attrs["class"] = f"sfn-status-{node.status.value}" + (" sfn-current" if
                                                                node.current else "")
        styles += graphviz_style_words(node.status)
    if node.shape == "succeed":
        attrs["peripheries"] = "2"
    attrs["style"] = ",".join(styles)
    return f"{node.id} {_attrs(attrs)}"


def _node_label(node: Node) -> str:
    parts = [f"<B>{text(node.name, 80)}</B>"]
    small = [line for line in (node.detail, node.status_text, node.counts, node.duration)
             if line]
    if node.error and node.status in (Status.FAILED, Status.CAUGHT, Status.RETRYING,
                                      Status.TIMED_OUT):
        small.append(node.error)
    parts += [f'<FONT POINT-SIZE="9">{text(line)}</FONT>' for line in small]
    return "<BR/>".join(parts)


def _edge(edge: Edge) -> str:
    style = EDGE_STYLES.get(edge.kind, EDGE_STYLES["next"])
    colour, font, width, dash = style.colour, style.font, style.penwidth, style.style
    label = edge.label
    if edge.taken:
        width = TAKEN_PENWIDTH
        colour = colour if edge.kind in ("catch", "retry") else TAKEN_COLOUR
        if edge.taken > 1:
            label = f"{label}\n×{edge.taken}" if label else f"×{edge.taken}"
    elif edge.faded:
        colour, font = FADED.colour, FADED.font
    attrs = {"color": colour, "fontcolor": font, "penwidth": f"{width:g}", "style": dash,
             "class": f"sfn-edge-{edge.kind}" + (" sfn-taken" if edge.taken else "")
             + (" sfn-faded" if edge.faded else "")}
    if label:
        attrs["label"] = f"<{text(label)}>"
    if edge.kind in ("branch", "processor"):
        attrs["arrowhead"] = "empty"
    return f"{edge.source} -> {edge.target} {_attrs(attrs)}"


def render(dot_text: str, fmt: str = "svg") -> bytes:
    """The rendered image (svg or png) by the real Graphviz ``dot``; "dot" gives the text."""
    if fmt == "dot":
        return dot_text.encode("utf-8")
    if fmt not in FORMATS:
        raise ValueError(f"unsupported format {fmt!r}: use one of {', '.join(FORMATS)}")
    import graphviz  # type: ignore[import-untyped]
    image: bytes = graphviz.pipe("dot", fmt, dot_text.encode("utf-8"))
    return image

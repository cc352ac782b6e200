"""The one status style table (operator-ux §2.9) behind every renderer: Graphviz attributes,
rich styles for the terminal and the dashboard's CSS all read ``STYLES``.

Each status has a swatch colour (the fill of filled statuses, the border of the outlined
"not started"), a font colour, a border style, an icon and a label: colour is never the only
signal. The swatches are the Okabe-Ito colour-blind-safe hues of the legend; tests check
that every pair differs by CIEDE2000 >= ``MIN_DELTA_E`` under normal vision and simulated
protanopia, deuteranopia and tritanopia. Two deliberate departures from the legend, both
forced by that check: "timed out" keeps the vermillion family but darkened (#7A3300), since
Graphviz and terminals cannot draw the legend's hatch that alone told it from "failed"; and
"not started" uses a lighter grey (#BDBDBD) border, as #9E9E9E collides with "waiting" for
deuteranopes.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

MIN_DELTA_E = 10.0


class Status(Enum):
    NOT_STARTED = "not-started"
    SKIPPED = "skipped"
    RUNNING = "running"
    WAITING = "waiting"
    RETRYING = "retrying"
    CAUGHT = "caught"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    TIMED_OUT = "timed-out"
    ABORTED = "aborted"

    @property
    def style(self) -> "StatusStyle":
        return STYLES[self]

    @property
    def finished(self) -> bool:
        return self not in (Status.NOT_STARTED, Status.RUNNING, Status.WAITING,
                            Status.RETRYING)


@dataclass(frozen=True)
class StatusStyle:
    colour: str            # the swatch
    fill: str              # node fill
    font: str              # text on the fill
    border: str            # node border colour
    border_style: str      # solid, dashed, dotted or bold
    icon: str
    label: str
    outlined: bool = False  # not finished yet: drawn as an outline, not a block of colour

    def text(self, attempt: int | None = None, max_attempts: int | None = None) -> str:
        """``"↻ Retrying 2/3"``: the icon, the label and, for retries, the attempt."""
        text = f"{self.icon} {self.label}"
        if attempt is not None:
            text += f" {attempt}/{max_attempts}" if max_attempts else f" {attempt}"
        return text


STYLES: dict[Status, StatusStyle] = {
    Status.NOT_STARTED: StatusStyle("#BDBDBD", "#FFFFFF", "#424242", "#BDBDBD", "solid",
                                    "○", "Not started", outlined=True),
    Status.SKIPPED: StatusStyle("#F0F0F0", "#F0F0F0", "#757575", "#F0F0F0", "solid",
                                "–", "Not taken"),
    Status.RUNNING: StatusStyle("#0072B2", "#0072B2", "#FFFFFF", "#004B75", "bold",
                                "▶", "Running"),
    Status.WAITING: StatusStyle("#CC79A7", "#CC79A7", "#000000", "#8E4A70", "dashed",
                                "⏸", "Waiting"),
    Status.RETRYING: StatusStyle("#F0E442", "#F0E442", "#000000", "#8A8200", "bold",
                                 "↻", "Retrying"),
    Status.CAUGHT: StatusStyle("#E69F00", "#E69F00", "#000000", "#8F6300", "solid",
                               "⤷", "Error caught"),
    Status.SUCCEEDED: StatusStyle("#009E73", "#009E73", "#FFFFFF", "#006B4E", "solid",
                                  "✓", "Succeeded"),
    Status.FAILED: StatusStyle("#D55E00", "#D55E00", "#FFFFFF", "#7A3600", "bold",
                               "✕", "Failed"),
    Status.TIMED_OUT: StatusStyle("#7A3300", "#7A3300", "#FFFFFF", "#3D1A00", "dotted",
                                  "⏱", "Timed out"),
    Status.ABORTED: StatusStyle("#555555", "#555555", "#FFFFFF", "#2B2B2B", "solid",
                                "⊘", "Aborted"),
}


@dataclass(frozen=True)
class EdgeStyle:
    colour: str
    style: str = "solid"
    penwidth: float = 1.0
    font: str = "#333333"


# Edge kinds of workflow.model.graph, plus the modifiers an execution overlay adds.
EDGE_STYLES: dict[str, EdgeStyle] = {
    "start": EdgeStyle("#333333"),
    "next": EdgeStyle("#333333"),
    "choice": EdgeStyle("#333333"),
    "default": EdgeStyle("#333333", "solid"),
    "catch": EdgeStyle("#C27F00", "dashed", 1.2, "#8F5E00"),
    "retry": EdgeStyle("#8A8200", "solid", 1.0, "#5E5900"),
    "branch": EdgeStyle("#757575", "dotted"),
    "processor": EdgeStyle("#757575", "dotted"),
}
TAKEN_PENWIDTH = 2.6
TAKEN_COLOUR = "#1A1A1A"
FADED = EdgeStyle("#D6D6D6", "solid", 1.0, "#B0B0B0")


def graphviz_node_attrs(status: Status, current: bool = False) -> dict[str, str]:
    """Fill, font and border of a node; the current state gets the thickest border."""
    style = STYLES[status]
    width = 3.0 if current else 2.2 if style.border_style == "bold" else 1.2
    return {"fillcolor": style.fill, "fontcolor": style.font, "color": style.border,
            "penwidth": f"{width:g}"}


def graphviz_style_words(status: Status) -> list[str]:
    """Graphviz ``style`` words a status adds to ``filled`` (dashed or dotted borders)."""
    border = STYLES[status].border_style
    return [border] if border in ("dashed", "dotted") else []


def rich_style(status: Status) -> str:
    """A rich style string: the swatch as text colour (outlined statuses stay dim)."""
    style = STYLES[status]
    if status is Status.SKIPPED:
        return "dim"
    return f"bold {style.colour}" if not style.outlined else style.colour


def css(prefix: str = "sfn") -> str:
    """CSS custom properties and one class per status, from the same table."""
    lines = [":root {"]
    for status, style in STYLES.items():
        name = f"--{prefix}-{status.value}"
        lines += [f"  {name}: {style.colour};", f"  {name}-fill: {style.fill};",
                  f"  {name}-text: {style.font};", f"  {name}-border: {style.border};"]
    lines.append("}")
    for status, style in STYLES.items():
        name = f"--{prefix}-{status.value}"
        border = "solid" if style.border_style == "bold" else style.border_style
        width = "2px" if style.border_style == "bold" else "1px"
        lines.append(f".{prefix}-status-{status.value} {{ background: var({name}-fill); "
                     f"color: var({name}-text); border: {width} {border} var({name}-border); }}")
        lines.append(f".{prefix}-status-{status.value}::before {{ content: "
                     f"\"{style.icon} \"; }}")
    return "\n".join(lines) + "\n"

"""The status style table: colour-blind-safe swatches (CIEDE2000 under simulated colour vision
deficiencies), never colour alone (icon + label), and one table feeding every renderer."""
from __future__ import annotations

import itertools

import pytest

from visualizer import colours
from visualizer.styles import (MIN_DELTA_E, STYLES, Status, css, graphviz_node_attrs,
                               graphviz_style_words, rich_style)

# Sharma, Wu & Dalal (2005), the CIEDE2000 test data: (Lab1, Lab2, ΔE00).
SHARMA = [
    ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
    ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
    ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
    ((50.0, 2.5, 0.0), (58.0, 24.0, 15.0), 19.4535),
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ((22.7233, 20.0904, -46.694), (23.0331, 14.973, -42.5619), 2.0373),
    ((50.0, 2.5, 0.0), (50.0, 0.0, -2.5), 4.3065),
    ((2.0776, 0.0795, -1.135), (0.9033, -0.0636, -0.5514), 0.9082),
]


@pytest.mark.parametrize("lab1, lab2, expected", SHARMA)
def test_ciede2000_matches_sharma_data(lab1, lab2, expected) -> None:
    assert colours.ciede2000(lab1, lab2) == pytest.approx(expected, abs=1e-4)
    assert colours.ciede2000(lab2, lab1) == pytest.approx(expected, abs=1e-4)


def test_lab_of_reference_colours() -> None:
    assert colours.lab(colours.simulate("#FFFFFF")) == pytest.approx((100, 0, 0), abs=1e-3)
    assert colours.lab(colours.simulate("#FF0000")) == pytest.approx(
        (53.24, 80.09, 67.20), abs=0.05)


def test_simulation_keeps_greys_and_merges_red_green() -> None:
    for vision in ("protanopia", "deuteranopia", "tritanopia"):
        grey = colours.simulate("#808080", vision)
        assert max(grey) - min(grey) < 0.01
    normal = colours.delta_e("#FF0000", "#00B000")
    assert colours.delta_e("#FF0000", "#00B000", "deuteranopia") < normal / 2


@pytest.mark.parametrize("vision", colours.VISIONS)
def test_every_pair_of_status_colours_is_distinguishable(vision: str) -> None:
    for a, b in itertools.combinations(Status, 2):
        found = colours.delta_e(STYLES[a].colour, STYLES[b].colour, vision)
        assert found >= MIN_DELTA_E, f"{a.name} vs {b.name} under {vision}: ΔE {found:.1f}"


def test_colour_is_never_the_only_signal() -> None:
    icons = [style.icon for style in STYLES.values()]
    names = [style.label for style in STYLES.values()]
    assert len(set(icons)) == len(Status) and len(set(names)) == len(Status)
    assert all(icon.strip() and name.strip() for icon, name in zip(icons, names))
    assert STYLES[Status.RETRYING].text(2, 3) == "↻ Retrying 2/3"


def _luminance(colour: str) -> float:
    r, g, b = colours.simulate(colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


@pytest.mark.parametrize("status", list(Status))
def test_text_stays_readable_on_its_fill(status: Status) -> None:
    style = STYLES[status]
    light, dark = sorted((_luminance(style.fill), _luminance(style.font)), reverse=True)
    assert (light + 0.05) / (dark + 0.05) >= 3.0     # WCAG AA for bold/large text


def test_renderers_read_the_same_table() -> None:
    text = css()
    for status, style in STYLES.items():
        assert f"--sfn-{status.value}: {style.colour};" in text
        assert f".sfn-status-{status.value} " in text and style.icon in text
        assert graphviz_node_attrs(status)["fillcolor"] == style.fill
        assert style.colour in rich_style(status) or status is Status.SKIPPED
    assert graphviz_style_words(Status.WAITING) == ["dashed"]
    assert graphviz_node_attrs(Status.RUNNING, current=True)["penwidth"] == "3"


def test_finished_statuses() -> None:
    assert not Status.RUNNING.finished and not Status.RETRYING.finished
    assert Status.CAUGHT.finished and Status.SKIPPED.finished

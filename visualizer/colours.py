"""The colour math behind the palette check: sRGB to CIELAB (D65), the CIEDE2000 colour
difference (Sharma, Wu & Dalal 2005) and colour-vision-deficiency simulation with the
Machado, Oliveira & Fernandes (2009) matrices at severity 1.0, applied in linear RGB."""
from __future__ import annotations

import math

Lab = tuple[float, float, float]
Matrix = tuple[tuple[float, float, float], ...]

MACHADO_2009: dict[str, Matrix] = {
    "protanopia": ((0.152286, 1.052583, -0.204868),
                   (0.114503, 0.786281, 0.099216),
                   (-0.003882, -0.048116, 1.051998)),
    "deuteranopia": ((0.367322, 0.860646, -0.227968),
                     (0.280085, 0.672501, 0.047413),
                     (-0.011820, 0.042940, 0.968881)),
    "tritanopia": ((1.255528, -0.076749, -0.178779),
                   (-0.078411, 0.930809, 0.147602),
                   (0.004733, 0.691367, 0.303900)),
}
VISIONS = ("normal", *MACHADO_2009)

_WHITE = (0.95047, 1.0, 1.08883)      # D65 reference white, Y = 1
_TO_XYZ = ((0.4124564, 0.3575761, 0.1804375),
           (0.2126729, 0.7151522, 0.0721750),
           (0.0193339, 0.1191920, 0.9503041))


def parse_hex(colour: str) -> tuple[int, int, int]:
    text = colour.lstrip("#")
    if len(text) != 6:
        raise ValueError(f"not a #RRGGBB colour: {colour!r}")
    return int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16)


def _linear(channel: int) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def _apply(matrix: Matrix, vector: tuple[float, float, float]) -> tuple[float, float, float]:
    x, y, z = (sum(m * v for m, v in zip(row, vector)) for row in matrix)
    return x, y, z


def simulate(colour: str, vision: str = "normal") -> tuple[float, float, float]:
    """Linear RGB of ``colour`` as seen with ``vision`` (clamped to the displayable range)."""
    rgb = tuple(_linear(c) for c in parse_hex(colour))
    if vision == "normal":
        return rgb  # type: ignore[return-value]
    seen = _apply(MACHADO_2009[vision], rgb)  # type: ignore[arg-type]
    return tuple(min(1.0, max(0.0, c)) for c in seen)  # type: ignore[return-value]


def lab(linear_rgb: tuple[float, float, float]) -> Lab:
    xyz = _apply(_TO_XYZ, linear_rgb)
    fx, fy, fz = (_f(v / w) for v, w in zip(xyz, _WHITE))
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def _f(t: float) -> float:
    return t ** (1 / 3) if t > (6 / 29) ** 3 else t / (3 * (6 / 29) ** 2) + 4 / 29


def delta_e(colour_a: str, colour_b: str, vision: str = "normal") -> float:
    """CIEDE2000 between two ``#RRGGBB`` colours as seen with ``vision``."""
    return ciede2000(lab(simulate(colour_a, vision)), lab(simulate(colour_b, vision)))


def ciede2000(lab1: Lab, lab2: Lab) -> float:
    l1, a1, b1 = lab1
    l2, a2, b2 = lab2
    c_bar = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(c_bar ** 7 / (c_bar ** 7 + 25 ** 7)))
    a1p, a2p = a1 * (1 + g), a2 * (1 + g)
    c1p, c2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p, h2p = _hue(b1, a1p), _hue(b2, a2p)
    dl, dc = l2 - l1, c2p - c1p
    dh = _hue_difference(h1p, h2p, c1p * c2p)
    dh_big = 2 * math.sqrt(c1p * c2p) * math.sin(math.radians(dh / 2))
    l_bar, c_bar_p = (l1 + l2) / 2, (c1p + c2p) / 2
    h_bar = _hue_mean(h1p, h2p, c1p * c2p)
    t = (1 - 0.17 * math.cos(math.radians(h_bar - 30)) + 0.24 * math.cos(math.radians(2 * h_bar))
         + 0.32 * math.cos(math.radians(3 * h_bar + 6))
         - 0.20 * math.cos(math.radians(4 * h_bar - 63)))
    s_l = 1 + 0.015 * (l_bar - 50) ** 2 / math.sqrt(20 + (l_bar - 50) ** 2)
    s_c = 1 + 0.045 * c_bar_p
    s_h = 1 + 0.015 * c_bar_p * t
    r_c = 2 * math.sqrt(c_bar_p ** 7 / (c_bar_p ** 7 + 25 ** 7))
    r_t = -math.sin(math.radians(60 * math.exp(-(((h_bar - 275) / 25) ** 2)))) * r_c
    return math.sqrt((dl / s_l) ** 2 + (dc / s_c) ** 2 + (dh_big / s_h) ** 2
                     + r_t * (dc / s_c) * (dh_big / s_h))


def _hue(b: float, a: float) -> float:
    if a == 0 and b == 0:
        return 0.0
    return math.degrees(math.atan2(b, a)) % 360


def _hue_difference(h1: float, h2: float, chroma_product: float) -> float:
    if chroma_product == 0:
        return 0.0
    dh = h2 - h1
    if dh > 180:
        return dh - 360
    if dh < -180:
        return dh + 360
    return dh


def _hue_mean(h1: float, h2: float, chroma_product: float) -> float:
    if chroma_product == 0:
        return h1 + h2
    if abs(h1 - h2) <= 180:
        return (h1 + h2) / 2
    return (h1 + h2 + 360) / 2 if h1 + h2 < 360 else (h1 + h2 - 360) / 2


def min_delta_e(colours: dict[str, str]) -> tuple[float, str, str, str]:
    """The closest pair over every vision: ``(ΔE, vision, name_a, name_b)``."""
    names = list(colours)
    worst = (math.inf, "", "", "")
    for vision in VISIONS:
        seen = {n: lab(simulate(colours[n], vision)) for n in names}
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                found = ciede2000(seen[a], seen[b])
                if found < worst[0]:
                    worst = (found, vision, a, b)
    return worst

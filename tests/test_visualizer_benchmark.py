"""benchmarks/render.py keeps running: started at its smallest sizes, it must exit 0 and print
its headings. Nothing here looks at a time."""
from __future__ import annotations

import shutil

import pytest

from test_benchmarks import run


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot is required")
def test_render_benchmark_quick() -> None:
    out = run("render.py", "--quick")
    for heading in ("definitions", "layout+svg ms", "execution overlay", "history events",
                    "derive statuses", "layout + svg", "targets"):
        assert heading in out

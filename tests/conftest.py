from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CONFORMANCE = SHARED / "conformance"


def write_json(path: Path, document: Any) -> Path:
    path.write_text(json.dumps(document, indent=2))
    return path


@pytest.fixture
def definition_file(tmp_path: Path):
    def make(document: Any, name: str = "machine.asl.json") -> Path:
        return write_json(tmp_path / name, document)
    return make

"""Compact JSON text for persistence and size checks, through orjson when it can.

Encoding JSON is a large share of a persisted transition (every history event and run record
is written as JSON, every state output is measured against the 256 KiB quota); orjson does it
several times faster than the standard library. Values orjson refuses (integers beyond 64
bits) fall back to the standard encoder. Decoding stays with the standard library, which
keeps such integers exact.
"""
from __future__ import annotations

import json
from typing import Any

import orjson

_standard = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


def dumps(value: Any) -> str:
    try:
        return orjson.dumps(value).decode()
    except TypeError:
        return _standard(value)


def dumps_bytes(value: Any) -> bytes:
    """UTF-8 JSON, whose length is what AWS's payload quota counts."""
    try:
        return orjson.dumps(value)
    except TypeError:
        return _standard(value).encode()


def loads(text: str | bytes) -> Any:
    # The standard decoder: orjson reads integers beyond 64 bits as floats, losing digits.
    return json.loads(text)

"""Shared by the functions-service tests: stores on both backends, code trees, invokers."""
from __future__ import annotations

import io
import os
import stat
import textwrap
import uuid
import zipfile
from pathlib import Path
from typing import Any, Iterator

import pytest
import redis

from workflow.functions.service import open_function_store
from workflow.functions.service.store_redis import RedisFunctionStore

REDIS_URL = os.environ.get("SFN_TEST_FUNCTIONS_REDIS_URL", "redis://127.0.0.1:6379/13")


def redis_available() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


needs_redis = pytest.mark.skipif(not redis_available(), reason="no Redis on " + REDIS_URL)


def redis_store() -> Iterator[RedisFunctionStore]:
    store = RedisFunctionStore(REDIS_URL, prefix=f"test:fn:{uuid.uuid4().hex}:")
    try:
        yield store
    finally:
        client = redis.Redis.from_url(REDIS_URL)
        keys = list(client.scan_iter(match=store.prefix + "*", count=1000))
        if keys:
            client.delete(*keys)
        store.close()


@pytest.fixture(params=["sqlite", pytest.param("redis", marks=needs_redis)])
def any_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    if request.param == "sqlite":
        store = open_function_store(str(tmp_path / "functions.db"))
        yield store
        store.close()
    else:
        yield from redis_store()


def tree(root: Path, files: dict[str, str], executable: tuple[str, ...] = ()) -> Path:
    """Write ``files`` (dedented) under root; mark ``executable`` ones +x."""
    root.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))
        if name in executable:
            path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return root


def zip_bytes(entries: dict[str, bytes | str], links: dict[str, str] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
        for name, target in (links or {}).items():
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, target)
    return buffer.getvalue()


ECHO_PY = {"app.py": """
    import os
    print("init", os.environ["AWS_LAMBDA_FUNCTION_NAME"])
    def handler(event, context):
        print("event", event)
        return {"event": event, "version": context.function_version, "tag": "v1"}
"""}

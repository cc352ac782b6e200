"""Deployment packages: a directory or a zip in, a checked zip out; safe extraction.

Code is content-addressed: the key is the SHA-256 of the zip (Lambda's CodeSha256 is its
base64). A directory is zipped deterministically (sorted names, fixed timestamps, mode bits
kept so a ``bootstrap`` stays executable), so the same tree always has the same CodeSha256.
A zip is refused whole when an entry would land outside the code directory (``../``, an
absolute path, a drive letter), when a link points outside the tree, or when it is too big.
"""
from __future__ import annotations

import base64
import hashlib
import io
import os
import shutil
import stat
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

from workflow.functions.service.errors import FunctionServiceError, invalid

MAX_ZIP_BYTES = 50 * 1024 * 1024          # Lambda's direct-upload limit
MAX_UNZIPPED_BYTES = 250 * 1024 * 1024
MAX_ENTRIES = 20_000
_EPOCH = (1980, 1, 1, 0, 0, 0)


def code_sha256(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode("ascii")


def package(source: str | Path, max_zip: int = MAX_ZIP_BYTES,
            max_unzipped: int = MAX_UNZIPPED_BYTES) -> bytes:
    """The zip for ``source`` (a directory or a .zip file), checked."""
    path = Path(source)
    if path.is_dir():
        data = zip_directory(path)
    elif path.is_file():
        if path.stat().st_size > max_zip:
            raise _too_big(path.stat().st_size, max_zip)
        data = path.read_bytes()
    else:
        raise invalid(f"code {source}: no such file or directory")
    check_zip(data, max_zip, max_unzipped)
    return data


def zip_directory(root: Path) -> bytes:
    buffer = io.BytesIO()
    base = root.resolve()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(root.rglob("*")):
            relative = path.relative_to(root).as_posix()
            if path.is_symlink():
                target = (path.parent / os.readlink(path)).resolve()
                if not _inside(base, target):
                    raise invalid(f"code: {relative} links to {os.readlink(path)}, outside "
                                  f"the code directory")
            if path.is_dir() or "__pycache__" in path.parts:
                continue
            info = zipfile.ZipInfo(relative, _EPOCH)
            info.external_attr = (stat.S_IFREG | (path.stat().st_mode & 0o777)) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())
    return buffer.getvalue()


def _inside(base: Path, target: Path) -> bool:
    return target == base or base in target.parents


def _too_big(size: int, limit: int, what: str = "zipped") -> FunctionServiceError:
    return FunctionServiceError(
        "RequestEntityTooLargeException" if what == "zipped" else "InvalidParameterValueException",
        f"code package is {size} bytes {what}; the limit is {limit} bytes",
        413 if what == "zipped" else 400)


def check_zip(data: bytes, max_zip: int = MAX_ZIP_BYTES,
              max_unzipped: int = MAX_UNZIPPED_BYTES) -> None:
    """Raise InvalidParameterValueException (or RequestEntityTooLarge) for an unsafe archive."""
    if len(data) > max_zip:
        raise _too_big(len(data), max_zip)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError) as exc:
        raise invalid(f"code is not a zip archive: {exc}") from None
    if len(infos) > MAX_ENTRIES:
        raise invalid(f"code has {len(infos)} entries; the limit is {MAX_ENTRIES}")
    total = sum(info.file_size for info in infos)
    if total > max_unzipped:
        raise _too_big(total, max_unzipped, "unzipped")
    for info in infos:
        _check_entry(archive, info)


def _check_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    name = info.filename
    parts = PurePosixPath(name.replace("\\", "/")).parts
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        raise invalid(f"code: entry {name!r} has an absolute path")
    if ".." in parts:
        raise invalid(f"code: entry {name!r} would be extracted outside the code directory")
    if stat.S_ISLNK(info.external_attr >> 16):
        target = archive.read(info).decode("utf-8", "replace")
        joined = PurePosixPath(*parts[:-1], target) if not target.startswith("/") else None
        if joined is None or _escapes(joined):
            raise invalid(f"code: link {name!r} -> {target!r} points outside the code directory")


def _escapes(path: PurePosixPath) -> bool:
    depth = 0
    for part in path.parts:
        depth += -1 if part == ".." else (0 if part == "." else 1)
        if depth < 0:
            return True
    return False


def extract(data: bytes, cache: str | Path, key: str) -> Path:
    """``cache/key`` holding the archive's files (extracted once, atomically)."""
    dest = Path(cache) / key
    if dest.is_dir():
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    check_zip(data, max_zip=len(data) + 1)
    staging = Path(tempfile.mkdtemp(prefix=f".{key[:12]}-", dir=dest.parent))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist():
                _extract_one(archive, info, staging)
        os.chmod(staging, 0o755)
        os.rename(staging, dest)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)
        if not dest.is_dir():          # a concurrent extraction of the same key won: fine
            raise
    return dest


def _extract_one(archive: zipfile.ZipFile, info: zipfile.ZipInfo, root: Path) -> None:
    target = root.joinpath(*PurePosixPath(info.filename.replace("\\", "/")).parts)
    if info.is_dir():
        target.mkdir(parents=True, exist_ok=True)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        os.symlink(archive.read(info).decode("utf-8"), target)
        return
    with archive.open(info) as source, open(target, "wb") as sink:
        shutil.copyfileobj(source, sink)
    os.chmod(target, (mode & 0o777) or 0o644)

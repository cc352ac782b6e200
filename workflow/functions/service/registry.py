"""Registry operations on a FunctionStore: create, update-code, update-config, get, list, delete.

Every update is a compare-and-set on $LATEST's RevisionId, retried when another writer won, so
two concurrent ``update-config`` calls never lose each other's change silently.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Mapping

from workflow.functions.service import codezip
from workflow.functions.service import records as r
from workflow.functions.service.errors import conflict, invalid, not_found
from workflow.functions.service.records import LATEST, FunctionConfig
from workflow.functions.service.store import FunctionStore

CAS_TRIES = 20
_CONFIG_KEYS = {"memory_mb", "timeout_s", "environment", "description", "reserved_concurrency",
                "handler", "runtime"}


class Registry:
    def __init__(self, store: FunctionStore, *, max_zip: int = codezip.MAX_ZIP_BYTES,
                 max_unzipped: int = codezip.MAX_UNZIPPED_BYTES) -> None:
        self.store = store
        self.max_zip = max_zip
        self.max_unzipped = max_unzipped

    # ---- code -----------------------------------------------------------------------------
    def upload(self, code: str | Path | bytes) -> tuple[str, int]:
        """Store a directory, zip path or zip bytes; (CodeSha256, CodeSize)."""
        if isinstance(code, bytes):
            codezip.check_zip(code, self.max_zip, self.max_unzipped)
            data = code
        else:
            data = codezip.package(code, self.max_zip, self.max_unzipped)
        sha = codezip.code_sha256(data)
        self.store.put_code(r.sha_hex(sha), data)
        return sha, len(data)

    # ---- create / update -------------------------------------------------------------------
    def create(self, name: str, code: str | Path | bytes, *, handler: str, runtime: str,
               memory_mb: int = 128, timeout_s: int = 3, environment: Mapping[str, str] | None = None,
               description: str = "", reserved_concurrency: int | None = None) -> FunctionConfig:
        settings = check_settings(dict(
            handler=handler, runtime=runtime, memory_mb=memory_mb, timeout_s=timeout_s,
            environment=dict(environment or {}), description=description,
            reserved_concurrency=reserved_concurrency))
        r.check_name(name)
        sha, size = self.upload(code)
        config = FunctionConfig(name=name, code_sha256=sha, code_size=size, **settings).revised()
        if not self.store.create(config):
            raise conflict(f"Function already exist: {name}")
        return config

    def update_code(self, name: str, code: str | Path | bytes,
                    revision_id: str | None = None) -> FunctionConfig:
        sha, size = self.upload(code)
        return self._update(name, lambda c: c.revised(code_sha256=sha, code_size=size), revision_id)

    def update_config(self, name: str, revision_id: str | None = None,
                      **changes: Any) -> FunctionConfig:
        unknown = set(changes) - _CONFIG_KEYS
        if unknown:
            raise invalid(f"unknown configuration fields: {', '.join(sorted(unknown))}")
        settings = check_settings(changes)
        return self._update(name, lambda c: c.revised(**settings), revision_id)

    def _update(self, name: str, change: Callable[[FunctionConfig], FunctionConfig],
                revision_id: str | None) -> FunctionConfig:
        for _ in range(CAS_TRIES):
            current = self.latest(name)
            if revision_id is not None and current.revision_id != revision_id:
                raise r_precondition(name)
            updated = change(current)
            if self.store.put_config(updated, current.revision_id):
                return updated
        raise conflict(f"The function {name} is being updated too often; try again")

    # ---- read / delete -----------------------------------------------------------------------
    def latest(self, name: str) -> FunctionConfig:
        found = self.store.configs(name, (LATEST,)).get(LATEST)
        if found is None:
            raise not_found(f"Function not found: {_arn(name)}")
        return found

    def get(self, name: str, qualifier: str | None = None) -> FunctionConfig:
        """The configuration of ``name`` at a version or alias (an alias gives its main version)."""
        from workflow.functions.service.resolver import split_name
        name, named = split_name(name)
        qualifier = qualifier or named or LATEST
        if qualifier != LATEST and not qualifier.isdigit():
            alias = self.store.alias(name, qualifier)
            if alias is None:
                raise not_found(f"Function not found: {_arn(name, qualifier)}")
            qualifier = alias.function_version
        found = self.store.configs(name, (qualifier,)).get(qualifier)
        if found is None:
            raise not_found(f"Function not found: {_arn(name, qualifier)}")
        return found

    def list(self) -> list[FunctionConfig]:
        found = [self.store.configs(n, (LATEST,)).get(LATEST) for n in self.store.names()]
        return [c for c in found if c is not None]

    def delete(self, name: str, qualifier: str | None = None) -> None:
        from workflow.functions.service.resolver import split_name
        name, named = split_name(name)
        qualifier = qualifier or named
        if qualifier == LATEST:
            raise invalid("$LATEST cannot be deleted on its own: delete the function")
        if qualifier is not None:
            self._delete_version(name, qualifier)
        elif not self.store.delete(name):
            raise not_found(f"Function not found: {_arn(name)}")

    def _delete_version(self, name: str, version: str) -> None:
        users = [a.name for a in self.store.aliases(name)
                 if a.function_version == version or version in a.weights]
        if users:
            raise conflict(f"Unable to delete version because the following aliases reference "
                           f"it: {users}")
        if not self.store.delete(name, version):
            raise not_found(f"Function not found: {_arn(name, version)}")


def _arn(name: str, qualifier: str | None = None) -> str:
    from workflow.functions.context import function_arn
    return function_arn(name, qualifier)


def r_precondition(name: str) -> Exception:
    from workflow.functions.service.errors import precondition
    return precondition(f"The Revision Id provided does not match the latest Revision Id of "
                        f"{name}. Call the GetFunction/GetAlias API to retrieve the latest "
                        f"Revision Id")


def check_settings(settings: Mapping[str, Any]) -> dict[str, Any]:
    """Validate the configuration fields given (None values are dropped, except
    reserved_concurrency, where None removes the limit)."""
    checks: dict[str, Callable[[Any], Any]] = {
        "handler": r.check_handler, "runtime": r.check_runtime,
        "memory_mb": lambda v: r.check_range("memory size", v, r.MEMORY_RANGE),
        "timeout_s": lambda v: r.check_range("timeout", v, r.TIMEOUT_RANGE),
        "environment": r.check_environment, "description": _check_description,
        "reserved_concurrency": _check_reserved}
    return {key: checks[key](value) for key, value in settings.items()
            if value is not None or key == "reserved_concurrency"}


def _check_description(text: str) -> str:
    if len(text) > 256:
        raise invalid("description is longer than 256 characters")
    return text


def _check_reserved(value: int | None) -> int | None:
    if value is not None and (not isinstance(value, int) or value < 0):
        raise invalid(f"reserved concurrency {value!r} must be a whole number ≥ 0")
    return value

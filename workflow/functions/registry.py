"""Python functions registered by name: ``NAME -> path/to/file.py:handler``.

Code is imported lazily, on the first invocation (or an explicit ``check``), and cached per
registration. Loading failures are values (``InitFailure``) shaped as Lambda reports them, never
exceptions; only malformed registrations raise ``InputError``.
"""
from __future__ import annotations

import itertools
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from workflow.errors import InputError
from workflow.functions.invoke import DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_SECONDS
from workflow.functions.loader import InitFailure, Loaded, forget_module, load_handler

DEFAULT_HANDLER = "handler"
_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")       # Lambda's function-name alphabet
_SERIAL = itertools.count(1)


@dataclass(frozen=True)
class FunctionSpec:
    name: str
    path: Path
    handler: str = DEFAULT_HANDLER
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS
    memory_mb: int = DEFAULT_MEMORY_MB
    module_name: str = ""

    @property
    def target(self) -> str:
        return f"{self.path}:{self.handler}"


def parse_target(target: str) -> tuple[str, str]:
    """``file.py:handler`` → (file, handler); without ``:HANDLER`` the handler is ``handler``.
    A colon followed by a path-like tail belongs to the path."""
    text = target.strip()
    path, sep, handler = text.rpartition(":")
    if not sep or any(ch in handler for ch in "/\\") or handler.endswith(".py"):
        path, handler = text, DEFAULT_HANDLER
    if not path:
        raise InputError(f"function target {target!r} names no file")
    if not handler.isidentifier():
        raise InputError(f"function target {target!r}: {handler!r} is not a handler name")
    return path, handler


def parse_cli(text: str) -> tuple[str, str, str]:
    """The CLI form ``NAME=FILE.py[:HANDLER]`` → (name, file, handler)."""
    name, sep, target = text.partition("=")
    name = name.strip()
    if not sep:
        raise InputError(f"function {text!r}: expected NAME=FILE.py[:HANDLER]")
    _check_name(name)
    return (name, *parse_target(target))


def _check_name(name: str) -> None:
    if not _NAME.match(name):
        raise InputError(f"function name {name!r} must be 1-64 letters, digits, '-' or '_'")


class FunctionRegistry:
    """Thread-safe: the embedded runner invokes from worker threads."""

    def __init__(self, base_dir: str | Path | None = None) -> None:
        self._base = Path(base_dir) if base_dir is not None else None
        self._specs: dict[str, FunctionSpec] = {}
        self._loaded: dict[str, Loaded] = {}       # keyed by module name
        self._gates: dict[str, threading.Lock] = {}
        self._lock = threading.RLock()

    def register(self, name: str, target: str, *, timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
                 memory_mb: int = DEFAULT_MEMORY_MB) -> FunctionSpec:
        """Register (or replace) ``name``; relative paths resolve against ``base_dir`` or the
        current directory now, so later ``chdir`` calls do not matter."""
        _check_name(name)
        path, handler = parse_target(target)
        resolved = (self._base / path if self._base else Path(path)).expanduser().resolve()
        module = f"_sfn_function_{next(_SERIAL)}_{name.replace('-', '_')}"
        spec = FunctionSpec(name, resolved, handler, timeout_seconds, memory_mb, module)
        with self._lock:
            old = self._specs.get(name)
            self._specs[name] = spec
            if old is not None:
                self._gates.pop(old.module_name, None)
                if self._loaded.pop(old.module_name, None) is not None:
                    forget_module(old.module_name)
        return spec

    def register_cli(self, text: str, *, timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
                     memory_mb: int = DEFAULT_MEMORY_MB) -> FunctionSpec:
        name, path, handler = parse_cli(text)
        return self.register(name, f"{path}:{handler}", timeout_seconds=timeout_seconds,
                             memory_mb=memory_mb)

    def get(self, name: str) -> FunctionSpec | None:
        with self._lock:
            return self._specs.get(name)

    def names(self) -> list[str]:
        with self._lock:
            return sorted(self._specs)

    def __contains__(self, name: object) -> bool:
        return self.get(name) is not None if isinstance(name, str) else False

    def load(self, name: str) -> tuple[FunctionSpec, Loaded | InitFailure, bool] | None:
        """(spec, loaded code or failure, whether this call imported it); None if unknown.
        A failure is not cached: the next invocation tries again, as a fresh Lambda
        environment would."""
        with self._lock:
            spec = self._specs.get(name)
            if spec is None:
                return None
            cached = self._loaded.get(spec.module_name)
            # One import per registration; loaded functions never wait behind an import.
            gate = self._gates.setdefault(spec.module_name, threading.Lock())
        if cached is not None:
            return spec, cached, False
        with gate:
            with self._lock:
                cached = self._loaded.get(spec.module_name)
            if cached is not None:
                return spec, cached, False
            outcome = load_handler(spec.module_name, spec.path, spec.handler)
            if isinstance(outcome, Loaded):
                with self._lock:
                    current = self._specs.get(name) is spec
                    if current:
                        self._loaded[spec.module_name] = outcome
                if not current:                 # replaced while importing
                    forget_module(spec.module_name)
            return spec, outcome, True

    def check(self, name: str) -> str | None:
        """One line describing why ``name`` cannot run, or None. Imports the code (and caches
        it) so import errors show up before an execution starts; output the module prints
        while being imported here goes to the real stdout, not to an invocation's logs."""
        found = self.load(name)
        if found is None:
            return f"function '{name}' is not registered"
        spec, outcome, _ = found
        if isinstance(outcome, InitFailure):
            return f"function '{name}' ({spec.target}): {outcome.line()}"
        return None

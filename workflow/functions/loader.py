"""Import a handler file as an isolated module and report failures the way Lambda does.

Error names and messages follow awslambdaric's ``_get_handler`` / ``build_fault_result``
(lambda-xray.md §1, §5.1): ImportError → ``Runtime.ImportModuleError``, SyntaxError →
``Runtime.UserCodeSyntaxError``, a missing attribute → ``Runtime.HandlerNotFound``, any other
exception raised by module code → its own class name with the user's stack frames.
"""
from __future__ import annotations

import importlib.machinery
import importlib.util
import os
import sys
import threading
import time
import traceback
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType, TracebackType
from typing import Any, Callable

from workflow.functions.invoke import LATEST

# sys.path and sys.modules are process-wide: one import at a time.
_IMPORT_LOCK = threading.RLock()
_PACKAGE_DIR = str(Path(__file__).resolve().parent)

_MISSING = object()

Handler = Callable[[Any, Any], Any]


@dataclass(frozen=True)
class InitFailure:
    error_type: str
    message: str
    stack_trace: list[str] = field(default_factory=list)

    def payload(self, request_id: str = "") -> dict[str, Any]:
        # awslambdaric posts init errors without a request id.
        return error_payload(self.message, self.error_type, self.stack_trace, request_id)

    def line(self) -> str:
        return " ".join(f"{self.error_type}: {self.message}".split())


@dataclass(frozen=True)
class Loaded:
    handler: Handler
    module: ModuleType
    log_stream_name: str
    init_duration_ms: float


def error_payload(message: str, error_type: str, stack_trace: list[str],
                  request_id: str) -> dict[str, Any]:
    """Lambda's Python error object, keys in awslambdaric's order."""
    return {"errorMessage": message, "errorType": error_type, "requestId": request_id,
            "stackTrace": stack_trace}


def user_frames(tb: TracebackType | None) -> list[str]:
    """Formatted stack frames without ours or importlib's, as awslambdaric drops bootstrap.py."""
    frames = [frame for frame in traceback.extract_tb(tb)
              if not frame.filename.startswith((_PACKAGE_DIR, "<frozen importlib"))]
    return traceback.format_list(frames)


def exception_failure(exc: BaseException) -> InitFailure:
    return InitFailure(type(exc).__name__, str(exc), user_frames(exc.__traceback__))


def exit_failure(exc: SystemExit) -> InitFailure:
    code = exc.code if isinstance(exc.code, int) else 1
    return InitFailure("Runtime.ExitError", f"Runtime exited with error: exit status {code}")


def load_handler(module_name: str, path: Path, handler_name: str) -> Loaded | InitFailure:
    started = time.perf_counter()
    stem = path.stem
    if not path.is_file():
        return InitFailure("Runtime.ImportModuleError",
                           f"Unable to import module '{stem}': No module named '{stem}'")
    try:
        module = import_file(module_name, path)
    except ImportError as exc:
        return InitFailure("Runtime.ImportModuleError", f"Unable to import module '{stem}': {exc}")
    except SyntaxError as exc:
        trace = [f'  File "{exc.filename}" Line {exc.lineno}\n    {exc.text}']
        return InitFailure("Runtime.UserCodeSyntaxError",
                           f"Syntax error in module '{stem}': {exc}", trace)
    except SystemExit as exc:
        return exit_failure(exc)
    except Exception as exc:  # noqa: BLE001 - module code may raise anything
        return exception_failure(exc)
    return _find_handler(module, stem, handler_name, started)


def _find_handler(module: ModuleType, stem: str, handler_name: str,
                  started: float) -> Loaded | InitFailure:
    handler = getattr(module, handler_name, _MISSING)
    if handler is _MISSING:
        return InitFailure("Runtime.HandlerNotFound",
                           f"Handler '{handler_name}' missing on module '{stem}'")
    if not callable(handler):
        return InitFailure("Runtime.HandlerNotFound",
                           f"Handler '{handler_name}' on module '{stem}' is not callable")
    stream = f"{time.strftime('%Y/%m/%d', time.gmtime())}/[{LATEST}]{uuid.uuid4().hex}"
    return Loaded(handler, module, stream, (time.perf_counter() - started) * 1000)


def import_file(module_name: str, path: Path) -> ModuleType:
    """Execute ``path`` as module ``module_name`` with its directory importable meanwhile.

    Sibling modules it imports are dropped from ``sys.modules`` afterwards (the module keeps
    its references) so another function's same-named sibling is imported afresh."""
    loader = importlib.machinery.SourceFileLoader(module_name, str(path))
    spec = importlib.util.spec_from_loader(module_name, loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    directory = str(path.parent)
    with _IMPORT_LOCK:
        before = set(sys.modules)
        sys.path.insert(0, directory)
        sys.modules[module_name] = module
        try:
            loader.exec_module(module)
        except BaseException:
            sys.modules.pop(module_name, None)
            raise
        finally:
            _remove_path(directory)
            _forget_siblings(before, directory, module_name)
    return module


def forget_module(module_name: str) -> None:
    with _IMPORT_LOCK:
        sys.modules.pop(module_name, None)


def _remove_path(directory: str) -> None:
    if sys.path and sys.path[0] == directory:
        del sys.path[0]
    elif directory in sys.path:
        sys.path.remove(directory)


def _forget_siblings(before: set[str], directory: str, keep: str) -> None:
    prefix = os.path.join(directory, "")
    for name in set(sys.modules) - before - {keep}:
        filename = getattr(sys.modules[name], "__file__", None) or ""
        if filename.startswith(prefix):
            del sys.modules[name]

"""The process's one ServiceInvoker (it owns the warm instances), made on first use.

Configured by the environment: SFN_FUNCTIONS_URL, else the distributed runner's Redis when
SFN_BROKER_URL is set, else ``.sfn/functions.db`` if that file exists (no store, no service:
a run that registers no functions never creates one). SFN_FUNCTIONS_CACHE places extracted
code and instance logs; SFN_PYTHON_RIC=awslambdaric runs Python functions under AWS's client.
"""
from __future__ import annotations

import atexit
import os
import threading
from pathlib import Path

from workflow.functions.service.invoker import ServiceInvoker
from workflow.functions.service.store import DEFAULT_DB, open_function_store

_lock = threading.Lock()
_shared: dict[int, ServiceInvoker] = {}


def configured() -> bool:
    return bool(os.environ.get("SFN_FUNCTIONS_URL") or os.environ.get("SFN_BROKER_URL")
                or Path(DEFAULT_DB).is_file())


def shared_invoker() -> ServiceInvoker | None:
    """This process's service (a forked worker makes its own), or None while none is
    configured (asked again next time: the store may be created meanwhile)."""
    pid = os.getpid()
    with _lock:
        if pid not in _shared:
            if not configured():
                return None
            _shared.clear()                  # a parent's instances are not ours to drive
            _shared[pid] = _make()
        return _shared[pid]


def _make() -> ServiceInvoker:
    invoker = ServiceInvoker(open_function_store(),
                             python_ric=os.environ.get("SFN_PYTHON_RIC", "builtin"))
    atexit.register(invoker.close)
    return invoker

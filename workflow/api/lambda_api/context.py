"""The functions service the Lambda API works on: one store, registry and invoker per server,
opened on first use (the store the ``sfn functions`` commands use: SFN_FUNCTIONS_URL, the
runner's Redis, else .sfn/functions.db)."""
from __future__ import annotations

import atexit
import threading
from typing import Any

_lock = threading.Lock()


class LambdaService:
    def __init__(self, store_url: str | None = None) -> None:
        self.store_url = store_url
        self._opened: tuple[Any, Any, Any] | None = None

    def _open(self) -> tuple[Any, Any, Any]:
        with _lock:
            if self._opened is None:
                from workflow.functions.service import (Registry, ServiceInvoker,
                                                        open_function_store)
                store = open_function_store(self.store_url)
                invoker = ServiceInvoker(store)
                atexit.register(invoker.close)
                self._opened = (store, Registry(store), invoker)
            return self._opened

    @property
    def registry(self) -> Any:
        return self._open()[1]

    @property
    def invoker(self) -> Any:
        return self._open()[2]

    def close(self) -> None:
        if self._opened is not None:
            store, _, invoker = self._opened
            invoker.close()
            store.close()
            self._opened = None

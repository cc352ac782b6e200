"""Persistence of state machines, executions, runs and history behind one small interface.

``SqliteStore`` is the embedded default (one file, e.g. ``.sfn/sfn.db``).
"""
from __future__ import annotations

from workflow.store.base import (TERMINAL_STATUSES, UPDATABLE_FIELDS, ExecutionAlreadyExists,
                                 ExecutionDoesNotExist, ExecutionRecord, InvalidToken,
                                 StateMachineRecord, Store, StoreError, VersionConflict)
from workflow.store.sqlite import SqliteStore

__all__ = [
    "Store", "SqliteStore", "StateMachineRecord", "ExecutionRecord", "StoreError",
    "ExecutionAlreadyExists", "ExecutionDoesNotExist", "VersionConflict", "InvalidToken",
    "TERMINAL_STATUSES", "UPDATABLE_FIELDS",
]

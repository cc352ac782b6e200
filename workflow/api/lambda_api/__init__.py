"""Lambda's REST-JSON API (a subset) over the functions service: ``/2015-03-31/functions...``.

Registry calls (create, get, list, update code / configuration, delete, versions, aliases) and
Invoke (RequestResponse, Event, DryRun; LogType Tail). Errors are shaped as Lambda's: the
``x-amzn-ErrorType`` header and ``{"Type": "User", "message": ...}``."""
from __future__ import annotations

from workflow.api.lambda_api.router import PREFIX, LambdaRouter

__all__ = ["PREFIX", "LambdaRouter"]

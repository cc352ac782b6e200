"""Server-sent events for the execution page: the history is polled after the last event
id this stream has seen (a range read of new rows: cheap), and each poll that brings
something new sends one ``update`` message with the new events (AWS's HistoryEvent shape,
as GetExecutionHistory returns them), the per-state statuses and banner and, when a status
changed, the re-rendered graph SVG. A finished execution is polled less often (a redrive can
make it run again). The stream ends when the browser goes away."""
from __future__ import annotations

import asyncio
import json
from typing import Any, AsyncIterator

from starlette.concurrency import run_in_threadpool
from starlette.responses import Response, StreamingResponse

from workflow.api.dashboard import data, detail
from workflow.api.errors import ApiError
from workflow.api.history_shapes import to_aws

RUNNING_POLL = 0.4
FINISHED_POLL = 2.0
KEEPALIVE_POLLS = 25
MAX_EVENTS_PER_MESSAGE = 500


def message(kind: str, body: dict[str, Any]) -> str:
    """One SSE message; JSON has no raw newlines, so it is one ``data:`` line."""
    return f"event: {kind}\ndata: {json.dumps(body, ensure_ascii=False)}\n\n"


async def stream(api: Any, arn: str, after: int) -> Response:
    try:
        snap = await run_in_threadpool(data.load, api, arn)
    except ApiError as exc:
        return data.error_reply(exc)
    return StreamingResponse(_updates(api, snap, after), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store",
                                      "X-Accel-Buffering": "no"})


async def _updates(api: Any, snap: detail.Snapshot, after: int) -> AsyncIterator[str]:
    yield "retry: 2000\n\n"
    events, last_signature, quiet = _since(snap.events, after), "", 0
    while True:
        body = await run_in_threadpool(detail.payload, snap, False)
        signature = detail.signature(body)
        if events or signature != last_signature:
            if signature != last_signature and snap.diagram is not None:
                body["svg"] = await run_in_threadpool(detail.svg, snap.diagram)
            for chunk in _chunks(events):
                yield message("update", {**body, "events": chunk})
            if not events:
                yield message("update", {**body, "events": []})
            last_signature, quiet = signature, 0
        else:
            quiet += 1
            if quiet % KEEPALIVE_POLLS == 0:
                yield ": keepalive\n\n"
        running = snap.record.status == "RUNNING"
        await asyncio.sleep(RUNNING_POLL if running else FINISHED_POLL)
        events = [to_aws(e) for e in await run_in_threadpool(detail.refresh, api, snap)]


def _since(events: list[dict[str, Any]], after: int) -> list[dict[str, Any]]:
    return [to_aws(e) for e in events if e["id"] > after]


def _chunks(events: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    return [events[i:i + MAX_EVENTS_PER_MESSAGE]
            for i in range(0, len(events), MAX_EVENTS_PER_MESSAGE)]

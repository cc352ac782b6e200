"""The Lambda Runtime API on loopback (lambda-xray.md §4), one port per function instance.

A runtime long-polls ``GET /2018-06-01/runtime/invocation/next`` and answers with
``POST .../invocation/{id}/response`` or ``.../error`` (``/runtime/init/error`` when its code
cannot load). Work is handed over through a Condition, never a polling sleep, and replies go
out in one ``send`` with TCP_NODELAY on a kept-alive connection: a warm round trip costs a few
hundred microseconds.

Each instance gets its own port (its ``Channel``), so an instance can only ever see its own
invocations; a connection is served only when it comes from the instance's own process tree
(checked once per connection through /proc where Linux offers it), so a function cannot take
or answer another function's work through this API.
"""
from __future__ import annotations

import os
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

from workflow.functions.service.peers import owned_by_session

PREFIX = "/2018-06-01/runtime"
MAX_RESPONSE_BYTES = 6 * 1024 * 1024          # Lambda's synchronous response limit


@dataclass
class Invocation:
    request_id: str
    body: bytes
    deadline_ms: int
    invoked_arn: str
    trace_id: str = ""
    done: threading.Event = field(default_factory=threading.Event)
    handed: threading.Event = field(default_factory=threading.Event)
    kind: str = ""                  # response, error, init_error, exit, timeout, too_large
    result: bytes = b""
    error_type: str | None = None
    began: float = 0.0              # perf_counter when the runtime took it
    ended: float = 0.0

    def complete(self, kind: str, result: bytes = b"", error_type: str | None = None) -> bool:
        if self.done.is_set():
            return False
        self.kind, self.result, self.error_type = kind, result, error_type
        self.ended = time.perf_counter()
        self.done.set()
        self.handed.set()             # a waiter for the hand-over (cold start) wakes too
        return True


class Channel:
    """One instance's endpoint: a listening socket and the hand-over of its invocations."""

    def __init__(self, verify_peers: bool = True, log_path: Path | None = None) -> None:
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.port: int = self.listener.getsockname()[1]
        self.session: int | None = None           # the instance's pid = its session id
        self.session_known = threading.Event()    # set once the process exists (or failed)
        self.verify_peers = verify_peers
        self.first_next: float | None = None      # perf_counter of the first /next (init end)
        self.log_path = log_path
        self.init_log_size: int | None = None     # the log's size then: init output's end
        self.init_error: tuple[bytes, str | None] | None = None
        self.closed = False
        self._cond = threading.Condition()
        self._pending: Invocation | None = None
        self.current: Invocation | None = None
        self._connections: list[socket.socket] = []
        threading.Thread(target=self._accept, name=f"rapi-{self.port}", daemon=True).start()

    # ---- the service side ------------------------------------------------------------------
    def submit(self, invocation: Invocation) -> None:
        with self._cond:
            if self.init_error is not None:
                body, kind = self.init_error
                invocation.complete("init_error", body, kind)
                return
            self._pending = invocation
            self._cond.notify()

    def fail(self, kind: str, detail: bytes = b"") -> None:
        """The instance died or was killed: fail what it was doing or about to do."""
        with self._cond:
            for invocation in (self.current, self._pending):
                if invocation is not None:
                    invocation.complete(kind, detail)
            self.current = self._pending = None

    def close(self) -> None:
        with self._cond:
            self.closed = True
            self._cond.notify_all()
            connections, self._connections = self._connections, []
        for sock in (self.listener, *connections):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()

    # ---- the runtime side -------------------------------------------------------------------
    def next(self) -> Invocation | None:
        with self._cond:
            if self.first_next is None:
                self.first_next = time.perf_counter()
                self.init_log_size = _size(self.log_path)
            while self._pending is None and not self.closed:
                self._cond.wait()
            if self.closed:
                return None
            invocation, self._pending = self._pending, None
            self.current = invocation
        assert invocation is not None
        invocation.began = time.perf_counter()
        invocation.handed.set()
        return invocation

    def answer(self, request_id: str, kind: str, body: bytes, error_type: str | None) -> bool:
        with self._cond:
            invocation = self.current
            if invocation is None or invocation.request_id != request_id:
                return False
            self.current = None
        return invocation.complete(kind, body, error_type)

    def init_failed(self, body: bytes, error_type: str | None) -> None:
        with self._cond:
            self.init_error = (body, error_type)
            waiting = [i for i in (self._pending, self.current) if i is not None]
            self._pending = self.current = None
        for invocation in waiting:
            invocation.complete("init_error", body, error_type)

    def _accept(self) -> None:
        while not self.closed:
            try:
                conn, peer = self.listener.accept()
            except OSError:
                return
            with self._cond:
                if self.closed:
                    conn.close()
                    return
                self._connections.append(conn)
            threading.Thread(target=self._serve, args=(conn, peer), daemon=True).start()

    def _serve(self, conn: socket.socket, peer: tuple[str, int]) -> None:
        try:
            self.session_known.wait(10)
            if self.verify_peers and not owned_by_session(peer[1], self.session):
                conn.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n"
                             b"Connection: close\r\n\r\n")
                return
            _Handler(conn, peer, self)
        except OSError:
            pass
        finally:
            with self._cond:
                if conn in self._connections:
                    self._connections.remove(conn)
            conn.close()


def _size(path: Path | None) -> int | None:
    try:
        return os.path.getsize(path) if path is not None else None
    except OSError:
        return None


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: Any

    def __init__(self, conn: socket.socket, peer: tuple[str, int], channel: Channel) -> None:
        self.channel = channel
        super().__init__(conn, peer, channel)  # type: ignore[arg-type]  # no BaseServer

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: the runtime's own output is the function's log."""

    def _reply(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        lines = [f"HTTP/1.1 {status} {self.responses.get(status, ('',))[0]}",
                 f"Content-Length: {len(body)}", "Content-Type: application/json"]
        lines.extend(f"{k}: {v}" for k, v in (headers or {}).items())
        self.wfile.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)

    def _body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            return self._chunked()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _chunked(self) -> bytes:
        parts: list[bytes] = []
        while True:
            size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass
                return b"".join(parts)
            parts.append(self.rfile.read(size))
            self.rfile.readline()

    def do_GET(self) -> None:
        if self.path != PREFIX + "/invocation/next":
            self._reply(404, b'{"errorMessage":"not found"}')
            return
        invocation = self.channel.next()
        if invocation is None:
            self.close_connection = True
            self._reply(410, b'{"errorMessage":"instance is shutting down"}')
            return
        self._reply(200, invocation.body, {
            "Lambda-Runtime-Aws-Request-Id": invocation.request_id,
            "Lambda-Runtime-Deadline-Ms": str(invocation.deadline_ms),
            "Lambda-Runtime-Invoked-Function-Arn": invocation.invoked_arn,
            "Lambda-Runtime-Trace-Id": invocation.trace_id})

    def do_POST(self) -> None:
        body = self._body()
        if self.path == PREFIX + "/init/error":
            self.channel.init_failed(body, self.headers.get("Lambda-Runtime-Function-Error-Type"))
            self._reply(202, b'{"status":"OK"}')
            return
        head, _, tail = self.path.rpartition("/")
        request_id = head[len(PREFIX + "/invocation/"):]
        if not head.startswith(PREFIX + "/invocation/") or tail not in ("response", "error"):
            self._reply(404, b'{"errorMessage":"not found"}')
            return
        kind, error_type = tail, self.headers.get("Lambda-Runtime-Function-Error-Type")
        if tail == "response" and len(body) > MAX_RESPONSE_BYTES:
            kind, body = "too_large", str(len(body)).encode()
        if not self.channel.answer(request_id, kind, body, error_type):
            self._reply(400, b'{"errorMessage":"Invalid request ID","errorType":"InvalidRequestID"}')
            return
        self._reply(413 if kind == "too_large" else 202, b'{"status":"OK"}')

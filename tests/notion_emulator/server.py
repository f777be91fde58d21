"""The HTTP side: a ThreadingHTTPServer on 127.0.0.1 (port 0) in a daemon thread, speaking Notion's protocol.

Each request is checked in Notion's order (token, version, rate limit), may be hit by an injected fault, is
applied under one lock (so concurrent clients see a consistent workspace), and is recorded with its outcome.
Connections are tracked so that stopping the server also ends the keep-alive handler threads: no thread leaks.
"""

from __future__ import annotations

import contextlib
import json
import math
import socket
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from .errors import HTML_502, NotionError, for_status, new_request_id
from .faults import Fault
from .routes import route
from .validate import check_arrays, check_body_size

if TYPE_CHECKING:
    from . import NotionEmulator


API_VERSION = "2025-09-03"


@dataclass(frozen=True)
class Recorded:
    """One request as the emulator saw it; `status` is None for a dropped connection."""

    method: str
    path: str
    status: int | None
    body: Any
    query: str = ""


@dataclass(frozen=True)
class RateLimit:
    """A token bucket: `burst` requests at once, refilled at `per_second`."""

    per_second: float = 3.0
    burst: int = 3


class Bucket:
    def __init__(self, limit: RateLimit) -> None:
        self.limit = limit
        self.tokens = float(limit.burst)
        self.stamp = time.monotonic()

    def take(self) -> float:
        """0 when a request may pass, else the seconds until one token is back."""
        current = time.monotonic()
        self.tokens = min(
            float(self.limit.burst), self.tokens + (current - self.stamp) * self.limit.per_second
        )
        self.stamp = current
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.limit.per_second


def is_write(method: str, path: str) -> bool:
    return method in ("POST", "PATCH", "DELETE") and not (path.endswith("/query") or path == "/v1/search")


class DroppedError(Exception):
    """Close the connection without an answer."""


def _parse_constant(name: str) -> float:
    raise ValueError(name)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: EmulatorServer
    timeout = 10

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the request log is `emu.requests`, not stderr."""

    def do_GET(self) -> None:
        self.handle_request()

    def do_POST(self) -> None:
        self.handle_request()

    def do_PATCH(self) -> None:
        self.handle_request()

    def do_DELETE(self) -> None:
        self.handle_request()

    def setup(self) -> None:
        super().setup()
        # headers and body go out in two writes: without this, Nagle and delayed ACKs add 40 ms per request
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def handle_request(self) -> None:
        """Answer one request; it is recorded before the answer leaves, so a client never sees it unlogged."""
        emu = self.server.emulator
        url = urlsplit(self.path)
        method, path = self.command, url.path
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body: Any = None
        request_id = new_request_id()
        try:
            try:
                body = json.loads(raw, parse_constant=_parse_constant) if raw else None
            except ValueError:
                body = raw.decode("utf-8", "replace")
                raise NotionError(400, "invalid_json", "Error parsing JSON body.") from None
            self.check_headers(emu)
            emu.throttle()
            result = self.answer(emu, method, path, dict(parse_qsl(url.query)), raw, body)
            status, data = 200, json.dumps(result | {"request_id": request_id}).encode("utf-8")
            headers = {"Content-Type": "application/json; charset=utf-8"}
        except NotionError as error:
            status, data, headers = error.status, error.body(request_id), error.headers
            if error.html:
                data = HTML_502.encode("utf-8")
            else:
                headers = {"Content-Type": "application/json; charset=utf-8"} | headers
        except DroppedError:
            emu.record(Recorded(method, path, None, body, url.query))
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        emu.record(Recorded(method, path, status, body, url.query))
        self.write(status, data, headers)

    def check_headers(self, emu: NotionEmulator) -> None:
        if self.headers.get("Authorization") != f"Bearer {emu.token}":
            raise NotionError(401, "unauthorized", "API token is invalid.")
        version = self.headers.get("Notion-Version")
        if not version:
            raise NotionError(
                400,
                "missing_version",
                "Notion-Version header failed validation: Notion-Version header should be defined, "
                "instead was `undefined`.",
            )
        if version != API_VERSION:  # Notion would answer in older shapes; the emulator speaks only this one
            raise NotionError(
                400,
                "validation_error",
                f"Notion-Version header failed validation: the emulator speaks `{API_VERSION}`, "
                f"instead was `{version}`.",
            )

    def answer(
        self, emu: NotionEmulator, method: str, path: str, query: dict[str, str], raw: bytes, body: Any
    ) -> dict[str, Any]:
        write = is_write(method, path)
        fault = emu.faults.take(method, path, is_write=write)
        if fault is not None and fault.kind == "slow":
            time.sleep(fault.delay)
            fault = None
        if fault is not None and not (fault.committed and write):
            self.fail(fault, None)
        handler, ids = route(method, path)
        check_body_size(raw)
        if body is None:
            body = {}
        if not isinstance(body, dict):
            raise NotionError(400, "invalid_json", "Error parsing JSON body.")
        check_arrays(body)
        with emu.lock:
            result = handler(emu.store, ids, query, body)
        if fault is not None:
            self.fail(fault, committed_id(result, ids))
        return result

    def fail(self, fault: Fault, committed_id: str | None) -> None:
        if fault.kind == "drop":
            raise DroppedError
        extra: dict[str, Any] = {}
        headers: dict[str, str] = {}
        if fault.status == 429:
            seconds = fault.retry_after if fault.retry_after is not None else 1
            headers["Retry-After"] = str(seconds)
            extra["retry_after"] = seconds
        if fault.status == 503:
            extra["retry_guidance"] = "read_before_retry" if committed_id else "retry"
        if committed_id is not None:
            extra["committed_resource_id"] = committed_id
        error = for_status(fault.status, additional_data=extra or None, headers=headers)
        if fault.html:
            error.headers["Content-Type"] = "text/html"
            error.html = True
        raise error

    def write(self, status: int, data: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class EmulatorServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, emulator: NotionEmulator) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.emulator = emulator
        self.connections: set[socket.socket] = set()
        self.handlers: list[threading.Thread] = []
        self.guard = threading.Lock()

    def process_request(self, request: Any, client_address: Any) -> None:
        thread = threading.Thread(
            target=self.process_request_thread, args=(request, client_address), daemon=True
        )
        with self.guard:
            self.connections.add(request)
            self.handlers = [t for t in self.handlers if t.is_alive()] + [thread]
        thread.start()

    def shutdown_request(self, request: Any) -> None:
        with self.guard:
            self.connections.discard(request)
        super().shutdown_request(request)

    def close_all(self) -> None:
        """End keep-alive connections so their handler threads return, then wait for them."""
        with self.guard:
            connections, handlers = list(self.connections), list(self.handlers)
        for connection in connections:
            with contextlib.suppress(OSError):  # already closed by the client
                connection.shutdown(socket.SHUT_RDWR)
        for thread in handlers:
            thread.join(timeout=5)


def committed_id(result: dict[str, Any], ids: list[str]) -> str | None:
    """What a committed-then-failed write saved: the object, the first appended block, else the path's id."""
    if "id" in result:
        return str(result["id"])
    if result.get("results"):
        return str(result["results"][0]["id"])
    return ids[0] if ids else None


def retry_after(seconds: float) -> int:
    return max(1, math.ceil(seconds))

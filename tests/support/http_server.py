"""A scriptable HTTP server on 127.0.0.1, shared by the runtime and SDK tests.

Each test queues the answers (`reply`) and reads back what the server received
(`requests`): the method, the request target exactly as sent (still percent-encoded),
the headers and the raw body. Nothing in httpx is mocked: clients talk real HTTP to it.
"""

from __future__ import annotations

import json
import queue
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

__all__ = ["Canned", "Recorded", "ScriptedServer", "free_port"]


@dataclass
class Canned:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    delay: float = 0.0


@dataclass
class Recorded:
    method: str
    path: str
    """The request target as received: path and query, still percent-encoded."""
    headers: dict[str, str]
    """Header names in lower case."""
    body: bytes
    header_items: list[tuple[str, str]] = field(default_factory=list)
    """Every header line as received, repeats included."""

    @property
    def query(self) -> list[tuple[str, str]]:
        return parse_qsl(urlsplit(self.path).query, keep_blank_values=True)

    @property
    def path_only(self) -> str:
        return urlsplit(self.path).path

    def json(self) -> Any:
        return json.loads(self.body)


class ScriptedServer:
    """A real HTTP server answering from a queue of canned responses."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self._responses: queue.SimpleQueue[Canned] = queue.SimpleQueue()
        self._stopping = threading.Event()
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self._httpd.script = self
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def reply(
        self,
        status: int = 200,
        body: object = None,
        *,
        headers: dict[str, str] | None = None,
        delay: float = 0.0,
    ) -> None:
        """Queue one response; `body` is sent as JSON unless it is `bytes` (or None)."""
        headers = dict(headers or {})
        if body is None:
            raw = b""
        elif isinstance(body, bytes):
            raw = body
        else:
            raw = json.dumps(body).encode()
            headers.setdefault("Content-Type", "application/json")
        self._responses.put(Canned(status, headers, raw, delay))

    def next_response(self) -> Canned:
        try:
            return self._responses.get_nowait()
        except queue.Empty:
            return Canned(400, {}, b"no canned response left")

    def close(self) -> None:
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()


class _Server(ThreadingHTTPServer):
    script: ScriptedServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that gave up (timeouts) make writes fail; that is expected."""


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def _handle(self) -> None:
        script = self.server.script
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        items = list(self.headers.items())
        headers = {name.lower(): value for name, value in items}
        script.requests.append(Recorded(self.command, self.path, headers, body, items))
        canned = script.next_response()
        if canned.delay and script._stopping.wait(canned.delay):
            return
        self.send_response(canned.status)
        for name, value in canned.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(canned.body)))
        self.end_headers()
        self.wfile.write(canned.body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle

    def log_message(self, format: str, *args: Any) -> None:
        pass


def free_port() -> int:
    """A loopback port nothing listens on (so connecting to it is refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port

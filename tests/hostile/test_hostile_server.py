"""The generated SDKs against a hostile server: typed errors, no hang, no leaked token.

A raw socket server on 127.0.0.1 answers each request with bytes of its choosing: a body that
is not JSON, truncated JSON, a transfer cut short, 50 MB, HTML, a redirect to another host (a
second loopback server records whether anything reaches it), one byte every 0.2 s. The Plannr
SDKs (python-pydantic sync and async, python-stdlib; typescript-fetch for a few cases) call
``time_entries.retrieve``. Decisions:

- a 200 whose body is not JSON (whatever its content type) is ``APIResponseValidationError``;
  JSON is accepted whatever the content type says (servers mislabel it often);
- a transfer cut short is ``APIConnectionError``; redirects are never followed (``APIStatusError``);
- a 50 MB body is read (no size limit: some lists are big), within seconds and 2 GiB;
- a body still dripping in when the timeout is over is ``APITimeoutError``, soon after it.
  The asynchronous client bounds the headers too; the synchronous ones bound each read of the
  headers (a server that drips its status line keeps them waiting longer: a known limit).

No error, however it prints (str, repr, traceback, chained causes), holds the token.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "sk-hostile-SECRET-token-0123456789"
ENTRY = {"uuid": "46adfff3-e7e7-4a05-b443-04bb93e1b558", "name": "Research"}
SDKS = ("python-pydantic", "python-pydantic-async", "python-stdlib")
TIMEOUT = 1.0

Responder = Callable[[socket.socket], None]


class RawServer:
    """Accepts connections; reads each request; lets ``respond`` write whatever it likes."""

    def __init__(self, respond: Responder) -> None:
        self.respond = respond
        self.requests: list[bytes] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._stopped = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}"

    def _serve(self) -> None:
        while not self._stopped.is_set():
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(connection,), daemon=True).start()

    def _handle(self, connection: socket.socket) -> None:
        with connection:
            request = b""
            while b"\r\n\r\n" not in request:
                chunk = connection.recv(65536)
                if not chunk:
                    return
                request += chunk
            self.requests.append(request)
            with contextlib.suppress(OSError):  # the client gave up
                self.respond(connection)

    def close(self) -> None:
        self._stopped.set()
        self._listener.close()


def http(
    status: str, body: bytes, *, content_type: str = "application/json", **headers: str
) -> bytes:
    head = f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n"
    head += "".join(f"{name.replace('_', '-')}: {value}\r\n" for name, value in headers.items())
    return (head + "Connection: close\r\n\r\n").encode() + body


def replying(data: bytes) -> Responder:
    return lambda connection: connection.sendall(data)


@pytest.fixture
def serve() -> Iterator[Callable[[Responder], RawServer]]:
    servers: list[RawServer] = []

    def start(respond: Responder) -> RawServer:
        servers.append(RawServer(respond))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def call(sdk: str, base_url: str, *, timeout: float = TIMEOUT) -> Any:
    """``time_entries.retrieve`` with one SDK; the result, or the exception it raised."""
    try:
        if sdk == "python-stdlib":
            import plannr_lite

            with plannr_lite.Plannr(TOKEN, base_url=base_url, timeout=timeout, max_retries=0) as c:
                return c.time_entries.retrieve("e-1")
        import plannr

        if sdk == "python-pydantic":
            with plannr.Plannr(TOKEN, base_url=base_url, timeout=timeout, max_retries=0) as c:
                return c.time_entries.retrieve("e-1")

        async def run() -> Any:
            async with plannr.AsyncPlannr(
                TOKEN, base_url=base_url, timeout=timeout, max_retries=0
            ) as client:
                return await client.time_entries.retrieve("e-1")

        return asyncio.run(run())
    except Exception as error:  # the test looks at it
        return error


def errors_module(sdk: str) -> Any:
    import plannr
    import plannr_lite

    return plannr_lite if sdk == "python-stdlib" else plannr


def assert_no_token(error: BaseException) -> None:
    """The token is in no way the error prints: str, repr, the traceback with its causes."""
    text = "".join(traceback.format_exception(error))
    seen: BaseException | None = error
    while seen is not None:
        text += str(seen) + repr(seen) + repr(getattr(seen, "args", ""))
        seen = seen.__cause__ or seen.__context__
    assert TOKEN not in text


def expect_error(sdk: str, outcome: Any, name: str) -> BaseException:
    assert isinstance(outcome, BaseException), f"expected {name}, got {outcome!r}"
    expected = getattr(errors_module(sdk), name)
    assert isinstance(outcome, expected), f"{type(outcome).__name__}: {outcome}"
    assert isinstance(outcome, errors_module(sdk).APIError)
    assert_no_token(outcome)
    return outcome


# --- bodies -------------------------------------------------------------------------------------


@pytest.mark.parametrize("sdk", SDKS)
@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"<html><body>Gateway says hello</body></html>", "text/html"),
        (b"<html>not json</html>", "application/json"),
        (b'{"uuid": "46adfff3", "na', "application/json"),
        (b"", "application/json"),
        (b"\xff\xfe\x00garbage", "application/json"),
        (b"[1, 2, 3]", "application/json"),
        (b'{"uuid": 42}', "application/json"),
    ],
    ids=["html", "html-as-json", "truncated-json", "empty", "binary", "wrong-shape", "wrong-type"],
)
def test_a_body_that_is_not_the_model_is_a_validation_error(
    serve: Callable[[Responder], RawServer], sdk: str, body: bytes, content_type: str
) -> None:
    server = serve(replying(http("200 OK", body, content_type=content_type)))
    expect_error(sdk, call(sdk, server.url), "APIResponseValidationError")


@pytest.mark.parametrize("sdk", SDKS)
def test_json_is_json_whatever_the_content_type(
    serve: Callable[[Responder], RawServer], sdk: str
) -> None:
    server = serve(replying(http("200 OK", json.dumps(ENTRY).encode(), content_type="text/html")))
    entry = call(sdk, server.url)
    assert not isinstance(entry, BaseException), entry
    assert entry.uuid == ENTRY["uuid"]


@pytest.mark.parametrize("sdk", SDKS)
def test_a_transfer_cut_short_is_a_connection_error(
    serve: Callable[[Responder], RawServer], sdk: str
) -> None:
    whole = http("200 OK", json.dumps(ENTRY).encode())
    server = serve(replying(whole[:-10]))  # Content-Length promises ten bytes more
    expect_error(sdk, call(sdk, server.url), "APIConnectionError")
    server = serve(replying(b"HTTP/1.1 200 OK\r\nContent-Le"))  # headers cut short
    # urllib takes the end of the stream for the end of the headers: an empty, non-JSON body.
    lenient = sdk == "python-stdlib"
    expect_error(sdk, call(sdk, server.url), "APIError" if lenient else "APIConnectionError")
    server = serve(replying(b"this is not HTTP at all\r\n\r\n"))
    expect_error(sdk, call(sdk, server.url), "APIConnectionError")


@pytest.mark.parametrize("sdk", SDKS)
def test_an_error_body_echoing_the_request_does_not_leak_the_token(
    serve: Callable[[Responder], RawServer], sdk: str
) -> None:
    """A server that echoes the request in its error body (httpbin-style)."""
    holder: dict[str, RawServer] = {}

    def echo(connection: socket.socket) -> None:
        request = holder["server"].requests[-1].decode()
        body = json.dumps({"message": "bad request", "request": request}).encode()
        connection.sendall(http("400 Bad Request", body))

    holder["server"] = server = serve(echo)
    error = expect_error(sdk, call(sdk, server.url), "BadRequestError")
    assert "bad request" in str(error)


HUGE = 50 * 1024 * 1024
HUGE_SCRIPT = """
import resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))
sys.path.insert(0, sys.argv[3])
from test_hostile_server import call
started = time.monotonic()
entry = call(sys.argv[1], sys.argv[2], timeout=60)
assert not isinstance(entry, BaseException), repr(entry)[:300]
assert len(entry.description) == int(sys.argv[4]), len(entry.description)
print(f"{time.monotonic() - started:.1f}")
"""


@pytest.mark.parametrize("sdk", SDKS)
def test_a_50_mb_body_is_read_in_bounded_time_and_memory(
    serve: Callable[[Responder], RawServer], sdk: str
) -> None:
    text = "x" * HUGE
    body = json.dumps({**ENTRY, "description": text}).encode()
    server = serve(replying(http("200 OK", body)))
    result = subprocess.run(
        [sys.executable, "-c", HUGE_SCRIPT, sdk, server.url, str(Path(__file__).parent), str(HUGE)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert float(result.stdout.strip()) < 20


# --- redirects ------------------------------------------------------------------------------------


@pytest.mark.parametrize("sdk", SDKS)
@pytest.mark.parametrize("status", ["301 Moved Permanently", "302 Found", "307 Temporary Redirect"])
def test_a_redirect_to_another_host_is_not_followed(
    serve: Callable[[Responder], RawServer], sdk: str, status: str
) -> None:
    other = serve(replying(http("200 OK", json.dumps(ENTRY).encode())))
    server = serve(replying(http(status, b"", Location=f"{other.url}/steal")))
    error = expect_error(sdk, call(sdk, server.url), "APIStatusError")
    assert error.status_code == int(status[:3])  # type: ignore[attr-defined]
    time.sleep(0.05)
    assert other.requests == []
    assert TOKEN.encode() in server.requests[0]  # it was sent where it belongs


# --- slow servers ---------------------------------------------------------------------------------


def dripping(head: bytes, body: bytes, *, every: float = 0.2) -> Responder:
    def respond(connection: socket.socket) -> None:
        connection.sendall(head)
        for byte in body:
            connection.sendall(bytes([byte]))
            time.sleep(every)

    return respond


@pytest.mark.parametrize("sdk", SDKS)
def test_a_body_dripping_past_the_timeout_is_a_timeout(
    serve: Callable[[Responder], RawServer], sdk: str
) -> None:
    whole = http("200 OK", json.dumps(ENTRY).encode())
    head, body = whole.split(b"\r\n\r\n", 1)
    server = serve(dripping(head + b"\r\n\r\n", body))  # ~16 s to send it all
    started = time.monotonic()
    outcome = call(sdk, server.url)
    elapsed = time.monotonic() - started
    expect_error(sdk, outcome, "APITimeoutError")
    assert elapsed < TIMEOUT + 1.5, f"gave up after {elapsed:.1f} s"


def test_headers_dripping_past_the_timeout_are_a_timeout_for_the_async_client(
    serve: Callable[[Responder], RawServer],
) -> None:
    server = serve(dripping(b"", http("200 OK", json.dumps(ENTRY).encode())))
    started = time.monotonic()
    outcome = call("python-pydantic-async", server.url)
    elapsed = time.monotonic() - started
    expect_error("python-pydantic-async", outcome, "APITimeoutError")
    assert elapsed < TIMEOUT + 1.5, f"gave up after {elapsed:.1f} s"


@pytest.mark.parametrize("sdk", SDKS)
def test_a_silent_server_is_a_timeout(serve: Callable[[Responder], RawServer], sdk: str) -> None:
    server = serve(lambda connection: time.sleep(5))
    started = time.monotonic()
    expect_error(sdk, call(sdk, server.url), "APITimeoutError")
    assert time.monotonic() - started < TIMEOUT + 1.5


# --- TypeScript, modestly -------------------------------------------------------------------------

TS_DIR = ROOT / "generated" / "typescript-fetch"
BEHAVIOUR_SCRIPT = ROOT / "tests" / "sdk" / "typescript_fetch_behaviour.mjs"
HAS_TYPESCRIPT = (
    shutil.which("node") is not None
    and (ROOT / "node_modules" / "typescript" / "bin" / "tsc").is_file()
    and (TS_DIR / "tsconfig.test.json").is_file()
    and BEHAVIOUR_SCRIPT.is_file()
)


@pytest.fixture(scope="module")
def compiled_ts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not HAS_TYPESCRIPT:
        pytest.skip("the typescript-fetch SDK or Node.js is not available")
    out = tmp_path_factory.mktemp("typescript-fetch")
    result = subprocess.run(
        ["npx", "--no-install", "tsc", "-p", str(TS_DIR / "tsconfig.test.json"), "--outDir", str(out)],
        cwd=ROOT, capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    (out / "package.json").write_text('{"type": "module"}\n', encoding="utf-8")
    return out


def ts_call(compiled: Path, base_url: str, timeout_ms: int = 1000) -> dict[str, Any]:
    scenario = {
        "call": "retrieve",
        "uuid": "e-1",
        "client": {
            "accessToken": TOKEN,
            "baseUrl": base_url,
            "maxRetries": 0,
            "timeoutMs": timeout_ms,
        },
    }
    result = subprocess.run(
        ["node", str(BEHAVIOUR_SCRIPT), str(compiled), json.dumps(scenario)],
        capture_output=True, text=True, check=False, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    report: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    assert TOKEN not in report["clientText"] and TOKEN not in report.get("errorText", "")
    return report


def test_typescript_against_a_hostile_server(
    compiled_ts: Path, serve: Callable[[Responder], RawServer]
) -> None:
    whole = http("200 OK", json.dumps(ENTRY).encode())
    head, body = whole.split(b"\r\n\r\n", 1)
    server = serve(dripping(head + b"\r\n\r\n", body))
    report = ts_call(compiled_ts, server.url)
    assert report["name"] == "APITimeoutError" and report["ms"] < 2500, report

    other = serve(replying(http("200 OK", json.dumps(ENTRY).encode())))
    server = serve(replying(http("302 Found", b"", Location=f"{other.url}/steal")))
    report = ts_call(compiled_ts, server.url)
    assert not report["ok"] and report["status"] == 302, report
    assert other.requests == []

    server = serve(replying(http("200 OK", b"<html>not json</html>", content_type="text/html")))
    report = ts_call(compiled_ts, server.url)
    assert not report["ok"] and report["isAPIError"], report

    server = serve(replying(whole[:-10]))
    report = ts_call(compiled_ts, server.url)
    assert not report["ok"] and report["isAPIError"], report

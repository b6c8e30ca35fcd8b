"""``sdkgen mock`` against the Plannr spec: examples, validation, strict mode, errors, signals.

Most tests talk over loopback HTTP (``http.client``) to an in-process ``MockServer`` on a free
port; the command-line tests run ``python -m generator mock`` as a subprocess on ``--port 0``
and read the real address from its "serving ... on http://..." line.
"""

from __future__ import annotations

import copy
import http.client
import json
import re
import select
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from generator.mock import MAX_BODY_BYTES, MockApi, MockServer

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "specs" / "plannr-time-entry.yaml"
DOC: dict[str, Any] = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
UUID = "6ff8f7f6-1eb3-3525-be4a-3932c805afed"
AUTH = {"Authorization": "Bearer test-token"}
METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


# --- walking the spec (independently of the generator) ------------------------------------------


def deref(node: Any) -> Any:
    """Follow local ``$ref``s (the Plannr spec is one file)."""
    while isinstance(node, dict) and "$ref" in node:
        found: Any = DOC
        for token in node["$ref"].removeprefix("#/").split("/"):
            found = found[token.replace("~1", "/").replace("~0", "~")]
        node = found
    return node


@dataclass(frozen=True)
class Operation:
    method: str
    template: str
    node: dict[str, Any]

    @property
    def id(self) -> str:
        return str(self.node["operationId"])

    @property
    def path(self) -> str:
        """The template with a valid value in every path parameter."""
        path = self.template
        for parameter in map(deref, self.node.get("parameters", [])):
            if parameter["in"] == "path":
                schema = deref(parameter["schema"])
                value = schema["enum"][0] if "enum" in schema else UUID
                path = path.replace("{" + parameter["name"] + "}", value)
        return path

    @property
    def request_examples(self) -> list[tuple[str, Any]]:
        body = deref(self.node.get("requestBody"))
        if not body:
            return []
        examples = body["content"]["application/json"].get("examples", {})
        return [(name, deref(example)["value"]) for name, example in examples.items()]

    @property
    def body(self) -> Any:
        """A documented request body, or None for operations without one."""
        examples = self.request_examples
        return examples[0][1] if examples else None

    def response_examples(self) -> Iterator[tuple[str, str, Any]]:
        """(status, example name, value) for every documented JSON response example."""
        for status, response in self.node["responses"].items():
            media = deref(response).get("content", {}).get("application/json", {})
            for name, example in media.get("examples", {}).items():
                yield status, name, deref(example)["value"]


OPERATIONS = [
    Operation(method, template, item[method])
    for template, item in DOC["paths"].items()
    for method in METHODS
    if method in item
]
BY_ID = {operation.id: operation for operation in OPERATIONS}
RESPONSE_CASES = [
    pytest.param(operation, status, name, value, id=f"{operation.id}-{status}-{name}")
    for operation in OPERATIONS
    for status, name, value in operation.response_examples()
]
REQUEST_CASES = [
    pytest.param(operation, name, value, id=f"{operation.id}-{name}")
    for operation in OPERATIONS
    for name, value in operation.request_examples
]


def test_the_walk_finds_every_operation_and_example() -> None:
    assert len(OPERATIONS) == 6
    assert {operation.id for operation in OPERATIONS} == {
        "createTimeEntry",
        "getTimeEntry",
        "updateTimeEntry",
        "deleteTimeEntry",
        "stopTimeEntry",
        "listTimeEntries",
    }
    assert len(RESPONSE_CASES) == 30
    assert len(REQUEST_CASES) == 4


# --- HTTP helpers --------------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    raw: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.raw)

    @property
    def pointers(self) -> list[str]:
        return [problem["pointer"] for problem in self.json["problems"]]


def call(
    url: str,
    method: str,
    path: str,
    *,
    body: Any = None,
    raw: bytes | None = None,
    headers: dict[str, str] | None = None,
    auth: bool = True,
) -> Answer:
    """One request on a fresh connection; ``body`` is sent as JSON, ``raw`` as it is."""
    parts = urlsplit(url)
    sent = {**(AUTH if auth else {}), "Accept": "application/json"}
    if body is not None:
        raw = json.dumps(body).encode()
        sent["Content-Type"] = "application/json"
    sent.update(headers or {})
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.request(method.upper(), path, body=raw, headers=sent)
        response = connection.getresponse()
        return Answer(response.status, response.headers, response.read())
    finally:
        connection.close()


def start(strict: bool) -> MockServer:
    server = MockServer(MockApi.load(SPEC, strict=strict), quiet=True)
    server.start_in_thread()
    return server


@pytest.fixture(scope="module")
def lenient() -> Iterator[str]:
    server = start(strict=False)
    yield server.url
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def strict() -> Iterator[str]:
    server = start(strict=True)
    yield server.url
    server.shutdown()
    server.server_close()


@pytest.fixture(params=["lenient", "strict"])
def any_mode(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue(request.param))


# --- documented examples -------------------------------------------------------------------------


@pytest.mark.parametrize(("operation", "status", "name", "value"), RESPONSE_CASES)
def test_every_documented_response_example_is_served(
    any_mode: str, operation: Operation, status: str, name: str, value: Any
) -> None:
    answer = call(
        any_mode,
        operation.method,
        operation.path,
        body=operation.body,
        headers={"Prefer": f"code={status}, example={name}"},
    )
    assert answer.status == int(status)
    assert answer.headers["Content-Type"] == "application/json"
    assert answer.json == value
    assert answer.headers["X-Ratelimit-Remaining"] == "0"


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.id)
def test_without_prefer_the_first_2xx_example_is_served(lenient: str, operation: Operation) -> None:
    status, _name, value = next(
        case for case in operation.response_examples() if case[0].startswith("2")
    )
    answer = call(lenient, operation.method, operation.path, body=operation.body)
    assert (answer.status, answer.json) == (int(status), value)


def test_prefer_code_alone_serves_that_status_first_example(lenient: str) -> None:
    operation = BY_ID["createTimeEntry"]
    answer = call(
        lenient, "post", operation.path, body=operation.body, headers={"Prefer": "code=422"}
    )
    assert answer.status == 422
    assert answer.json["message"] == "The name field is required."


@pytest.mark.parametrize(
    "prefer", ["example=no-such-example", "code=404, example=no-such-example", "code=418"]
)
def test_prefer_naming_an_unknown_example_or_status_is_400(lenient: str, prefer: str) -> None:
    answer = call(lenient, "get", BY_ID["getTimeEntry"].path, headers={"Prefer": prefer})
    assert answer.status == 400
    assert "Prefer" in answer.json["message"]


# --- validation ----------------------------------------------------------------------------------


def create_body(**changes: Any) -> dict[str, Any]:
    body = copy.deepcopy(BY_ID["createTimeEntry"].body)
    body.update(changes)
    return {key: value for key, value in body.items() if value is not None}


def test_wrong_type_in_body(lenient: str) -> None:
    answer = call(lenient, "post", "/api/v1/time-entry", body=create_body(trackable_type=5))
    assert answer.status == 422
    assert answer.json["message"] == "the request does not match the spec"
    assert set(answer.pointers) == {"/body/trackable_type"}
    assert all(problem["message"] for problem in answer.json["problems"])


def test_value_outside_enum_and_undeclared_field(lenient: str) -> None:
    answer = call(
        lenient,
        "post",
        "/api/v1/time-entry",
        body=create_body(trackable_type="CLIENT", colour="red"),
    )
    assert answer.status == 422
    assert set(answer.pointers) == {"/body", "/body/trackable_type"}
    assert "colour" in json.dumps(answer.json["problems"])


def test_bad_uuid_in_path(lenient: str) -> None:
    answer = call(lenient, "get", "/api/v1/time-entry/not-a-uuid")
    assert answer.status == 422
    assert answer.pointers == ["/path/uuid"]


def test_bad_enum_and_uuid_in_list_path(lenient: str) -> None:
    answer = call(lenient, "get", "/api/v1/time-entry/invoice/not-a-uuid")
    assert answer.status == 422
    assert answer.pointers == ["/path/trackable_type", "/path/trackable_uuid"]


@pytest.mark.parametrize(
    "value", ["yesterday", "2025-10-24T09:49:18", "2025-13-45T09:49:18+01:00", "24/10/2025"]
)
def test_bad_date_time_format(lenient: str, value: str) -> None:
    answer = call(lenient, "post", "/api/v1/time-entry", body=create_body(start_date=value))
    assert answer.status == 422
    assert answer.pointers == ["/body/start_date"]


@pytest.mark.parametrize(
    "value", ["2025-10-24T09:49:18+01:00", "2025-10-24T08:49:18Z", "2026-03-15"]
)
def test_good_date_forms_are_accepted(lenient: str, value: str) -> None:
    answer = call(lenient, "post", "/api/v1/time-entry", body=create_body(start_date=value))
    assert answer.status == 200


@pytest.mark.parametrize(
    ("query", "word"),
    [("per_page=abc", "integer"), ("per_page=501", "maximum"), ("per_page=0", "minimum")],
)
def test_bad_per_page(lenient: str, query: str, word: str) -> None:
    answer = call(lenient, "get", f"{BY_ID['listTimeEntries'].path}?{query}")
    assert answer.status == 422
    assert answer.pointers == ["/query/per_page"]
    assert word in answer.json["problems"][0]["message"]


def test_good_query_is_accepted(lenient: str) -> None:
    query = "per_page=500&page=2&sort=-start_date&filter%5Bbetween%5D=2025-10-01,2025-10-31"
    answer = call(lenient, "get", f"{BY_ID['listTimeEntries'].path}?{query}")
    assert answer.status == 200


def test_bad_header_parameter(lenient: str) -> None:
    answer = call(
        lenient, "get", BY_ID["getTimeEntry"].path, headers={"X-PLANNR-ACCOUNT-UUID": "nope"}
    )
    assert answer.status == 422
    assert answer.pointers == ["/header/X-PLANNR-ACCOUNT-UUID"]


def test_missing_required_body_field(lenient: str) -> None:
    answer = call(lenient, "post", "/api/v1/time-entry", body=create_body(name=None))
    assert answer.status == 422
    assert answer.pointers == ["/body"]
    assert "'name' is a required property" in answer.json["problems"][0]["message"]


def test_missing_body(lenient: str) -> None:
    answer = call(
        lenient, "post", "/api/v1/time-entry", headers={"Content-Type": "application/json"}
    )
    assert answer.status == 422
    assert answer.pointers == ["/body"]


def test_non_json_body(lenient: str) -> None:
    answer = call(
        lenient,
        "put",
        BY_ID["updateTimeEntry"].path,
        raw=b"{'trackable_type': 'client'",
        headers={"Content-Type": "application/json"},
    )
    assert answer.status == 422
    assert answer.pointers == ["/body"]
    assert "not valid JSON" in answer.json["problems"][0]["message"]


def test_wrong_content_type(lenient: str) -> None:
    answer = call(
        lenient,
        "post",
        "/api/v1/time-entry",
        raw=json.dumps(create_body()).encode(),
        headers={"Content-Type": "text/plain"},
    )
    assert answer.status == 422
    assert answer.pointers == ["/header/content-type"]


# --- strict mode ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("operation", "name", "value"), REQUEST_CASES)
def test_strict_accepts_every_documented_body(
    strict: str, operation: Operation, name: str, value: Any
) -> None:
    answer = call(strict, operation.method, operation.path, body=value)
    assert answer.status == 200, answer.raw


def test_strict_rejects_a_valid_but_undocumented_body(strict: str) -> None:
    answer = call(strict, "post", "/api/v1/time-entry", body=create_body(name="Planning"))
    assert answer.status == 422
    assert answer.pointers == ["/body/name"]
    assert "strict mode" in answer.json["problems"][0]["message"]


def test_strict_points_at_a_missing_documented_field(strict: str) -> None:
    answer = call(strict, "post", "/api/v1/time-entry", body=create_body(description=None))
    assert answer.status == 422
    assert answer.pointers == ["/body/description"]


def test_lenient_accepts_a_valid_but_undocumented_body(lenient: str) -> None:
    answer = call(lenient, "post", "/api/v1/time-entry", body=create_body(name="Planning"))
    assert answer.status == 200


# --- routing, limits and authentication ----------------------------------------------------------


def test_unknown_route_is_404(lenient: str) -> None:
    for path in ("/api/v1/nothing", "/api/v1/time-entry/a/b/c/d", "/"):
        answer = call(lenient, "get", path)
        assert answer.status == 404
        assert "message" in answer.json


def test_wrong_method_is_405_with_allow(lenient: str) -> None:
    answer = call(lenient, "patch", BY_ID["getTimeEntry"].path)
    assert answer.status == 405
    assert answer.headers["Allow"] == "DELETE, GET, PUT"
    answer = call(lenient, "get", "/api/v1/time-entry")
    assert answer.status == 405
    assert answer.headers["Allow"] == "POST"


@pytest.mark.parametrize("size", [MAX_BODY_BYTES + 1, 4 * MAX_BODY_BYTES])
def test_body_over_the_bound_is_413(lenient: str, size: int) -> None:
    raw = b" " * (size - 2) + b"{}"
    headers = {"Content-Type": "application/json"}
    answer = call(lenient, "post", "/api/v1/time-entry", raw=raw, headers=headers)
    assert answer.status == 413
    assert answer.headers["Connection"] == "close"


def test_body_at_the_bound_is_read(lenient: str) -> None:
    raw = json.dumps(create_body()).encode()
    raw += b" " * (MAX_BODY_BYTES - len(raw))
    headers = {"Content-Type": "application/json"}
    answer = call(lenient, "post", "/api/v1/time-entry", raw=raw, headers=headers)
    assert answer.status == 200


def test_chunked_body_is_411_and_closes(lenient: str) -> None:
    parts = urlsplit(lenient)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(
            b"POST /api/v1/time-entry HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\n"
            b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
            b"2\r\n{}\r\n0\r\n\r\n"
            b"GET /api/v1/time-entry/" + UUID.encode() + b" HTTP/1.1\r\nHost: x\r\n\r\n"
        )
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    head, _, rest = received.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 411 ")
    assert b"Connection: close" in head
    length = int(re.search(rb"Content-Length: (\d+)", head).group(1))  # type: ignore[union-attr]
    assert len(rest) == length  # nothing more: the chunks were not read as a second request


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.id)
def test_missing_authorization_is_the_documented_401(lenient: str, operation: Operation) -> None:
    unauthorized = deref(DOC["components"]["responses"]["Unauthorized"])
    expected = unauthorized["content"]["application/json"]["examples"]["unauthenticated"]["value"]
    answer = call(lenient, operation.method, operation.path, body=operation.body, auth=False)
    assert (answer.status, answer.json) == (401, expected)


def test_validation_comes_before_authentication(lenient: str) -> None:
    answer = call(lenient, "get", "/api/v1/time-entry/not-a-uuid", auth=False)
    assert answer.status == 422


# --- concurrency ---------------------------------------------------------------------------------


def test_concurrent_keep_alive_clients(strict: str) -> None:
    threads, per_thread = 8, 200
    get, update, listing = BY_ID["getTimeEntry"], BY_ID["updateTimeEntry"], BY_ID["listTimeEntries"]
    plan = [
        ("GET", get.path, None, next(get.response_examples())[2]),
        ("PUT", update.path, json.dumps(update.body).encode(), next(update.response_examples())[2]),
        ("GET", listing.path + "?per_page=50", None, next(listing.response_examples())[2]),
    ]
    errors: list[str] = []
    parts = urlsplit(strict)

    def client(number: int) -> None:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        try:
            for i in range(per_thread):
                method, path, raw, expected = plan[(number + i) % len(plan)]
                headers = {**AUTH, "Content-Type": "application/json"} if raw else AUTH
                try:
                    connection.request(method, path, body=raw, headers=headers)
                    response = connection.getresponse()
                    data = response.read()
                    if response.status != 200 or json.loads(data) != expected:
                        errors.append(f"{method} {path}: {response.status}")
                except (OSError, http.client.HTTPException, ValueError) as error:
                    errors.append(f"{method} {path}: {error!r}")
                    connection.close()
        finally:
            connection.close()

    workers = [threading.Thread(target=client, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert not any(worker.is_alive() for worker in workers)
    assert errors == []


# --- the command line ----------------------------------------------------------------------------


def mock_command(*arguments: str) -> list[str]:
    return [sys.executable, "-m", "generator", "mock", *arguments]


def start_process(*arguments: str) -> tuple[subprocess.Popen[str], str, str]:
    """Start ``sdkgen mock`` on a free port: the process, its URL and its "serving" line."""
    process = subprocess.Popen(
        mock_command(str(SPEC.relative_to(ROOT)), "--port", "0", *arguments),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], 20)
    if not ready:
        process.kill()
        pytest.fail("sdkgen mock printed nothing within 20 s")
    line = process.stdout.readline()
    found = re.search(r"serving \S+ on (http://127\.0\.0\.1:(\d+))", line)
    assert found, line
    assert found.group(2) != "0"
    return process, found.group(1), line


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_process_serves_logs_safely_and_stops_on_signal(signum: int) -> None:
    secret = "SECRET-TOKEN-123"
    process, url, _line = start_process()
    try:
        headers = {"Authorization": f"Bearer {secret}"}
        answers = [
            call(url, "get", BY_ID["getTimeEntry"].path, headers=headers),
            call(url, "get", f"{BY_ID['listTimeEntries'].path}?token={secret}", headers=headers),
            call(url, "get", "/api/v1/time-entry/not-a-uuid", headers=headers),
            call(url, "get", "/nowhere", headers=headers),
            call(url, "get", BY_ID["getTimeEntry"].path, auth=False),
        ]
        assert [answer.status for answer in answers] == [200, 200, 422, 404, 401]
        # An idle keep-alive connection must not hold the shutdown up.
        idle = http.client.HTTPConnection("127.0.0.1", urlsplit(url).port, timeout=10)
        idle.request("GET", BY_ID["getTimeEntry"].path, headers=headers)
        assert idle.getresponse().read()
        process.send_signal(signum)
        stdout, stderr = process.communicate(timeout=5)
        idle.close()
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, stderr
    assert "stopped" in stdout
    lines = stderr.splitlines()
    assert len(lines) == 6, stderr
    assert [line.split('" ')[1].split()[0] for line in lines] == [
        "200", "200", "422", "404", "401", "200"
    ]  # fmt: skip
    assert secret not in stderr
    assert "authorization" not in stderr.lower()


def test_process_strict_mode_is_announced_and_applied() -> None:
    process, url, line = start_process("--strict")
    try:
        answer = call(url, "post", "/api/v1/time-entry", body=create_body(name="Planning"))
        documented = call(url, "post", "/api/v1/time-entry", body=create_body())
        process.send_signal(signal.SIGTERM)
        stdout, _ = process.communicate(timeout=5)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert (answer.status, answer.pointers) == (422, ["/body/name"])
    assert documented.status == 200
    assert line.rstrip().endswith("(strict)")
    assert "stopped" in stdout


def run_command(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        mock_command(*arguments), cwd=ROOT, capture_output=True, text=True, timeout=20
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("sdkgen: error: ")
    for word in words:
        assert word in lines[0]


def test_missing_spec_is_a_one_line_error(tmp_path: Path) -> None:
    result = run_command(str(tmp_path / "missing.yaml"), "--port", "0")
    assert_one_line_error(result, "missing.yaml", "no such file")


def test_port_in_use_is_a_one_line_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_command(str(SPEC), "--port", str(port))
    assert_one_line_error(result, f"127.0.0.1:{port}", "in use")


def test_port_out_of_range_is_a_one_line_error() -> None:
    result = run_command(str(SPEC), "--port", "70000")
    assert_one_line_error(result, "70000")

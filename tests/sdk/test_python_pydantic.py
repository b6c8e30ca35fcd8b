"""End-to-end tests of the generated `plannr` SDK (generated/python-pydantic).

Every test talks real HTTP to a scripted server on 127.0.0.1 (tests/support/http_server.py),
which records exactly what the SDK sent. Nothing in httpx is mocked; only the sleep between
retries is replaced, so that delays are recorded instead of waited for. Most tests run twice:
with `Plannr` and with `AsyncPlannr`.

The documented examples are read from their sources, never retyped: the seed page
(tests/specs/sources/seeds/000_430ad0550f5ef90d.txt) and the spec's own examples.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import shlex
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, get_type_hints
from urllib.parse import quote, urlsplit

import plannr
import pytest
import yaml
from plannr import AsyncPlannr, Plannr, models

from tests.support.http_server import ScriptedServer, free_port

ROOT = Path(__file__).resolve().parents[2]
SDK_DIR = ROOT / "generated" / "python-pydantic"
SPEC_PATH = ROOT / "specs" / "plannr-time-entry.yaml"
SOURCES = ROOT / "tests" / "specs" / "sources"
SEED_PATH = SOURCES / "seeds" / "000_430ad0550f5ef90d.txt"
PUT_REQUEST_PATH = SOURCES / "plannr-api" / "examples" / "put-request.json"

TOKEN = "sk-plannr-SECRET-token-0123456789"
ENV_TOKEN = "sk-plannr-FROM-ENV-9876543210"
SEED_UUID = "6ff8f7f6-1eb3-3525-be4a-3932c805afed"
FIXED_UUID = "0b9d4f7e-8f8e-4c35-9a53-2f1f3b5e6a01"
ACCOUNT_UUID = "6b6cbf06-e4b0-478b-a944-6517cdba93a2"
DUMP: dict[str, Any] = {"mode": "json", "by_alias": True, "exclude_unset": True}
HTTP_METHODS = ("get", "put", "post", "delete", "patch")


# The documented examples


@dataclass(frozen=True)
class Seed:
    """What the seed page documents: its curl sample, request and 200 response examples."""

    curl_method: str
    curl_url: str
    curl_headers: list[tuple[str, str]]
    curl_data: str
    request: dict[str, Any]
    response: dict[str, Any]


def _json_after(text: str, marker: str) -> Any:
    """The first JSON value after `marker` in `text`."""
    start = text.index(marker) + len(marker)
    rest = text[start:].lstrip()
    value, _ = json.JSONDecoder().raw_decode(rest)
    return value


def _parse_curl(text: str) -> tuple[str, str, list[tuple[str, str]], str]:
    lines = text.splitlines()
    first = next(i for i, line in enumerate(lines) if line.split(" ", 1)[0] == "curl")
    parts: list[str] = []
    for line in lines[first:]:
        line = line.rstrip()
        parts.append(line.removesuffix("\\"))
        if not line.endswith("\\"):
            break
    argv = shlex.split(" ".join(parts))  # posix quoting; `$ACCESS_TOKEN` stays as written
    assert argv[0] == "curl"
    method, url, data = "GET", "", ""
    headers: list[tuple[str, str]] = []
    args = iter(argv[1:])
    for arg in args:
        if arg in ("--request", "-X"):
            method = next(args)
        elif arg in ("--header", "-H"):
            name, _, value = next(args).partition(":")
            headers.append((name.strip(), value.strip()))
        elif arg in ("--data", "-d", "--data-raw"):
            data = next(args)
        elif arg.startswith("-"):
            raise AssertionError(f"unexpected curl option {arg!r}")
        else:
            url = arg
    return method, url, headers, data


def load_seed() -> Seed:
    text = SEED_PATH.read_text(encoding="utf-8")
    method, url, headers, data = _parse_curl(text)
    return Seed(
        curl_method=method,
        curl_url=url,
        curl_headers=headers,
        curl_data=data,
        request=_json_after(text, "Request examples"),
        response=_json_after(text, "Response examples (200)"),
    )


SEED = load_seed()
SPEC: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))


def resolve(node: Any) -> Any:
    """Follow local `$ref`s (`#/...`)."""
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        assert ref.startswith("#/"), f"only local $refs are expected, got {ref}"
        node = SPEC
        for key in ref[2:].split("/"):
            node = node[key.replace("~1", "/").replace("~0", "~")]
    return node


def json_examples(holder: Any) -> dict[str, Any]:
    """`name -> value` of the JSON examples of a request body or a response."""
    content = resolve(holder or {}).get("content", {}).get("application/json", {})
    return {name: resolve(ex)["value"] for name, ex in (content.get("examples") or {}).items()}


@dataclass(frozen=True)
class Operation:
    http_method: str
    path: str
    resource: str
    method: str
    op: dict[str, Any]
    params: list[dict[str, Any]]

    @property
    def paginated(self) -> bool:
        return "x-sdkgen-pagination" in self.op

    def path_args(self) -> dict[str, Any]:
        """A value for each path parameter: its example, else its first enum value, else a UUID."""
        args: dict[str, Any] = {}
        for param in self.params:
            if param["in"] != "path":
                continue
            schema = resolve(param.get("schema", {}))
            examples = schema.get("examples") or []
            if "example" in param:
                args[param["name"]] = param["example"]
            elif examples:
                args[param["name"]] = examples[0]
            elif schema.get("enum"):
                args[param["name"]] = schema["enum"][0]
            else:
                args[param["name"]] = FIXED_UUID
        return args

    def query_args(self) -> dict[str, tuple[str, Any]]:
        """`keyword -> (wire name, example)` for each query parameter that has an example."""
        args: dict[str, tuple[str, Any]] = {}
        for param in self.params:
            examples = resolve(param.get("schema", {})).get("examples") or []
            if param["in"] == "query" and examples:
                keyword = re.sub(r"\W+", "_", param["name"]).strip("_")
                args[keyword] = (param["name"], examples[0])
        return args

    def expected_path(self) -> str:
        values = self.path_args()
        return re.sub(r"\{([^{}]+)\}", lambda m: quote(str(values[m.group(1)]), safe=""), self.path)

    def call(self, body: dict[str, Any] | None, **extra: Any) -> Callable[[Any], Any]:
        """`client -> result` for this operation with the given body."""
        kwargs = {**self.path_args(), **{k: v for k, (_, v) in self.query_args().items()}}
        kwargs.update(body or {})
        kwargs.update(extra)
        return lambda client: getattr(getattr(client, self.resource), self.method)(**kwargs)


def spec_operations() -> list[Operation]:
    found = []
    for path, item in SPEC["paths"].items():
        for http_method in HTTP_METHODS:
            if http_method not in item:
                continue
            op = item[http_method]
            params = [resolve(p) for p in item.get("parameters", []) + op.get("parameters", [])]
            found.append(
                Operation(
                    http_method.upper(),
                    path,
                    op["x-sdkgen-resource"],
                    op["x-sdkgen-method"],
                    op,
                    params,
                )
            )
    return found


OPERATIONS = spec_operations()


def success_cases() -> list[Any]:
    cases = []
    for operation in OPERATIONS:
        requests = json_examples(operation.op.get("requestBody")) or {"no-body": None}
        responses = json_examples(operation.op["responses"]["200"])
        for (req_name, request), (res_name, response) in (
            (req, res) for req in requests.items() for res in responses.items()
        ):
            cases.append(
                pytest.param(
                    operation, request, response, id=f"{operation.method}-{req_name}-{res_name}"
                )
            )
    return cases


ERROR_CLASSES: dict[int, type[plannr.APIStatusError]] = {
    400: plannr.BadRequestError,
    401: plannr.AuthenticationError,
    403: plannr.PermissionDeniedError,
    404: plannr.NotFoundError,
    409: plannr.ConflictError,
    422: plannr.UnprocessableEntityError,
    429: plannr.RateLimitError,
    500: plannr.InternalServerError,
    503: plannr.InternalServerError,
}


def error_cases() -> list[Any]:
    cases = []
    for operation in OPERATIONS:
        requests = json_examples(operation.op.get("requestBody"))
        request = next(iter(requests.values()), None)
        for status, response in operation.op["responses"].items():
            if status.startswith("2"):
                continue
            for name, body in json_examples(response).items():
                cases.append(
                    pytest.param(
                        operation,
                        request,
                        int(status),
                        body,
                        id=f"{operation.method}-{status}-{name}",
                    )
                )
    return cases


# Running a call with the sync or the async client


@pytest.fixture(params=["sync", "async"])
def mode(request: pytest.FixtureRequest) -> str:
    mode: str = request.param
    return mode


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    scripted = ScriptedServer()
    yield scripted
    scripted.close()


Call = Callable[[Any], Any]


def run_all(
    mode: str,
    base_url: str,
    calls: list[Call],
    *,
    sleeps: list[float] | None = None,
    **options: Any,
) -> list[Any]:
    """Make each call in turn on one client; `sleeps` records the retry delays.

    Options default to `access_token=TOKEN` and `max_retries=0`. A call is `client -> result`
    (a coroutine for the async client). An exception propagates.
    """
    options = {"access_token": TOKEN, "max_retries": 0, **options}
    recorded = sleeps if sleeps is not None else []
    if mode == "sync":
        with Plannr(base_url=base_url, **options) as client:
            client._sleep = recorded.append
            return [call(client) for call in calls]

    async def record(delay: float) -> None:
        recorded.append(delay)

    async def scenario() -> list[Any]:
        async with AsyncPlannr(base_url=base_url, **options) as client:
            client._sleep = record
            return [await call(client) for call in calls]

    return asyncio.run(scenario())


def run(mode: str, base_url: str, call: Call, **options: Any) -> Any:
    return run_all(mode, base_url, [call], **options)[0]


def retrieve(uuid: str = SEED_UUID, **kwargs: Any) -> Call:
    return lambda client: client.time_entries.retrieve(uuid, **kwargs)


# 1. Documented requests and responses


def test_the_seed_and_the_sources_agree() -> None:
    assert SEED.request == json.loads(PUT_REQUEST_PATH.read_text(encoding="utf-8"))
    assert SEED.response["uuid"] and SEED.request["trackable_type"] == "Client"
    assert json_examples(SPEC["paths"]["/api/v1/time-entry/{uuid}"]["put"]["requestBody"]) == {
        "seed": SEED.request
    }


def test_update_sends_the_seed_request_and_returns_its_response(
    mode: str, server: ScriptedServer
) -> None:
    server.reply(200, SEED.response)
    result = run(mode, server.url, lambda c: c.time_entries.update(SEED_UUID, **SEED.request))
    [sent] = server.requests
    assert sent.method == "PUT"
    assert sent.path == f"/api/v1/time-entry/{SEED_UUID}"
    assert sent.headers["authorization"] == f"Bearer {TOKEN}"
    assert sent.headers["content-type"] == "application/json"
    assert sent.headers["accept"] == "application/json"
    assert sent.json() == SEED.request
    assert isinstance(result, models.TimeEntry)
    assert result.model_dump(**DUMP) == SEED.response


def test_the_spec_walk_covers_every_operation() -> None:
    methods = {(o.resource, o.method) for o in OPERATIONS}
    assert methods == {
        ("time_entries", name)
        for name in ("create", "retrieve", "update", "delete", "stop", "list")
    }
    for operation in OPERATIONS:
        assert json_examples(operation.op["responses"]["200"]), operation.method
        for client_class in (Plannr, AsyncPlannr):
            resource_class = get_type_hints(client_class)[operation.resource]
            assert callable(getattr(resource_class, operation.method))
    assert len(list(success_cases())) >= len(OPERATIONS)
    assert {p.values[2] for p in error_cases()} >= {401, 404, 422, 429}


@pytest.mark.parametrize(("operation", "request_example", "response_example"), success_cases())
def test_every_documented_example(
    mode: str,
    server: ScriptedServer,
    operation: Operation,
    request_example: dict[str, Any] | None,
    response_example: dict[str, Any],
) -> None:
    server.reply(200, response_example, headers={"X-Ratelimit-Remaining": "499"})
    result = run(mode, server.url, operation.call(request_example))

    [sent] = server.requests
    assert sent.method == operation.http_method
    assert sent.path_only == operation.expected_path()
    assert sorted(sent.query) == sorted(operation.query_args().values())
    assert sent.headers["authorization"] == f"Bearer {TOKEN}"
    assert sent.headers["accept"] == "application/json"
    if request_example is None:
        assert sent.body == b""
        assert "content-type" not in sent.headers
    else:
        assert sent.headers["content-type"] == "application/json"
        assert sent.json() == request_example
    body = result.body if operation.paginated else result
    assert body.model_dump(**DUMP) == response_example


@pytest.mark.parametrize(("operation", "request_example", "status", "body"), error_cases())
def test_every_documented_error(
    mode: str,
    server: ScriptedServer,
    operation: Operation,
    request_example: dict[str, Any] | None,
    status: int,
    body: dict[str, Any],
) -> None:
    server.reply(status, body, headers={"Retry-After": "0"} if status == 429 else None)
    with pytest.raises(plannr.APIStatusError) as caught:
        run(mode, server.url, operation.call(request_example))
    assert type(caught.value) is ERROR_CLASSES[status]
    assert caught.value.status_code == status
    assert caught.value.body == body
    assert str(caught.value) == f"{status} {caught.value.response.reason_phrase}: {body['message']}"
    if status == 422:
        assert isinstance(caught.value, plannr.UnprocessableEntityError)
        assert caught.value.errors == body["errors"]
    assert len(server.requests) == 1


# 2. The seed's curl sample


def test_the_sdk_sends_what_the_seed_curl_sends(mode: str, server: ScriptedServer) -> None:
    server.reply(200, SEED.response)
    run(mode, server.url, lambda c: c.time_entries.update(SEED_UUID, **SEED.request))
    [sent] = server.requests
    curl_url = urlsplit(SEED.curl_url)

    assert sent.method == SEED.curl_method
    assert sent.path == curl_url.path + (f"?{curl_url.query}" if curl_url.query else "")
    assert len(SEED.curl_headers) >= 2
    for name, value in SEED.curl_headers:
        expected = value.replace("$ACCESS_TOKEN", TOKEN)
        assert [v for n, v in sent.header_items if n.lower() == name.lower()] == [expected]
    assert sent.json() == json.loads(SEED.curl_data)
    assert Plannr(access_token=TOKEN).base_url == f"{curl_url.scheme}://{curl_url.netloc}"


# 3. Client options


def test_token_from_the_environment(
    mode: str, server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLANNR_ACCESS_TOKEN", ENV_TOKEN)
    for _ in range(2):
        server.reply(200, SEED.response)
    run(mode, server.url, retrieve(), access_token=None)
    run(mode, server.url, retrieve())  # a token given explicitly wins
    assert [r.headers["authorization"] for r in server.requests] == [
        f"Bearer {ENV_TOKEN}",
        f"Bearer {TOKEN}",
    ]


def test_no_token_at_all_sends_no_authorization(
    mode: str, server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PLANNR_ACCESS_TOKEN", raising=False)
    server.reply(200, SEED.response)
    run(mode, server.url, retrieve(), access_token=None)
    assert "authorization" not in server.requests[0].headers


def every_operation() -> list[Call]:
    """One call of each of the six operations."""
    return [
        lambda c: c.time_entries.create(**{**SEED.request, "name": "Research"}),
        lambda c: c.time_entries.retrieve(SEED_UUID),
        lambda c: c.time_entries.update(SEED_UUID, **SEED.request),
        lambda c: c.time_entries.delete(SEED_UUID),
        lambda c: c.time_entries.stop(SEED_UUID),
        lambda c: c.time_entries.list("client", FIXED_UUID),
    ]


def queue_every_operation(server: ScriptedServer) -> None:
    for _ in range(5):
        server.reply(200, SEED.response)
    server.reply(200, {"data": [SEED.response]})


def test_account_uuid_is_sent_on_every_call(mode: str, server: ScriptedServer) -> None:
    queue_every_operation(server)
    run_all(mode, server.url, every_operation(), account_uuid=ACCOUNT_UUID)
    queue_every_operation(server)
    run_all(mode, server.url, every_operation())

    with_account, without_account = server.requests[:6], server.requests[6:]
    assert [r.method for r in with_account] == ["POST", "GET", "PUT", "DELETE", "POST", "GET"]
    for sent in with_account:
        values = [v for n, v in sent.header_items if n.lower() == "x-plannr-account-uuid"]
        assert values == [ACCOUNT_UUID], sent.path
    assert len(without_account) == 6
    assert all("x-plannr-account-uuid" not in r.headers for r in without_account)


def test_extra_headers_apply_to_one_call(mode: str, server: ScriptedServer) -> None:
    server.reply(200, SEED.response)
    server.reply(200, SEED.response)
    extra = {"X-Trace-Id": "trace-1", "Accept": "application/vnd.test+json"}
    run_all(mode, server.url, [retrieve(extra_headers=extra), retrieve()])
    first, second = server.requests
    assert first.headers["x-trace-id"] == "trace-1"
    assert first.headers["accept"] == "application/vnd.test+json"
    assert first.headers["authorization"] == f"Bearer {TOKEN}"
    assert "x-trace-id" not in second.headers
    assert second.headers["accept"] == "application/json"


def test_a_per_call_timeout_overrides_the_client_timeout(mode: str, server: ScriptedServer) -> None:
    server.reply(200, SEED.response, delay=2.0)
    started = time.monotonic()
    with pytest.raises(plannr.APITimeoutError):
        run(mode, server.url, retrieve(timeout=0.3), timeout=30.0)
    assert time.monotonic() - started < 1.5

    server.reply(200, SEED.response, delay=0.5)
    result = run(mode, server.url, retrieve(timeout=5.0), timeout=0.2)
    assert result.uuid == SEED.response["uuid"]


# 4. Lenient responses

LENIENT: dict[str, Any] = {
    "uuid": FIXED_UUID,
    "created_at": "2025-10-24T10:34:18+00:00",
    "updated_at": "2025-10-24T09:34:18Z",
    "name": "Sprint board work",
    "description": None,
    "trackable_type": "BoardTask",
    "trackable": {
        "uuid": "d1b2c3a4-0000-4000-8000-000000000007",
        "name": "Board task 7",
        "created_at": "2025-10-24T10:34:18Z",
        "board": {"uuid": "d1b2c3a4-0000-4000-8000-000000000001", "columns": ["todo", "done"]},
        "position": 3,
    },
    "start_date": "2025-10-24",
    "end_date": "2025-10-24T15:04:18.123456+05:30",
    "is_active": False,
    "total_time_in_minutes": None,
    "computed_time_elapsed_in_seconds": 1680,
    "account": {
        "uuid": ACCOUNT_UUID,
        "name": "Gareth Thompson",
        "created_at": "2025-10-24T10:34:18+00:00",
        "updated_at": "2025-10-24T10:34:18Z",
        "external_references": [
            {
                "uuid": "e0000000-0000-4000-8000-000000000001",
                "reference": "AB123456",
                "third_party": "nucleus",
                "created_at": "2025-01-02T03:04:05Z",
                "synced": True,
            }
        ],
        "preferred_account_uuid": ACCOUNT_UUID,
        "tags": ["vip"],
    },
    "billable": True,
    "meta": {"source": "timer"},
}


def test_lenient_response_round_trips_unchanged(mode: str, server: ScriptedServer) -> None:
    server.reply(200, LENIENT)
    entry = run(mode, server.url, retrieve())

    assert entry.model_dump(**DUMP) == LENIENT
    assert entry.trackable_type == "BoardTask"
    assert entry.model_extra == {"billable": True, "meta": {"source": "timer"}}
    assert entry.trackable.model_extra["board"]["columns"] == ["todo", "done"]
    assert entry.account.model_extra["tags"] == ["vip"]
    [reference] = entry.account.external_references
    assert isinstance(reference, models.ExternalReference)
    assert reference.reference == "AB123456"
    assert reference.model_extra == {"synced": True}

    assert isinstance(entry.created_at, datetime)
    assert entry.created_at.utcoffset() == timedelta(0)
    assert entry.updated_at.utcoffset() == timedelta(0)
    assert isinstance(entry.end_date, datetime)
    assert entry.end_date.utcoffset() == timedelta(hours=5, minutes=30)
    assert entry.end_date.microsecond == 123456
    assert isinstance(entry.start_date, date)
    assert not isinstance(entry.start_date, datetime)  # a date-only value stays a date
    assert entry.start_date == date(2025, 10, 24)


def test_a_plain_date_where_only_a_date_time_fits_is_refused(
    mode: str, server: ScriptedServer
) -> None:
    """`created_at` is a date-time only (D28): a plain date is not read as a naive midnight."""
    server.reply(200, {**SEED.response, "created_at": "2025-10-24"})
    with pytest.raises(plannr.APIResponseValidationError) as caught:
        run(mode, server.url, retrieve())
    assert caught.value.body == {**SEED.response, "created_at": "2025-10-24"}


def test_documented_date_times_are_datetimes(mode: str, server: ScriptedServer) -> None:
    server.reply(200, SEED.response)
    entry = run(mode, server.url, retrieve())
    assert isinstance(entry.start_date, datetime)
    assert entry.start_date.utcoffset() == timedelta(hours=1)
    assert entry.start_date < entry.end_date


def test_known_trackable_types_compare_equal_to_members(mode: str, server: ScriptedServer) -> None:
    kinds = ["client", "Client", "board_task", "BoardTask"]
    server.reply(200, {"data": [{**SEED.response, "trackable_type": kind} for kind in kinds]})

    async def collect(client: Any) -> Any:
        return [entry async for entry in await client.time_entries.list("client", FIXED_UUID)]

    def call(client: Any) -> Any:
        if isinstance(client, AsyncPlannr):
            return collect(client)
        return list(client.time_entries.list("client", FIXED_UUID))

    entries = run(mode, server.url, call)
    types = [entry.trackable_type for entry in entries]
    TrackableType = models.TrackableType
    assert types == [
        TrackableType.CLIENT,
        TrackableType.CLIENT_2,
        TrackableType.BOARD_TASK,
        "BoardTask",
    ]
    assert types[0] != TrackableType.CLIENT_2  # no case folding
    assert types[1] != TrackableType.CLIENT
    assert [entry.model_dump(**DUMP)["trackable_type"] for entry in entries] == kinds


# 5. Errors


@pytest.mark.parametrize("status", sorted(ERROR_CLASSES))
def test_status_errors(mode: str, server: ScriptedServer, status: int) -> None:
    body: dict[str, Any] = {"message": f"Status {status}."}
    if status == 422:
        body["errors"] = {
            "name": ["The name field is required."],
            "start_date": ["The start date field must be a valid date.", "It is too late."],
        }
    server.reply(status, body)
    with pytest.raises(plannr.APIStatusError) as caught:
        run(mode, server.url, retrieve())
    error = caught.value
    assert type(error) is ERROR_CLASSES[status]
    assert isinstance(error, plannr.APIError)
    assert error.status_code == status
    assert error.body == body
    if status == 422:
        assert isinstance(error, plannr.UnprocessableEntityError)
        assert error.errors == body["errors"]
    assert len(server.requests) == 1


def test_503_is_raised_after_the_retries(mode: str, server: ScriptedServer) -> None:
    for _ in range(3):
        server.reply(503, {"message": "Down for maintenance."})
    sleeps: list[float] = []
    with pytest.raises(plannr.InternalServerError) as caught:
        run(mode, server.url, retrieve(), max_retries=2, sleeps=sleeps)
    assert caught.value.status_code == 503
    assert caught.value.body == {"message": "Down for maintenance."}
    assert len(server.requests) == 3
    assert len(sleeps) == 2


def test_non_json_success_is_a_validation_error(mode: str, server: ScriptedServer) -> None:
    server.reply(200, b"<html>maintenance</html>", headers={"Content-Type": "text/html"})
    with pytest.raises(plannr.APIResponseValidationError) as caught:
        run(mode, server.url, retrieve())
    assert caught.value.body == "<html>maintenance</html>"


def test_connection_refused(mode: str) -> None:
    sleeps: list[float] = []
    with pytest.raises(plannr.APIConnectionError) as caught:
        run(mode, f"http://127.0.0.1:{free_port()}", retrieve(), max_retries=1, sleeps=sleeps)
    assert not isinstance(caught.value, plannr.APITimeoutError)
    assert len(sleeps) == 1  # a refused connection is retried too


# 6. Retries and timeouts


def test_retries_until_success(mode: str, server: ScriptedServer) -> None:
    server.reply(503, {"message": "Service Unavailable"})
    server.reply(429, {"message": "Too Many Attempts."}, headers={"Retry-After": "0"})
    server.reply(200, SEED.response)
    sleeps: list[float] = []
    result = run(mode, server.url, retrieve(), max_retries=2, sleeps=sleeps)
    assert result.model_dump(**DUMP) == SEED.response
    assert len(server.requests) == 3
    assert len({r.path for r in server.requests}) == 1
    assert 0.375 <= sleeps[0] <= 0.5  # backoff
    assert sleeps[1] == 0.0  # Retry-After


def test_no_retries(mode: str, server: ScriptedServer) -> None:
    server.reply(503, {"message": "Service Unavailable"})
    server.reply(200, SEED.response)
    sleeps: list[float] = []
    with pytest.raises(plannr.InternalServerError):
        run(mode, server.url, retrieve(), max_retries=0, sleeps=sleeps)
    assert len(server.requests) == 1
    assert sleeps == []


def test_slow_server_times_out(mode: str, server: ScriptedServer) -> None:
    server.reply(200, SEED.response, delay=2.0)
    started = time.monotonic()
    with pytest.raises(plannr.APITimeoutError):
        run(mode, server.url, retrieve(), timeout=0.3)
    assert time.monotonic() - started < 1.5
    assert len(server.requests) == 1


# 7. Path encoding and secrecy


def test_path_parameters_are_one_encoded_segment(mode: str, server: ScriptedServer) -> None:
    server.reply(200, SEED.response)
    run(mode, server.url, retrieve("a/b?c#d e"))
    assert server.requests[0].path == "/api/v1/time-entry/a%2Fb%3Fc%23d%20e"


def test_the_token_is_never_shown(
    mode: str, server: ScriptedServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    for name in ("httpx", "httpcore", "plannr"):
        caplog.set_level(logging.DEBUG, logger=name)
    server.reply(401, {"message": "Unauthenticated."})
    server.reply(422, {"message": "Invalid.", "errors": {"name": ["Required."]}})
    server.reply(200, b"not json")
    server.reply(200, SEED.response, delay=2.0)
    server.reply(200, SEED.response)

    errors: list[Exception] = []
    shown: list[str] = []
    calls = [retrieve(), retrieve(), retrieve(), retrieve(timeout=0.3)]
    for call in calls:
        with pytest.raises(plannr.APIError) as caught:
            run(mode, server.url, call)
        errors.append(caught.value)
    with pytest.raises(plannr.APIConnectionError) as refused:
        run(mode, f"http://127.0.0.1:{free_port()}", retrieve())
    errors.append(refused.value)

    def show_client(client: Any) -> Any:
        shown.extend([str(client), repr(client), repr(client.time_entries)])
        return client.time_entries.retrieve(SEED_UUID)

    run(mode, server.url, show_client)
    assert [type(e).__name__ for e in errors] == [
        "AuthenticationError",
        "UnprocessableEntityError",
        "APIResponseValidationError",
        "APITimeoutError",
        "APIConnectionError",
    ]
    for error in errors:
        shown += [str(error), repr(error), repr(error.args), repr(error.request)]
        shown += [repr(vars(error).get("body"))]
    assert all(TOKEN not in text for text in shown), [t for t in shown if TOKEN in t]
    assert any(r.name.startswith("httpx") for r in caplog.records)  # logging was on
    leaked = [r for r in caplog.records if TOKEN in r.getMessage()]
    assert leaked == []
    assert all(TOKEN not in text for text in caplog.text.splitlines())


# 8. Raw responses


def test_raw_response(mode: str, server: ScriptedServer) -> None:
    server.reply(200, SEED.response, headers={"X-Ratelimit-Remaining": "498"})
    raw = run(mode, server.url, lambda c: c.time_entries.with_raw_response.retrieve(SEED_UUID))
    expected_class = plannr.APIResponse if mode == "sync" else plannr.AsyncAPIResponse
    assert type(raw) is expected_class
    assert raw.status_code == 200
    assert raw.headers["x-ratelimit-remaining"] == "498"
    assert raw.json() == SEED.response
    entry = raw.parse()
    assert isinstance(entry, models.TimeEntry)
    assert entry.model_dump(**DUMP) == SEED.response
    assert server.requests[0].path == f"/api/v1/time-entry/{SEED_UUID}"


# 9. Pagination


def list_pages(base_url: str) -> list[dict[str, Any]]:
    """Three Laravel pages of 2, 2 and 1 entries, linked by absolute `next` URLs."""
    path = f"/api/v1/time-entry/client/{FIXED_UUID}"
    uuids = [f"00000000-0000-4000-8000-00000000000{i}" for i in range(1, 6)]
    chunks = [uuids[0:2], uuids[2:4], uuids[4:5]]
    pages = []
    for number, chunk in enumerate(chunks, start=1):
        next_url = f"{base_url}{path}?page={number + 1}" if number < 3 else None
        pages.append(
            {
                "data": [{**SEED.response, "uuid": uuid} for uuid in chunk],
                "links": {
                    "first": f"{base_url}{path}?page=1",
                    "last": f"{base_url}{path}?page=3",
                    "prev": f"{base_url}{path}?page={number - 1}" if number > 1 else None,
                    "next": next_url,
                },
                "meta": {
                    "current_page": number,
                    "from": 2 * number - 1,
                    "last_page": 3,
                    "path": f"{base_url}{path}",
                    "per_page": 2,
                    "to": 2 * number - 1 + len(chunk) - 1,
                    "total": 5,
                },
            }
        )
    return pages


def test_pagination(mode: str, server: ScriptedServer) -> None:
    pages = list_pages(server.url)
    for page in pages:
        server.reply(200, page)
    between = "2025-10-01,2025-10-31"

    def call(client: Any) -> Any:
        first = client.time_entries.list("client", FIXED_UUID, per_page=2, filter_between=between)
        if isinstance(client, AsyncPlannr):

            async def walk() -> Any:
                page = await first
                return page, [entry.uuid async for entry in page]

            return walk()
        return first, [entry.uuid for entry in first]

    page, uuids = run(mode, server.url, call)
    assert uuids == [entry["uuid"] for p in pages for entry in p["data"]]
    assert isinstance(page.body.meta, models.PaginationMeta)
    assert (page.body.meta.current_page, page.body.meta.total) == (1, 5)
    assert page.body.meta.from_ == 1
    assert page.body.links.next == pages[0]["links"]["next"]
    assert [entry.uuid for entry in page.items] == uuids[:2]

    assert len(server.requests) == 3
    for number, sent in enumerate(server.requests, start=1):
        assert sent.method == "GET"
        assert sent.path_only == f"/api/v1/time-entry/client/{FIXED_UUID}"
        expected = [("filter[between]", between), ("per_page", "2")]
        if number > 1:
            expected.append(("page", str(number)))
        assert sorted(sent.query) == sorted(expected)
        assert sent.headers["authorization"] == f"Bearer {TOKEN}"


# 10. Lint, format and types of the generated package


def _tool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "NO_COLOR": "1"},
    )


def test_generated_package_passes_ruff_and_mypy_strict() -> None:
    sdk = str(SDK_DIR.relative_to(ROOT))
    # Run from the repository root, ruff must pick the SDK's own pyproject.toml (its `src`
    # makes `plannr` first-party); `--config` would resolve `src` against the cwd instead.
    settings = _tool("ruff", "check", "--show-settings", f"{sdk}/plannr/_client.py")
    assert settings.returncode == 0, settings.stderr
    assert f'Settings path: "{SDK_DIR / "pyproject.toml"}"' in settings.stdout

    files = _tool("ruff", "check", "--show-files", sdk)
    assert f"{SDK_DIR / 'plannr' / '_client.py'}" in files.stdout
    assert f"{SDK_DIR / 'tests' / 'conftest.py'}" in files.stdout

    lint = _tool("ruff", "check", "--no-cache", sdk)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    formatted = _tool("ruff", "format", "--check", "--no-cache", sdk)
    assert formatted.returncode == 0, formatted.stdout + formatted.stderr

    types = _tool(
        "mypy",
        "--strict",
        "--config-file",
        f"{sdk}/pyproject.toml",
        f"{sdk}/plannr",
        f"{sdk}/tests",
    )
    assert types.returncode == 0, types.stdout + types.stderr
    assert "Success: no issues found" in types.stdout

"""Tests for the hand-written runtime core in templates/python-pydantic/runtime (with the
shared wire rules of templates/python-common/runtime).

The runtime is copied into a throwaway package (as the generator copies it into every
generated SDK) and exercised against a real HTTP server on 127.0.0.1, whose answers
each test scripts and which records every request it receives. Nothing in httpx is
mocked; only the sleep between retries is replaced, so that delays are recorded rather
than waited for.
"""

from __future__ import annotations

import asyncio
import importlib
import shutil
import sys
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from email.utils import format_datetime
from enum import Enum
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any
from uuid import UUID

import httpx
import pytest
from pydantic import BaseModel

from tests.support.http_server import ScriptedServer, free_port

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
RUNTIME_DIR = TEMPLATES / "python-pydantic" / "runtime"
COMMON_DIR = TEMPLATES / "python-common" / "runtime"  # copied beside it, as the manifest says
PACKAGE = "rt_pkg"
TOKEN = "sk-test-SECRET-token-0123456789"
UTC_ZONE = timezone(timedelta(0))  # `datetime.UTC` needs Python 3.11
AUTH = {"Authorization": f"Bearer {TOKEN}"}


# The throwaway package


@pytest.fixture(scope="module")
def rt(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimpleNamespace]:
    """The runtime modules, imported from a fresh copy named `rt_pkg`."""
    root = tmp_path_factory.mktemp("runtime")
    package = root / PACKAGE
    package.mkdir()
    for source in [*RUNTIME_DIR.glob("*.py"), *COMMON_DIR.glob("*.py")]:
        shutil.copy(source, package / source.name)
    (package / "__init__.py").write_text("")
    sys.path.insert(0, str(root))
    try:
        yield SimpleNamespace(
            base=_import("_base_client"),
            exc=_import("_exceptions"),
            types=_import("_types"),
            response=_import("_response"),
            pagination=_import("_pagination"),
        )
    finally:
        sys.path.remove(str(root))
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


def _import(module: str) -> ModuleType:
    return importlib.import_module(f"{PACKAGE}.{module}")


# The scripted server


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    scripted = ScriptedServer()
    yield scripted
    scripted.close()


@pytest.fixture
def other_server() -> Iterator[ScriptedServer]:
    """A second host, which must never receive anything."""
    scripted = ScriptedServer()
    yield scripted
    scripted.close()


# Clients and models


class Color(Enum):
    RED = "red"


class Item(BaseModel):
    id: int
    name: str | None = None


class ItemPage(BaseModel):
    data: list[Item]
    links: dict[str, str | None] | None = None
    meta: dict[str, Any] | None = None


class WireDateTime(datetime):
    """Like the SDK's datetime models: keeps the exact text it was read from."""

    _raw: str


def make_client(rt: SimpleNamespace, url: str, **options: Any) -> tuple[Any, list[float]]:
    """A sync client whose retry sleeps are recorded instead of slept."""
    client = rt.base.SyncAPIClient(base_url=url, auth_headers=AUTH, **options)
    delays: list[float] = []
    client._sleep = delays.append
    return client, delays


def make_async_client(rt: SimpleNamespace, url: str, **options: Any) -> tuple[Any, list[float]]:
    client = rt.base.AsyncAPIClient(base_url=url, auth_headers=AUTH, **options)
    delays: list[float] = []

    async def record(delay: float) -> None:
        delays.append(delay)

    client._sleep = record
    return client, delays


@pytest.fixture
def client(rt: SimpleNamespace, server: ScriptedServer) -> Iterator[Any]:
    sync_client, _ = make_client(rt, server.url, max_retries=0)
    yield sync_client
    sync_client.close()


def list_items(client: Any, **query: object) -> Any:
    return client.request_page(
        "GET",
        "/items",
        query=query,
        page_type=ItemPage,
        item_type=Item,
        items_path=("data",),
        next_url_path=("links", "next"),
    )


def page_body(ids: list[int], next_url: str | None) -> dict[str, Any]:
    return {
        "data": [{"id": i} for i in ids],
        "links": {"next": next_url},
        "meta": {"count": len(ids)},
    }


# Building requests


def test_path_parameters_are_encoded_as_one_segment(client: Any, server: ScriptedServer) -> None:
    server.reply(204)
    client.request(
        "GET",
        "/items/{kind}/{id}",
        path_params={"kind": Color.RED, "id": "a/b?c#d e%"},
        cast_to=None,
    )
    assert server.requests[0].path == "/items/red/a%2Fb%3Fc%23d%20e%25"


@pytest.mark.parametrize("value", ["", None, ".", ".."])
def test_bad_path_parameter_fails_before_any_request(
    client: Any, server: ScriptedServer, value: object
) -> None:
    with pytest.raises(ValueError, match="`uuid`"):
        client.request("GET", "/time-entry/{uuid}", path_params={"uuid": value}, cast_to=None)
    assert server.requests == []


def test_empty_path_parameter_message(client: Any) -> None:
    with pytest.raises(ValueError, match=r"^Expected a non-empty value for `uuid`$"):
        client.request("GET", "/time-entry/{uuid}", path_params={"uuid": ""}, cast_to=None)


def test_query_encoding(rt: SimpleNamespace, client: Any, server: ScriptedServer) -> None:
    server.reply(204)
    query = {
        "tags": ["a", "b"],
        "active": True,
        "archived": False,
        "missing": None,
        "skipped": rt.types.NOT_GIVEN,
        "kind": Color.RED,
        "since": date(2024, 1, 2),
        "q": "x y&z",
    }
    client.request("GET", "/items", query=query, cast_to=None)
    assert server.requests[0].query == [
        ("tags", "a"),
        ("tags", "b"),
        ("active", "true"),
        ("archived", "false"),
        ("kind", "red"),
        ("since", "2024-01-02"),
        ("q", "x y&z"),
    ]


def test_json_body_encoding(rt: SimpleNamespace, client: Any, server: ScriptedServer) -> None:
    server.reply(204)
    wire = WireDateTime(2024, 10, 16, 9, 30, tzinfo=UTC_ZONE)
    wire._raw = "2024-10-16T09:30:00.000000Z"
    body = {
        "z": 1,
        "skipped": rt.types.NOT_GIVEN,
        "nothing": None,
        "when": datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=1))),
        "day": date(2024, 1, 2),
        "wire": wire,
        "kind": Color.RED,
        "uuid": UUID("12345678-1234-5678-1234-567812345678"),
        "nested": [{"b": 2, "a": rt.types.NOT_GIVEN}, (1.5, True)],
        "model": Item(id=7),
        "text": "héllo",
    }
    client.request("POST", "/items", json_body=body, cast_to=None)
    expected = (
        '{"z":1,"nothing":null,"when":"2024-01-02T03:04:05+01:00","day":"2024-01-02",'
        '"wire":"2024-10-16T09:30:00.000000Z","kind":"red",'
        '"uuid":"12345678-1234-5678-1234-567812345678","nested":[{"b":2},[1.5,true]],'
        '"model":{"id":7},"text":"héllo"}'
    )
    assert server.requests[0].body == expected.encode()


def test_standard_headers(client: Any, server: ScriptedServer) -> None:
    server.reply(204)
    server.reply(204)
    client.request("PUT", "/items/1", json_body={"a": 1}, cast_to=None)
    client.request("GET", "/items/1", cast_to=None)
    with_body, without_body = (r.headers for r in server.requests)
    assert with_body["accept"] == "application/json"
    assert with_body["content-type"] == "application/json"
    assert with_body["authorization"] == f"Bearer {TOKEN}"
    assert with_body["user-agent"].startswith("sdkgen-python/")
    assert without_body["accept"] == "application/json"
    assert "content-type" not in without_body


def test_header_layers(rt: SimpleNamespace, server: ScriptedServer) -> None:
    server.reply(204)
    client, _ = make_client(
        rt, server.url, default_headers={"X-PLANNR-ACCOUNT-UUID": "acc-1", "X-Layer": "default"}
    )
    with client:
        client.request(
            "GET",
            "/items",
            headers={
                "X-Layer": "operation",
                "X-Optional": rt.types.NOT_GIVEN,
                "X-Null": None,
                "X-Count": 3,
                "X-Color": Color.RED,
            },
            extra_headers={"x-layer": "extra"},
            cast_to=None,
        )
    headers = server.requests[0].headers
    assert headers["x-plannr-account-uuid"] == "acc-1"
    assert headers["x-layer"] == "extra"
    assert "x-optional" not in headers
    assert "x-null" not in headers
    assert (headers["x-count"], headers["x-color"]) == ("3", "red")


def test_not_given_is_a_falsy_sentinel(rt: SimpleNamespace) -> None:
    assert not rt.types.NOT_GIVEN
    assert repr(rt.types.NOT_GIVEN) == "NOT_GIVEN"


# Responses and errors


def test_success_is_validated(client: Any, server: ScriptedServer) -> None:
    server.reply(200, {"id": 1, "name": "one"})
    server.reply(200, [{"id": 1}, {"id": 2}])
    assert client.request("GET", "/items/1", cast_to=Item) == Item(id=1, name="one")
    assert client.request("GET", "/items", cast_to=list[Item]) == [Item(id=1), Item(id=2)]


@pytest.mark.parametrize(
    ("status", "error_name"),
    [
        (400, "BadRequestError"),
        (401, "AuthenticationError"),
        (403, "PermissionDeniedError"),
        (404, "NotFoundError"),
        (409, "ConflictError"),
        (418, "APIStatusError"),
        (429, "RateLimitError"),
        (500, "InternalServerError"),
        (503, "InternalServerError"),
    ],
)
def test_status_errors(
    rt: SimpleNamespace, client: Any, server: ScriptedServer, status: int, error_name: str
) -> None:
    server.reply(status, {"message": "It went wrong."})
    with pytest.raises(rt.exc.APIStatusError) as caught:
        client.request("GET", "/items/1", cast_to=Item)
    error = caught.value
    assert type(error).__name__ == error_name
    assert error.status_code == status
    assert error.body == {"message": "It went wrong."}
    assert str(error).startswith(f"{status} ")
    assert str(error).endswith(": It went wrong.")


def test_not_found_message(rt: SimpleNamespace, client: Any, server: ScriptedServer) -> None:
    server.reply(404, b"gone")
    with pytest.raises(rt.exc.NotFoundError) as caught:
        client.request("GET", "/items/1", cast_to=Item)
    assert str(caught.value) == "404 Not Found"
    assert caught.value.body == "gone"


def test_unprocessable_entity_errors(
    rt: SimpleNamespace, client: Any, server: ScriptedServer
) -> None:
    body = {
        "message": "The name field is required. (and 1 more error)",
        "errors": {"name": ["The name field is required."], "start_date": ["Bad date."]},
    }
    server.reply(422, body)
    with pytest.raises(rt.exc.UnprocessableEntityError) as caught:
        client.request("POST", "/items", json_body={}, cast_to=Item)
    assert caught.value.errors == {
        "name": ["The name field is required."],
        "start_date": ["Bad date."],
    }
    assert str(caught.value) == f"422 Unprocessable Entity: {body['message']}"


def test_unprocessable_entity_without_field_errors(
    rt: SimpleNamespace, client: Any, server: ScriptedServer
) -> None:
    server.reply(422, b"<html>nope</html>")
    with pytest.raises(rt.exc.UnprocessableEntityError) as caught:
        client.request("POST", "/items", json_body={}, cast_to=Item)
    assert caught.value.errors == {}


def test_non_json_success_is_a_validation_error(
    rt: SimpleNamespace, client: Any, server: ScriptedServer
) -> None:
    server.reply(200, b"<html>maintenance</html>")
    with pytest.raises(rt.exc.APIResponseValidationError) as caught:
        client.request("GET", "/items/1", cast_to=Item)
    assert caught.value.body == "<html>maintenance</html>"


def test_mismatched_success_is_a_validation_error(
    rt: SimpleNamespace, client: Any, server: ScriptedServer
) -> None:
    server.reply(200, {"id": "not a number"})
    with pytest.raises(rt.exc.APIResponseValidationError) as caught:
        client.request("GET", "/items/1", cast_to=Item)
    assert caught.value.body == {"id": "not a number"}


def test_no_content(client: Any, server: ScriptedServer) -> None:
    server.reply(204)
    assert client.request("DELETE", "/items/1", cast_to=None) is None


# Retries


def test_retries_until_success(rt: SimpleNamespace, server: ScriptedServer) -> None:
    server.reply(503)
    server.reply(429, headers={"Retry-After": "0"})
    server.reply(200, {"id": 1})
    client, delays = make_client(rt, server.url)
    assert client.request("GET", "/items/1", cast_to=Item) == Item(id=1)
    assert len(server.requests) == 3
    assert 0.375 <= delays[0] <= 0.5
    assert delays[1] == 0.0


def test_no_retries(rt: SimpleNamespace, server: ScriptedServer) -> None:
    server.reply(503)
    server.reply(200, {"id": 1})
    client, delays = make_client(rt, server.url, max_retries=0)
    with pytest.raises(rt.exc.InternalServerError):
        client.request("GET", "/items/1", cast_to=Item)
    assert len(server.requests) == 1
    assert delays == []


def test_backoff_grows_within_bounds(rt: SimpleNamespace, server: ScriptedServer) -> None:
    for _ in range(6):
        server.reply(500)
    client, delays = make_client(rt, server.url, max_retries=5)
    with pytest.raises(rt.exc.InternalServerError):
        client.request("GET", "/items", cast_to=None)
    assert len(server.requests) == 6
    assert delays == sorted(delays)
    assert 6.0 <= delays[-1] <= 8.0  # the fifth retry reaches the cap
    for attempt, delay in enumerate(delays):
        ceiling = min(0.5 * 2**attempt, 8.0)
        assert 0.75 * ceiling <= delay <= ceiling
    assert all(0.375 <= delay <= 8.0 for delay in delays)


def test_retry_after_http_date(rt: SimpleNamespace, server: ScriptedServer) -> None:
    when = datetime.now(UTC_ZONE) + timedelta(seconds=5)
    server.reply(503, headers={"Retry-After": format_datetime(when, usegmt=True)})
    server.reply(204)
    client, delays = make_client(rt, server.url)
    client.request("GET", "/items", cast_to=None)
    assert len(delays) == 1
    assert 3.0 < delays[0] <= 5.5


@pytest.mark.parametrize("retry_after", ["120", "-1", "soon"])
def test_unusable_retry_after_falls_back_to_backoff(
    rt: SimpleNamespace, server: ScriptedServer, retry_after: str
) -> None:
    server.reply(429, headers={"Retry-After": retry_after})
    server.reply(204)
    client, delays = make_client(rt, server.url)
    client.request("GET", "/items", cast_to=None)
    assert len(delays) == 1
    assert 0.375 <= delays[0] <= 0.5


def test_client_errors_are_not_retried(rt: SimpleNamespace, server: ScriptedServer) -> None:
    server.reply(400)
    client, delays = make_client(rt, server.url)
    with pytest.raises(rt.exc.BadRequestError):
        client.request("GET", "/items", cast_to=None)
    assert len(server.requests) == 1
    assert delays == []


def test_connection_refused(rt: SimpleNamespace) -> None:
    client, delays = make_client(rt, f"http://127.0.0.1:{free_port()}", max_retries=2)
    with pytest.raises(rt.exc.APIConnectionError) as caught:
        client.request("GET", "/items", cast_to=None)
    assert not isinstance(caught.value, rt.exc.APITimeoutError)
    assert len(delays) == 2
    assert TOKEN not in str(caught.value)


def test_timeout_per_call(rt: SimpleNamespace, server: ScriptedServer) -> None:
    server.reply(200, {"id": 1}, delay=2.0)
    client, _ = make_client(rt, server.url, max_retries=0)
    started = time.monotonic()
    with pytest.raises(rt.exc.APITimeoutError):
        client.request("GET", "/items/1", cast_to=Item, timeout=0.2)
    assert time.monotonic() - started < 1.5


# Safety


def test_token_never_shown(rt: SimpleNamespace, server: ScriptedServer) -> None:
    client, _ = make_client(rt, server.url, max_retries=0)
    server.reply(401, {"message": "Unauthenticated."})
    server.reply(200, b"not json")
    server.reply(200, {"id": 1}, delay=2.0)
    errors: list[Exception] = []
    for timeout in (None, None, 0.2):
        with pytest.raises(rt.exc.APIError) as caught:
            client.request("GET", "/items/1", cast_to=Item, timeout=timeout)
        errors.append(caught.value)
    refused, _ = make_client(rt, f"http://127.0.0.1:{free_port()}", max_retries=0)
    with pytest.raises(rt.exc.APIConnectionError) as caught:
        refused.request("GET", "/items/1", cast_to=Item)
    errors.append(caught.value)

    assert [type(e).__name__ for e in errors] == [
        "AuthenticationError",
        "APIResponseValidationError",
        "APITimeoutError",
        "APIConnectionError",
    ]
    shown = [str(client), repr(client), repr(refused)]
    shown += [text for e in errors for text in (str(e), repr(e), repr(e.request), repr(e.args))]
    assert all(TOKEN not in text for text in shown)
    assert repr(client) == f"SyncAPIClient(base_url={server.url!r})"


@pytest.mark.parametrize("own_http_client", [True, False])
def test_redirects_are_not_followed(
    rt: SimpleNamespace,
    server: ScriptedServer,
    other_server: ScriptedServer,
    own_http_client: bool,
) -> None:
    given = None if own_http_client else httpx.Client(follow_redirects=True)
    server.reply(302, headers={"Location": f"{other_server.url}/steal"})
    client, _ = make_client(rt, server.url, http_client=given)
    with pytest.raises(rt.exc.APIStatusError) as caught:
        client.request("GET", "/items/1", cast_to=Item)
    assert type(caught.value) is rt.exc.APIStatusError
    assert caught.value.status_code == 302
    assert other_server.requests == []
    client.close()
    if given is not None:
        assert not given.is_closed  # a client given by the caller stays open
        given.close()


# Raw responses


def test_raw_response(rt: SimpleNamespace, client: Any, server: ScriptedServer) -> None:
    def get_item(item_id: int) -> Item:
        result: Item = client.request(
            "GET", "/items/{id}", path_params={"id": item_id}, cast_to=Item
        )
        return result

    server.reply(200, {"id": 1}, headers={"X-Request-Id": "req-1"})
    server.reply(200, {"id": 2})
    raw = rt.response.to_raw_response(get_item)(1)
    assert isinstance(raw, rt.response.APIResponse)
    assert raw.status_code == 200
    assert raw.headers["x-request-id"] == "req-1"
    assert raw.json() == {"id": 1}
    assert raw.parse() == Item(id=1)
    assert raw.parse() is raw.parse()
    assert get_item(2) == Item(id=2)  # the raw mode ended with the wrapped call


def test_raw_response_still_raises(
    rt: SimpleNamespace, client: Any, server: ScriptedServer
) -> None:
    server.reply(404, {"message": "No such item."})
    with pytest.raises(rt.exc.NotFoundError):
        rt.response.to_raw_response(client.request)("GET", "/items/1", cast_to=Item)


def test_raw_page(rt: SimpleNamespace, client: Any, server: ScriptedServer) -> None:
    server.reply(200, page_body([1, 2], None))
    raw = rt.response.to_raw_response(list_items)(client)
    page = raw.parse()
    assert isinstance(page, rt.pagination.SyncPage)
    assert [item.id for item in page] == [1, 2]


# Pagination


def test_pagination(rt: SimpleNamespace, client: Any, server: ScriptedServer) -> None:
    server.reply(200, page_body([1, 2], f"{server.url}/items?page=2"))
    server.reply(200, page_body([3, 4], f"{server.url}/items?page=3&extra=yes"))
    server.reply(200, page_body([5], None))
    page = list_items(client, filter="open", page=1)

    assert page.items == [Item(id=1), Item(id=2)]
    assert page.body.meta == {"count": 2}
    assert page.http_response.status_code == 200
    assert page.has_next_page()
    assert [item.id for item in page] == [1, 2, 3, 4, 5]
    assert [r.query for r in server.requests] == [
        [("filter", "open"), ("page", "1")],
        [("filter", "open"), ("page", "2")],
        [("filter", "open"), ("page", "3"), ("extra", "yes")],
    ]
    assert all(r.path.startswith("/items?") for r in server.requests)
    assert all(r.headers["authorization"] == f"Bearer {TOKEN}" for r in server.requests)


def test_last_page(rt: SimpleNamespace, client: Any, server: ScriptedServer) -> None:
    server.reply(200, {"data": [{"id": 1}], "links": {"next": ""}})
    page = list_items(client)
    assert not page.has_next_page()
    assert page.next_url is None
    assert [p.items for p in page.iter_pages()] == [[Item(id=1)]]
    with pytest.raises(rt.exc.APIError, match="no next page"):
        page.get_next_page()


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example/items?page=2", "http://localhost:{port}/items?page=2", "{other}/x"],
)
def test_next_link_to_another_host_is_refused(
    rt: SimpleNamespace,
    client: Any,
    server: ScriptedServer,
    other_server: ScriptedServer,
    next_url: str,
) -> None:
    port = server.url.rsplit(":", 1)[1]
    link = next_url.format(port=port, other=other_server.url)
    server.reply(200, page_body([1], link))
    page = list_items(client)
    with pytest.raises(rt.exc.APIError, match="refusing to follow a next-page link"):
        list(page)
    assert len(server.requests) == 1
    assert other_server.requests == []


# The async client


def test_async_request_and_retries(rt: SimpleNamespace, server: ScriptedServer) -> None:
    server.reply(500)
    server.reply(429, headers={"Retry-After": "0"})
    server.reply(200, {"id": 1})

    async def scenario() -> tuple[Any, list[float]]:
        client, delays = make_async_client(rt, server.url)
        async with client:
            result = await client.request("POST", "/items", json_body={"name": "one"}, cast_to=Item)
        return result, delays

    result, delays = asyncio.run(scenario())
    assert result == Item(id=1)
    assert len(server.requests) == 3
    assert 0.375 <= delays[0] <= 0.5
    assert delays[1] == 0.0
    last = server.requests[-1]
    assert last.body == b'{"name":"one"}'
    assert last.headers["authorization"] == f"Bearer {TOKEN}"
    assert last.headers["content-type"] == "application/json"


def test_async_errors(rt: SimpleNamespace, server: ScriptedServer) -> None:
    server.reply(422, {"message": "Invalid.", "errors": {"name": ["Required."]}})

    async def scenario() -> None:
        client, _ = make_async_client(rt, server.url, max_retries=0)
        async with client:
            await client.request("POST", "/items", json_body={}, cast_to=Item)

    with pytest.raises(rt.exc.UnprocessableEntityError) as caught:
        asyncio.run(scenario())
    assert caught.value.errors == {"name": ["Required."]}


def test_async_timeout(rt: SimpleNamespace, server: ScriptedServer) -> None:
    server.reply(200, {"id": 1}, delay=2.0)

    async def scenario() -> None:
        client, _ = make_async_client(rt, server.url, max_retries=0, timeout=0.2)
        async with client:
            await client.request("GET", "/items/1", cast_to=Item)

    started = time.monotonic()
    with pytest.raises(rt.exc.APITimeoutError):
        asyncio.run(scenario())
    assert time.monotonic() - started < 1.5


def test_async_pagination(rt: SimpleNamespace, server: ScriptedServer) -> None:
    server.reply(200, page_body([1, 2], f"{server.url}/items?page=2"))
    server.reply(200, page_body([3], f"{server.url}/items?page=3"))
    server.reply(200, page_body([4], None))
    server.reply(200, page_body([3], f"{server.url}/items?page=3"))
    server.reply(200, page_body([4], None))

    async def scenario() -> tuple[list[int], list[int]]:
        client, _ = make_async_client(rt, server.url)
        async with client:
            page = await list_items(client, filter="open")
            ids = [item.id async for item in page]
            sizes = [len(p.items) async for p in page.iter_pages()]
        return ids, sizes

    ids, sizes = asyncio.run(scenario())
    assert ids == [1, 2, 3, 4]
    assert sizes == [2, 1, 1]  # the second walk fetched the pages again
    assert [r.query for r in server.requests[:3]] == [
        [("filter", "open")],
        [("filter", "open"), ("page", "2")],
        [("filter", "open"), ("page", "3")],
    ]


def test_async_next_link_to_another_host_is_refused(
    rt: SimpleNamespace, server: ScriptedServer
) -> None:
    server.reply(200, page_body([1], "https://evil.example/items?page=2"))

    async def scenario() -> None:
        client, _ = make_async_client(rt, server.url)
        async with client:
            page = await list_items(client)
            await page.get_next_page()

    with pytest.raises(rt.exc.APIError, match="another host"):
        asyncio.run(scenario())


def test_async_raw_response(rt: SimpleNamespace, server: ScriptedServer) -> None:
    server.reply(201, {"id": 9}, headers={"X-Request-Id": "req-9"})

    async def scenario() -> Any:
        client, _ = make_async_client(rt, server.url)
        async with client:

            async def create_item() -> Item:
                result: Item = await client.request("POST", "/items", json_body={}, cast_to=Item)
                return result

            return await rt.response.async_to_raw_response(create_item)()

    raw = asyncio.run(scenario())
    assert isinstance(raw, rt.response.AsyncAPIResponse)
    assert raw.status_code == 201
    assert raw.headers["x-request-id"] == "req-9"
    assert raw.parse() == Item(id=9)

"""The HTTP engine behind every generated client, in a sync and an async flavour.

`BaseClient` holds everything that does no I/O: building URLs, headers and bodies,
deciding on retries and following page links. `SyncAPIClient` and `AsyncAPIClient`
add the sending, the sleeping between retries and the closing.

Safety rules kept throughout: redirects are never followed, and the auth headers only
ever go to the origin of `base_url`; they never appear in a repr or an exception.
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date
from enum import Enum
from types import TracebackType
from typing import Any, Generic, TypeVar, cast, overload
from uuid import UUID

import httpx
import pydantic

from ._exceptions import APIConnectionError, APIError, APITimeoutError, make_status_error
from ._pagination import AsyncPage, PageSpec, SyncPage
from ._response import APIResponse, AsyncAPIResponse, parse_response, take_raw_response_flag
from ._types import NOT_GIVEN, Headers, NotGiven, Timeout
from ._wire import (
    build_path,
    date_text,
    dump_json,
    encode_query,
    is_sent,
    merge_query,
    retry_delay,
    to_text,
)

__all__ = [
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "RUNTIME_VERSION",
    "AsyncAPIClient",
    "BaseClient",
    "RequestOptions",
    "SyncAPIClient",
    "build_path",
    "encode_json",
    "encode_query",
    "to_jsonable",
]

RUNTIME_VERSION = "0.1.0"
USER_AGENT = f"sdkgen-python/{RUNTIME_VERSION}"

DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=5.0)
DEFAULT_MAX_RETRIES = 2

T = TypeVar("T")
ItemT = TypeVar("ItemT")
_HttpxClientT = TypeVar("_HttpxClientT", httpx.Client, httpx.AsyncClient)
_SyncClientT = TypeVar("_SyncClientT", bound="SyncAPIClient")
_AsyncClientT = TypeVar("_AsyncClientT", bound="AsyncAPIClient")

_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class RequestOptions:
    """One fully prepared request: what is sent, and resent on each retry."""

    method: str
    url: httpx.URL | str
    """Absolute URL without a query string; the query is kept apart in `query`."""
    query: tuple[tuple[str, str], ...]
    headers: httpx.Headers
    content: bytes | None
    timeout: Timeout


class BaseClient(Generic[_HttpxClientT]):
    """What the sync and async clients share; nothing here does I/O."""

    base_url: str
    timeout: Timeout
    max_retries: int
    _http_client: _HttpxClientT
    _owns_http_client: bool

    def __init__(
        self,
        *,
        base_url: str,
        timeout: Timeout,
        max_retries: int,
        default_headers: Mapping[str, str] | None,
        auth_headers: Mapping[str, str] | None,
        http_client: _HttpxClientT | None,
        new_http_client: type[_HttpxClientT],
    ) -> None:
        url = httpx.URL(base_url)
        if url.scheme not in _DEFAULT_PORTS or not url.host:
            raise ValueError(f"base_url must be an absolute http(s) URL, got {base_url!r}")
        if max_retries < 0:
            raise ValueError(f"max_retries must be 0 or more, got {max_retries}")
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.max_retries = max_retries
        self._default_headers = dict(default_headers or {})
        self._auth_headers = dict(auth_headers or {})
        self._owns_http_client = http_client is None
        self._http_client = (
            new_http_client(follow_redirects=False) if http_client is None else http_client
        )

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r})"

    def _build_options(
        self,
        method: str,
        path: str,
        *,
        path_params: Mapping[str, object] | None,
        query: Mapping[str, object] | None,
        headers: Mapping[str, object] | None,
        json_body: object,
        timeout: Timeout | NotGiven,
        extra_headers: Headers | None,
    ) -> RequestOptions:
        """Turn the arguments of `request()` into a ready-to-send `RequestOptions`."""
        has_body = not isinstance(json_body, NotGiven)
        return RequestOptions(
            method=method.upper(),
            url=self.base_url + build_path(path, path_params or {}),
            query=encode_query(query or {}),
            headers=self._merge_headers(headers or {}, extra_headers or {}, has_body=has_body),
            content=encode_json(json_body) if has_body else None,
            timeout=self.timeout if isinstance(timeout, NotGiven) else timeout,
        )

    def _merge_headers(
        self,
        headers: Mapping[str, object],
        extra_headers: Headers,
        *,
        has_body: bool,
    ) -> httpx.Headers:
        """Layer the headers, later layers winning: SDK, defaults, auth, operation, extra.

        Operation headers are encoded like query values; `None` and `NOT_GIVEN` are left out.
        """
        merged = httpx.Headers({"Accept": "application/json", "User-Agent": USER_AGENT})
        if has_body:
            merged["Content-Type"] = "application/json"
        given = {name: to_text(value) for name, value in headers.items() if is_sent(value)}
        for layer in (self._default_headers, self._auth_headers, given, extra_headers):
            merged.update(layer)
        return merged

    def _build_request(self, options: RequestOptions) -> httpx.Request:
        return self._http_client.build_request(
            options.method,
            options.url,
            params=options.query,
            headers=options.headers,
            content=options.content,
            timeout=options.timeout,
        )

    def _retry_delay(self, attempt: int, response: httpx.Response | None) -> float | None:
        """Seconds to wait before retrying, or `None` when the outcome is final.

        `attempt` counts the retries already made; `response` is `None` after a
        transport error (a timeout or a failed connection), which is always retryable.
        """
        if response is None:
            return retry_delay(attempt, self.max_retries, None, None)
        retry_after = response.headers.get("Retry-After")
        return retry_delay(attempt, self.max_retries, response.status_code, retry_after)

    @staticmethod
    def _raise_for_status(response: httpx.Response) -> None:
        """Raise the matching `APIStatusError` unless the status is 2xx (so 3xx raises too)."""
        if not response.is_success:
            raise make_status_error(response)

    def _options_for_link(self, options: RequestOptions, link: str) -> RequestOptions:
        """Options to GET a next-page link, keeping the original query, headers and timeout.

        The link's own query parameters win over the original ones. A link to another
        origin is refused, so that the auth headers never leave the API's host.
        """
        url = httpx.URL(options.url).join(link)
        if _origin(url) != _origin(httpx.URL(self.base_url)):
            raise APIError("refusing to follow a next-page link to another host")
        headers = options.headers.copy()
        headers.pop("Content-Type", None)
        return replace(
            options,
            method="GET",
            url=url.copy_with(query=None, fragment=None),
            query=merge_query(options.query, url.params.multi_items()),
            headers=headers,
            content=None,
        )


class SyncAPIClient(BaseClient[httpx.Client]):
    """Sends requests with a blocking `httpx.Client`."""

    _sleep = staticmethod(time.sleep)
    """How retries wait; replaceable in tests."""

    def __init__(
        self,
        *,
        base_url: str,
        timeout: Timeout = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        auth_headers: Mapping[str, str] | None = None,
        http_client: httpx.Client | None = None,
    ) -> None:
        """Create a client; an `http_client` given here is used as is and never closed."""
        super().__init__(
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            auth_headers=auth_headers,
            http_client=http_client,
            new_http_client=httpx.Client,
        )

    def close(self) -> None:
        """Close the HTTP connections, unless the `httpx.Client` was given by the caller."""
        if self._owns_http_client:
            self._http_client.close()

    def __enter__(self: _SyncClientT) -> _SyncClientT:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # The `None` overload lets a generated `-> None` method `return` the call: from
    # `type[T] | Any` alone, mypy cannot tell that `cast_to=None` gives `None`.
    @overload
    def request(
        self,
        method: str,
        path: str,
        *,
        path_params: Mapping[str, object] | None = ...,
        query: Mapping[str, object] | None = ...,
        headers: Mapping[str, object] | None = ...,
        json_body: object = ...,
        cast_to: None,
        timeout: Timeout | NotGiven = ...,
        extra_headers: Headers | None = ...,
    ) -> None: ...

    @overload
    def request(
        self,
        method: str,
        path: str,
        *,
        path_params: Mapping[str, object] | None = ...,
        query: Mapping[str, object] | None = ...,
        headers: Mapping[str, object] | None = ...,
        json_body: object = ...,
        cast_to: type[T] | Any,
        timeout: Timeout | NotGiven = ...,
        extra_headers: Headers | None = ...,
    ) -> T: ...

    def request(
        self,
        method: str,
        path: str,
        *,
        path_params: Mapping[str, object] | None = None,
        query: Mapping[str, object] | None = None,
        headers: Mapping[str, object] | None = None,
        json_body: object = NOT_GIVEN,
        cast_to: Any,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
    ) -> Any:
        """Send a request and return its body validated as `cast_to` (`None`: no body).

        Under `to_raw_response`, return an `APIResponse` instead. Raises `APIStatusError`
        for a non-2xx status and `APIConnectionError` when the server is unreachable.
        """
        raw = take_raw_response_flag()
        options = self._build_options(
            method,
            path,
            path_params=path_params,
            query=query,
            headers=headers,
            json_body=json_body,
            timeout=timeout,
            extra_headers=extra_headers,
        )
        response = self._send(options)
        parser = functools.partial(parse_response, cast_to=cast_to)
        return APIResponse(response, parser) if raw else parser(response)

    def request_page(
        self,
        method: str,
        path: str,
        *,
        path_params: Mapping[str, object] | None = None,
        query: Mapping[str, object] | None = None,
        headers: Mapping[str, object] | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        page_type: type[Any],
        item_type: type[ItemT],
        items_path: tuple[str, ...],
        next_url_path: tuple[str, ...],
    ) -> SyncPage[ItemT]:
        """Fetch the first page of a list; the page fetches the following ones itself."""
        raw = take_raw_response_flag()
        options = self._build_options(
            method,
            path,
            path_params=path_params,
            query=query,
            headers=headers,
            json_body=NOT_GIVEN,
            timeout=timeout,
            extra_headers=extra_headers,
        )
        spec = PageSpec(page_type, item_type, items_path, next_url_path)
        response = self._send(options)
        parser = functools.partial(self._make_page, options, spec)
        if raw:
            return cast(SyncPage[ItemT], APIResponse(response, parser))
        return parser(response)

    def _fetch_page(self, options: RequestOptions, spec: PageSpec[ItemT]) -> SyncPage[ItemT]:
        return self._make_page(options, spec, self._send(options))

    def _make_page(
        self, options: RequestOptions, spec: PageSpec[ItemT], response: httpx.Response
    ) -> SyncPage[ItemT]:
        return SyncPage(client=self, options=options, response=response, spec=spec)

    def _receive(self, request: httpx.Request, seconds: float | None) -> httpx.Response:
        """One exchange, its body read whole; a body still arriving after `seconds` is a
        timeout (a slow server sending headers is bounded by each read's own timeout)."""
        deadline = None if seconds is None else time.monotonic() + seconds
        response = self._http_client.send(request, follow_redirects=False, stream=True)
        try:
            if deadline is not None and isinstance(response.stream, httpx.SyncByteStream):
                response.stream = _DeadlineStream(response.stream, deadline, request)
            response.read()
        finally:
            response.close()
        return response

    def _send(self, options: RequestOptions) -> httpx.Response:
        """Send, retrying as `_retry_delay` decides; return a 2xx response or raise."""
        request = self._build_request(options)
        attempt = 0
        while True:
            try:
                response = self._receive(request, _total_seconds(options.timeout))
            except httpx.TransportError as error:
                delay = self._retry_delay(attempt, None)
                if delay is None:
                    raise _connection_error(error, request) from error
            else:
                delay = self._retry_delay(attempt, response)
                if delay is None:
                    self._raise_for_status(response)
                    return response
                response.close()
            self._sleep(delay)
            attempt += 1


class AsyncAPIClient(BaseClient[httpx.AsyncClient]):
    """Sends requests with an `httpx.AsyncClient`."""

    _sleep = staticmethod(asyncio.sleep)
    """How retries wait; replaceable in tests."""

    def __init__(
        self,
        *,
        base_url: str,
        timeout: Timeout = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        auth_headers: Mapping[str, str] | None = None,
        http_client: httpx.AsyncClient | None = None,
    ) -> None:
        """Create a client; an `http_client` given here is used as is and never closed."""
        super().__init__(
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            auth_headers=auth_headers,
            http_client=http_client,
            new_http_client=httpx.AsyncClient,
        )

    async def aclose(self) -> None:
        """Close the HTTP connections, unless the `httpx.AsyncClient` was given by the caller."""
        if self._owns_http_client:
            await self._http_client.aclose()

    async def __aenter__(self: _AsyncClientT) -> _AsyncClientT:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    @overload  # see `SyncAPIClient.request` for why there are two overloads
    async def request(
        self,
        method: str,
        path: str,
        *,
        path_params: Mapping[str, object] | None = ...,
        query: Mapping[str, object] | None = ...,
        headers: Mapping[str, object] | None = ...,
        json_body: object = ...,
        cast_to: None,
        timeout: Timeout | NotGiven = ...,
        extra_headers: Headers | None = ...,
    ) -> None: ...

    @overload
    async def request(
        self,
        method: str,
        path: str,
        *,
        path_params: Mapping[str, object] | None = ...,
        query: Mapping[str, object] | None = ...,
        headers: Mapping[str, object] | None = ...,
        json_body: object = ...,
        cast_to: type[T] | Any,
        timeout: Timeout | NotGiven = ...,
        extra_headers: Headers | None = ...,
    ) -> T: ...

    async def request(
        self,
        method: str,
        path: str,
        *,
        path_params: Mapping[str, object] | None = None,
        query: Mapping[str, object] | None = None,
        headers: Mapping[str, object] | None = None,
        json_body: object = NOT_GIVEN,
        cast_to: Any,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
    ) -> Any:
        """Send a request and return its body validated as `cast_to` (`None`: no body).

        Under `async_to_raw_response`, return an `AsyncAPIResponse` instead. Raises
        `APIStatusError` for a non-2xx status and `APIConnectionError` when the server
        is unreachable.
        """
        raw = take_raw_response_flag()
        options = self._build_options(
            method,
            path,
            path_params=path_params,
            query=query,
            headers=headers,
            json_body=json_body,
            timeout=timeout,
            extra_headers=extra_headers,
        )
        response = await self._send(options)
        parser = functools.partial(parse_response, cast_to=cast_to)
        return AsyncAPIResponse(response, parser) if raw else parser(response)

    async def request_page(
        self,
        method: str,
        path: str,
        *,
        path_params: Mapping[str, object] | None = None,
        query: Mapping[str, object] | None = None,
        headers: Mapping[str, object] | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        page_type: type[Any],
        item_type: type[ItemT],
        items_path: tuple[str, ...],
        next_url_path: tuple[str, ...],
    ) -> AsyncPage[ItemT]:
        """Fetch the first page of a list; the page fetches the following ones itself."""
        raw = take_raw_response_flag()
        options = self._build_options(
            method,
            path,
            path_params=path_params,
            query=query,
            headers=headers,
            json_body=NOT_GIVEN,
            timeout=timeout,
            extra_headers=extra_headers,
        )
        spec = PageSpec(page_type, item_type, items_path, next_url_path)
        response = await self._send(options)
        parser = functools.partial(self._make_page, options, spec)
        if raw:
            return cast(AsyncPage[ItemT], AsyncAPIResponse(response, parser))
        return parser(response)

    async def _fetch_page(self, options: RequestOptions, spec: PageSpec[ItemT]) -> AsyncPage[ItemT]:
        return self._make_page(options, spec, await self._send(options))

    def _make_page(
        self, options: RequestOptions, spec: PageSpec[ItemT], response: httpx.Response
    ) -> AsyncPage[ItemT]:
        return AsyncPage(client=self, options=options, response=response, spec=spec)

    async def _send(self, options: RequestOptions) -> httpx.Response:
        """Send, retrying as `_retry_delay` decides; return a 2xx response or raise."""
        request = self._build_request(options)
        attempt = 0
        while True:
            try:
                # The whole exchange, however slowly the server drips it, within the timeout.
                response = await asyncio.wait_for(
                    self._http_client.send(request, follow_redirects=False),
                    _total_seconds(options.timeout),
                )
            except asyncio.TimeoutError:
                delay = self._retry_delay(attempt, None)
                if delay is None:
                    raise APITimeoutError(request) from None
            except httpx.TransportError as error:
                delay = self._retry_delay(attempt, None)
                if delay is None:
                    raise _connection_error(error, request) from error
            else:
                delay = self._retry_delay(attempt, response)
                if delay is None:
                    self._raise_for_status(response)
                    return response
                await response.aclose()
            await self._sleep(delay)
            attempt += 1


# Encoding requests


def to_jsonable(value: object) -> object:
    """Turn a request body into plain JSON data, keeping the key order it was given in.

    `NOT_GIVEN` entries are left out of objects; `None` stays, as JSON `null`.
    """
    if isinstance(value, pydantic.BaseModel):
        return value.model_dump(mode="json", by_alias=True, exclude_unset=True)
    if isinstance(value, Mapping):
        return {
            key: to_jsonable(item) for key, item in value.items() if not isinstance(item, NotGiven)
        }
    if isinstance(value, list | tuple):
        return [to_jsonable(item) for item in value]
    if isinstance(value, Enum):
        return to_jsonable(value.value)
    if isinstance(value, date):  # datetime included
        return date_text(value)
    if isinstance(value, UUID):
        return str(value)
    if value is None or isinstance(value, str | int | float):
        return value
    raise TypeError(f"Cannot send a {type(value).__name__} as JSON")


def encode_json(value: object) -> bytes:
    """The compact UTF-8 JSON text of a request body."""
    return dump_json(to_jsonable(value))


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    return url.scheme, url.host, url.port or _DEFAULT_PORTS.get(url.scheme)


# Sending


def _total_seconds(timeout: Timeout) -> float | None:
    """How long a whole exchange may take: the number given, or an `httpx.Timeout`'s `read`.

    httpx's own timeouts bound each network operation, so a server that sends one byte
    every few seconds would otherwise keep a call going for as long as it likes.
    """
    return timeout.read if isinstance(timeout, httpx.Timeout) else timeout


class _DeadlineStream(httpx.SyncByteStream):
    """A response body that must have arrived by `deadline` (a `time.monotonic()` value)."""

    def __init__(self, stream: httpx.SyncByteStream, deadline: float, request: httpx.Request):
        self._stream = stream
        self._deadline = deadline
        self._request = request

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._stream:
            if time.monotonic() > self._deadline:
                raise httpx.ReadTimeout("the response did not arrive in time", request=self._request)
            yield chunk

    def close(self) -> None:
        self._stream.close()


def _connection_error(error: httpx.TransportError, request: httpx.Request) -> APIConnectionError:
    """The SDK error for a transport failure; its message never holds request headers."""
    if isinstance(error, httpx.TimeoutException):
        return APITimeoutError(request)
    detail = str(error)
    message = f"Connection error: {detail}" if detail else "Connection error."
    return APIConnectionError(message, request=request)

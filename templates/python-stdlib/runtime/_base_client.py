"""The HTTP engine behind the generated client, on `urllib.request` alone.

Safety rules kept throughout: redirects are never followed (a 3xx answer raises
`APIStatusError`), next-page links are only followed to the origin of `base_url`, so the
auth headers never go to another host; and they never appear in a repr or an exception.
"""

from __future__ import annotations

import http.client
import ssl
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from types import TracebackType
from typing import IO, Any, TypeVar, overload
from urllib.parse import parse_qsl, quote, urlencode, urljoin, urlsplit, urlunsplit

from ._codec import to_json
from ._exceptions import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    make_status_error,
)
from ._pagination import Page, PageSpec
from ._parse import decode_body
from ._response import Response
from ._types import UNSET, Headers, Timeout, Unset
from ._wire import (
    backoff_delay,
    build_path,
    dump_json,
    encode_query,
    is_sent,
    merge_query,
    parse_retry_after,
    retry_delay,
    to_text,
)

__all__ = [
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "RUNTIME_VERSION",
    "APIClient",
    "RequestOptions",
    "backoff_delay",
    "build_path",
    "encode_json",
    "encode_query",
    "parse_retry_after",
]

RUNTIME_VERSION = "0.1.0"
USER_AGENT = f"sdkgen-python-stdlib/{RUNTIME_VERSION}"

DEFAULT_TIMEOUT: Timeout = 60.0
DEFAULT_MAX_RETRIES = 2

T = TypeVar("T")
ItemT = TypeVar("ItemT")
_ClientT = TypeVar("_ClientT", bound="APIClient")

_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class RequestOptions:
    """One fully prepared request: what is sent, and resent on each retry."""

    method: str
    url: str
    """Absolute URL without a query string; the query is kept apart in `query`."""
    query: tuple[tuple[str, str], ...]
    headers: Mapping[str, str] = field(repr=False)
    """Header names as given; the auth headers are among them, hence no repr."""
    content: bytes | None = field(repr=False)
    timeout: Timeout

    @property
    def full_url(self) -> str:
        if not self.query:
            return self.url
        return f"{self.url}?{urlencode(self.query, quote_via=quote)}"


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    """Never follow a redirect: urllib then reports the 3xx answer as an error response."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: http.client.HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        return None


def _build_opener() -> urllib.request.OpenerDirector:
    """An opener with only what HTTP(S) needs: no redirects, no file:, ftp: or data: URLs."""
    opener = urllib.request.OpenerDirector()
    handlers: tuple[urllib.request.BaseHandler, ...] = (
        urllib.request.ProxyHandler(),  # honours the *_proxy environment variables
        urllib.request.UnknownHandler(),
        urllib.request.HTTPHandler(),
        urllib.request.HTTPSHandler(context=ssl.create_default_context()),
        urllib.request.HTTPDefaultErrorHandler(),
        _RefuseRedirects(),
        urllib.request.HTTPErrorProcessor(),
    )
    for handler in handlers:
        opener.add_handler(handler)
    return opener


class APIClient:
    """Sends requests, retries them, and turns answers into values or exceptions."""

    base_url: str
    timeout: Timeout
    max_retries: int

    def __init__(
        self,
        *,
        base_url: str,
        timeout: Timeout = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        auth_headers: Mapping[str, str] | None = None,
        auth_query: Mapping[str, str] | None = None,
    ) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
            raise ValueError(f"base_url must be an absolute http(s) URL, got {base_url!r}")
        if parts.query or parts.fragment:
            raise ValueError("base_url cannot have a query string or a fragment")
        if max_retries < 0:
            raise ValueError(f"max_retries must be 0 or more, got {max_retries}")
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.max_retries = max_retries
        self._default_headers = dict(default_headers or {})
        self._auth_headers = dict(auth_headers or {})
        self._auth_query = tuple((auth_query or {}).items())
        self._opener = _build_opener()
        self._sleep: Callable[[float], None] = time.sleep
        """How retries wait; replaceable in tests."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r})"

    def close(self) -> None:
        """Release resources. urllib keeps no connection open between requests, so this
        only exists for symmetry with the context manager."""

    def __enter__(self: _ClientT) -> _ClientT:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # The `None` overload lets a generated `-> None` method `return` the call.
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
        cast: None,
        extra_headers: Headers | None = ...,
        timeout: Timeout | Unset = ...,
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
        cast: Callable[[Any], T],
        extra_headers: Headers | None = ...,
        timeout: Timeout | Unset = ...,
    ) -> T: ...

    def request(
        self,
        method: str,
        path: str,
        *,
        path_params: Mapping[str, object] | None = None,
        query: Mapping[str, object] | None = None,
        headers: Mapping[str, object] | None = None,
        json_body: object = UNSET,
        cast: Callable[[Any], Any] | None,
        extra_headers: Headers | None = None,
        timeout: Timeout | Unset = UNSET,
    ) -> Any:
        """Send a request and return its body decoded by `cast` (`None`: no body).

        Raises `APIStatusError` for a non-2xx status, `APIConnectionError` when the server
        cannot be reached and `APIResponseValidationError` when the body does not fit.
        """
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
        if cast is None:
            return None
        return decode_body(response, cast)

    def request_page(
        self,
        method: str,
        path: str,
        *,
        path_params: Mapping[str, object] | None = None,
        query: Mapping[str, object] | None = None,
        headers: Mapping[str, object] | None = None,
        page_cast: Callable[[Any], Any],
        item_cast: Callable[[Any], ItemT],
        items_path: tuple[str, ...],
        next_url_path: tuple[str, ...],
        extra_headers: Headers | None = None,
        timeout: Timeout | Unset = UNSET,
    ) -> Page[ItemT]:
        """Fetch the first page of a list; the page fetches the following ones itself."""
        options = self._build_options(
            method,
            path,
            path_params=path_params,
            query=query,
            headers=headers,
            json_body=UNSET,
            timeout=timeout,
            extra_headers=extra_headers,
        )
        spec = PageSpec(page_cast, item_cast, items_path, next_url_path)
        return self._fetch_page(options, spec)

    def _fetch_page(self, options: RequestOptions, spec: PageSpec[ItemT]) -> Page[ItemT]:
        response = self._send(options)
        return Page(
            response=response,
            spec=spec,
            fetch_next=lambda link: self._fetch_page(self._options_for_link(options, link), spec),
        )

    # Building requests

    def _build_options(
        self,
        method: str,
        path: str,
        *,
        path_params: Mapping[str, object] | None,
        query: Mapping[str, object] | None,
        headers: Mapping[str, object] | None,
        json_body: object,
        timeout: Timeout | Unset,
        extra_headers: Headers | None,
    ) -> RequestOptions:
        has_body = not isinstance(json_body, Unset)
        return RequestOptions(
            method=method.upper(),
            url=self.base_url + build_path(path, path_params or {}),
            query=encode_query(query or {}) + self._auth_query,
            headers=self._merge_headers(headers or {}, extra_headers or {}, has_body=has_body),
            content=encode_json(json_body) if has_body else None,
            timeout=self.timeout if isinstance(timeout, Unset) else timeout,
        )

    def _merge_headers(
        self, headers: Mapping[str, object], extra_headers: Headers, *, has_body: bool
    ) -> dict[str, str]:
        """Layer the headers, later layers winning (names compared without case): SDK,
        defaults, auth, operation, extra. `None` and `UNSET` operation headers are left out."""
        merged: dict[str, tuple[str, str]] = {}
        base = {"Accept": "application/json", "User-Agent": USER_AGENT}
        if has_body:
            base["Content-Type"] = "application/json"
        given = {name: to_text(value) for name, value in headers.items() if is_sent(value)}
        for layer in (base, self._default_headers, self._auth_headers, given, extra_headers):
            for name, value in layer.items():
                merged[name.lower()] = (name, value)
        return dict(merged.values())

    def _options_for_link(self, options: RequestOptions, link: str) -> RequestOptions:
        """Options to GET a next-page link, keeping the original query, headers and timeout.

        The link's own query parameters win over the original ones. A link to another
        origin is refused, so that the auth headers never leave the API's host.
        """
        target = urlsplit(urljoin(options.url, link))
        if _origin(target.geturl()) != _origin(self.base_url):
            raise APIError("refusing to follow a next-page link to another host")
        overrides = parse_qsl(target.query, keep_blank_values=True)
        headers = {k: v for k, v in options.headers.items() if k.lower() != "content-type"}
        return replace(
            options,
            method="GET",
            url=urlunsplit((target.scheme, target.netloc, target.path, "", "")),
            query=merge_query(options.query, overrides),
            headers=headers,
            content=None,
        )

    # Sending

    def _send(self, options: RequestOptions) -> Response:
        """Send, retrying as `_retry_delay` decides; return a 2xx response or raise."""
        attempt = 0
        while True:
            try:
                response = self._send_once(options)
            except APIConnectionError:
                delay = self._retry_delay(attempt, None)
                if delay is None:
                    raise
            else:
                delay = self._retry_delay(attempt, response)
                if delay is None:
                    if not response.is_success:
                        raise make_status_error(response)
                    return response
            self._sleep(delay)
            attempt += 1

    def _send_once(self, options: RequestOptions) -> Response:
        """One HTTP exchange; any answer is a `Response`, any failure an `APIConnectionError`."""
        url = options.full_url
        request = urllib.request.Request(
            url, data=options.content, headers=dict(options.headers), method=options.method
        )
        deadline = None if options.timeout is None else time.monotonic() + options.timeout
        try:
            try:
                raw = self._opener.open(request, timeout=options.timeout)
            except urllib.error.HTTPError as answer:  # a non-2xx answer (3xx included)
                with answer:
                    content = _read_body(answer, deadline)
                return Response(
                    answer.code, answer.reason, answer.headers, content, options.method, url
                )
            with raw:
                content = _read_body(raw, deadline)
                return Response(raw.status, raw.reason, raw.headers, content, options.method, url)
        except TimeoutError:
            raise APITimeoutError() from None
        except urllib.error.URLError as error:
            if isinstance(error.reason, TimeoutError):
                raise APITimeoutError() from None
            raise APIConnectionError(f"Connection error: {error.reason}") from None
        except (OSError, http.client.HTTPException) as error:
            detail = str(error) or type(error).__name__
            raise APIConnectionError(f"Connection error: {detail}") from None

    def _retry_delay(self, attempt: int, response: Response | None) -> float | None:
        """Seconds to wait before retrying, or `None` when the outcome is final.

        `attempt` counts the retries already made; `response` is `None` after a
        connection error or a timeout, which is always retryable.
        """
        if response is None:
            return retry_delay(attempt, self.max_retries, None, None)
        retry_after = response.headers.get("Retry-After")
        return retry_delay(attempt, self.max_retries, response.status_code, retry_after)


def _read_body(answer: Any, deadline: float | None) -> bytes:
    """The whole body, as it arrives: the timeout bounds each read, and the deadline the
    body as a whole, so a server that sends one byte every few seconds cannot stall a call
    (a slow server sending headers is bounded by each read's own timeout)."""
    chunks = []
    while chunk := answer.read1(65536):
        chunks.append(chunk)
        if deadline is not None and time.monotonic() > deadline:
            raise TimeoutError
    missing = getattr(answer, "length", None)
    if missing:  # the connection closed before the Content-Length promised
        raise http.client.IncompleteRead(b"".join(chunks), missing)
    return b"".join(chunks)


# Encoding requests


def encode_json(value: object) -> bytes:
    """The compact UTF-8 JSON text of a request body (`UNSET` members left out)."""
    return dump_json(to_json(value))


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), parts.port or _DEFAULT_PORTS.get(scheme)

"""Response parsing, and raw responses for callers who want the HTTP details.

`to_raw_response` wraps a resource method so that it returns an `APIResponse` (the
status, headers and body) instead of the parsed value; `.parse()` still gives the value.
"""

from __future__ import annotations

import contextvars
import functools
import json
from collections.abc import Awaitable, Callable
from typing import Any, Generic, ParamSpec, TypeVar

import httpx
import pydantic

from ._exceptions import APIResponseValidationError

__all__ = [
    "APIResponse",
    "AsyncAPIResponse",
    "async_to_raw_response",
    "decode_json",
    "parse_response",
    "to_raw_response",
    "validate_as",
]

T = TypeVar("T")
P = ParamSpec("P")
R = TypeVar("R")

Parser = Callable[[httpx.Response], T]
"""Turns a successful, fully read response into the value a method returns."""


class _BaseAPIResponse(Generic[T]):
    """A successful HTTP response whose body is parsed only when asked."""

    http_response: httpx.Response

    def __init__(self, http_response: httpx.Response, parser: Parser[T]) -> None:
        self.http_response = http_response
        self._parser = parser
        self._parsed: tuple[T] | None = None

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers

    @property
    def text(self) -> str:
        return self.http_response.text

    def json(self) -> Any:
        """The body decoded as JSON, without validation."""
        return self.http_response.json()

    def parse(self) -> T:
        """The value the wrapped method would have returned; parsed once, then cached."""
        if self._parsed is None:
            self._parsed = (self._parser(self.http_response),)
        return self._parsed[0]

    def __repr__(self) -> str:
        response = self.http_response
        return (
            f"<{type(self).__name__} [{response.status_code} {response.reason_phrase}]"
            f" {response.request.method} {response.url}>"
        )


class APIResponse(_BaseAPIResponse[T]):
    """The raw response of a synchronous call."""


class AsyncAPIResponse(_BaseAPIResponse[T]):
    """The raw response of an asynchronous call; the body is already read, so `parse()` is
    synchronous."""


_raw_response_requested = contextvars.ContextVar("_raw_response_requested", default=False)


def take_raw_response_flag() -> bool:
    """Tell whether the current call wants a raw response, and clear the request.

    Clearing it means that only the first request of a wrapped call is affected.
    """
    if not _raw_response_requested.get():
        return False
    _raw_response_requested.set(False)
    return True


def to_raw_response(func: Callable[P, R]) -> Callable[P, APIResponse[R]]:
    """Make a synchronous resource method return its `APIResponse` instead of its value."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> APIResponse[R]:
        token = _raw_response_requested.set(True)
        try:
            result = func(*args, **kwargs)
        finally:
            _raw_response_requested.reset(token)
        if not isinstance(result, APIResponse):
            raise TypeError(f"{func.__qualname__} did not make a request to wrap")
        return result

    return wrapper


def async_to_raw_response(
    func: Callable[P, Awaitable[R]],
) -> Callable[P, Awaitable[AsyncAPIResponse[R]]]:
    """Make an asynchronous resource method return its `AsyncAPIResponse`."""

    @functools.wraps(func)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> AsyncAPIResponse[R]:
        token = _raw_response_requested.set(True)
        try:
            result = await func(*args, **kwargs)
        finally:
            _raw_response_requested.reset(token)
        if not isinstance(result, AsyncAPIResponse):
            raise TypeError(f"{func.__qualname__} did not make a request to wrap")
        return result

    return wrapper


def parse_response(response: httpx.Response, cast_to: Any) -> Any:
    """Decode and validate a successful response body as `cast_to` (`None`: ignore it)."""
    if cast_to is None or cast_to is type(None):
        return None
    try:
        # One pass in pydantic-core: JSON parsing and validation together.
        return _type_adapter(cast_to).validate_json(response.content, by_alias=True, by_name=False)
    except pydantic.ValidationError:
        pass  # say what is wrong: not JSON at all (decode_json raises), or not the JSON expected
    return validate_as(cast_to, decode_json(response), response)


def decode_json(response: httpx.Response) -> Any:
    """The body as JSON, or `APIResponseValidationError` when it is not JSON."""
    try:
        return json.loads(response.content)
    except ValueError as error:
        raise APIResponseValidationError(
            "Response body is not valid JSON.", response=response, body=response.text
        ) from error


def validate_as(target: Any, data: object, response: httpx.Response) -> Any:
    """Validate decoded JSON as `target`, or raise `APIResponseValidationError`.

    Members are read by their JSON names only: a member that the spec does not list but that
    is spelled like a field's Python name (`class_`) stays an extra member.
    """
    try:
        return _type_adapter(target).validate_python(data, by_alias=True, by_name=False)
    except pydantic.ValidationError as error:
        name = getattr(target, "__name__", repr(target))
        raise APIResponseValidationError(
            f"Response body does not match {name} ({error.error_count()} validation errors).",
            response=response,
            body=data,
        ) from error


_type_adapters: dict[Any, pydantic.TypeAdapter[Any]] = {}


def _type_adapter(target: Any) -> pydantic.TypeAdapter[Any]:
    """A cached `TypeAdapter`: building one is far slower than validating with it."""
    try:
        return _type_adapters[target]
    except KeyError:
        adapter = _type_adapters[target] = pydantic.TypeAdapter(target)
        return adapter
    except TypeError:  # an unhashable type expression cannot be cached
        return pydantic.TypeAdapter(target)

"""Turning a successful response body into the value a method returns."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from ._codec import DecodeError
from ._exceptions import APIResponseValidationError
from ._response import Response

__all__ = ["decode_body", "decode_json", "decode_value"]

T = TypeVar("T")


def decode_json(response: Response) -> Any:
    """The body as JSON, or `APIResponseValidationError` when it is not JSON."""
    try:
        return response.json()
    except ValueError:
        raise APIResponseValidationError(
            "Response body is not valid JSON.", response=response, body=response.text
        ) from None


def decode_value(data: object, cast: Callable[[Any], T], response: Response) -> T:
    """Decoded JSON as `cast` gives it, or `APIResponseValidationError`."""
    try:
        return cast(data)
    except DecodeError as error:
        raise APIResponseValidationError(
            f"Response body does not match the expected type: {error}",
            response=response,
            body=data,
        ) from None


def decode_body(response: Response, cast: Callable[[Any], T]) -> T:
    """A successful response body, decoded as JSON and then by `cast`."""
    return decode_value(decode_json(response), cast, response)

"""Exceptions raised by the SDK.

Every exception derives from `APIError`. Messages are built from the status line and
the response body only: request headers (and so the API token) never appear in them,
and no exception holds the request.
"""

from __future__ import annotations

from email.message import Message

from ._response import Response
from ._wire import error_class, field_errors, status_message

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "InternalServerError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "UnprocessableEntityError",
    "make_status_error",
]


class APIError(Exception):
    """Base class of every error raised by the SDK."""

    message: str

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class APIConnectionError(APIError):
    """The server could not be reached, or the connection failed mid-request."""

    def __init__(self, message: str = "Connection error.") -> None:
        super().__init__(message)


class APITimeoutError(APIConnectionError):
    """The request did not complete within the configured timeout."""

    def __init__(self) -> None:
        super().__init__("Request timed out.")


class APIResponseValidationError(APIError):
    """A successful response whose body is not JSON or does not fit the expected type."""

    response: Response
    body: object

    def __init__(self, message: str, *, response: Response, body: object) -> None:
        super().__init__(message)
        self.response = response
        self.body = body


class APIStatusError(APIError):
    """The server answered with a status that is not 2xx (redirects included: they are
    never followed).

    `body` holds the parsed JSON body, or the raw text when the body is not JSON.
    """

    status_code: int
    headers: Message
    response: Response
    body: object

    def __init__(self, message: str, *, response: Response, body: object) -> None:
        super().__init__(message)
        self.status_code = response.status_code
        self.headers = response.headers
        self.response = response
        self.body = body


class BadRequestError(APIStatusError):
    """HTTP 400."""


class AuthenticationError(APIStatusError):
    """HTTP 401: the token is missing, invalid or expired."""


class PermissionDeniedError(APIStatusError):
    """HTTP 403."""


class NotFoundError(APIStatusError):
    """HTTP 404."""


class ConflictError(APIStatusError):
    """HTTP 409."""


class UnprocessableEntityError(APIStatusError):
    """HTTP 422: the request failed validation.

    `errors` maps each rejected field to its messages, taken from a Laravel-style body
    `{"message": ..., "errors": {"field": ["..."]}}`; it is empty for any other body.
    """

    errors: dict[str, list[str]]

    def __init__(self, message: str, *, response: Response, body: object) -> None:
        super().__init__(message, response=response, body=body)
        self.errors = field_errors(body)


class RateLimitError(APIStatusError):
    """HTTP 429."""


class InternalServerError(APIStatusError):
    """HTTP 500 or above."""


_ERRORS_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def make_status_error(response: Response) -> APIStatusError:
    """Build the exception matching the status of a non-2xx response."""
    status = response.status_code
    kind = error_class(status, _ERRORS_BY_STATUS, server=InternalServerError, other=APIStatusError)
    body = _error_body(response)
    message = status_message(status, response.reason, body)
    return kind(message, response=response, body=body)


def _error_body(response: Response) -> object:
    """The parsed JSON body, or the text when the body is not JSON."""
    try:
        return response.json()
    except ValueError:
        return response.text

"""The wire rules every Python SDK shares, written with the standard library alone.

How path, query and header values become text, how JSON data becomes a request body,
which answers are retried and how long to wait first, where a page keeps its next link
and how that link's query is merged, and how an error answer is named and summed up.

Nothing here does I/O or knows the HTTP library: each package's `_base_client` sends
the requests, and its `_exceptions` holds the exception classes. The sdkgen variants copy
this file verbatim into their packages, one of which depends on nothing but the standard
library, so it must never import anything else.
"""

from __future__ import annotations

import calendar
import email.utils
import http
import json
import random
import re
import time
from collections.abc import Mapping
from datetime import date
from enum import Enum
from typing import TypeVar
from urllib.parse import quote

__all__ = [
    "INITIAL_BACKOFF",
    "MAX_BACKOFF",
    "MAX_RETRY_AFTER",
    "RETRYABLE_STATUSES",
    "Absent",
    "backoff_delay",
    "build_path",
    "date_text",
    "dig",
    "dump_json",
    "encode_query",
    "error_class",
    "field_errors",
    "is_retryable_status",
    "is_sent",
    "link_at",
    "merge_query",
    "parse_retry_after",
    "retry_delay",
    "standard_reason",
    "status_message",
    "to_text",
]

RETRYABLE_STATUSES = frozenset({408, 409, 429})
"""Statuses worth retrying, besides every status from 500 up."""
MAX_RETRY_AFTER = 60.0
"""Longest `Retry-After` honoured, in seconds; longer ones fall back to the backoff."""
INITIAL_BACKOFF = 0.5
MAX_BACKOFF = 8.0

ErrorT = TypeVar("ErrorT", bound=BaseException)


class Absent:
    """Base class of the package's sentinel for "not given" (`NOT_GIVEN` or `UNSET`).

    An absent value is never sent: not in a path, a query, a header or a JSON object.
    """

    __slots__ = ()


# Encoding requests


def is_sent(value: object) -> bool:
    """Whether a query or header value is sent: `None` and absent values are not."""
    return value is not None and not isinstance(value, Absent)


def to_text(value: object) -> str:
    """The text of a path, query or header value: enums by value, booleans in lower case,
    dates as `date_text` writes them."""
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return date_text(value)
    return str(value)


def date_text(value: date) -> str:
    """The wire text a date (or date-time) came with, when it keeps it in `_raw` as the
    pydantic models' dates do; else its ISO 8601 form."""
    raw = getattr(value, "_raw", None)
    return raw if isinstance(raw, str) else value.isoformat()


_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")


def build_path(template: str, params: Mapping[str, object]) -> str:
    """Fill each `{name}` of `template` with its value, percent-encoded as one segment.

    Everything outside the unreserved characters is encoded, `/`, `?`, `#` and `%`
    included, so a value can never reach another endpoint. `None`, an absent value and
    empty text are refused, and so are `.` and `..`.
    """

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in params:
            raise ValueError(f"Missing a value for path parameter `{name}`")
        value = params[name]
        text = to_text(value) if is_sent(value) else ""
        if not text:
            raise ValueError(f"Expected a non-empty value for `{name}`")
        if text in {".", ".."}:
            raise ValueError(f"`{name}` cannot be {text!r}: it would change the path")
        return quote(text, safe="")

    return _PLACEHOLDER.sub(fill, template)


def encode_query(query: Mapping[str, object]) -> tuple[tuple[str, str], ...]:
    """Query pairs in the given order; lists repeat the key, absent values are dropped."""
    pairs: list[tuple[str, str]] = []
    for key, value in query.items():
        values = value if isinstance(value, list | tuple) else (value,)
        pairs.extend((key, to_text(item)) for item in values if is_sent(item))
    return tuple(pairs)


def merge_query(
    query: tuple[tuple[str, str], ...], overrides: list[tuple[str, str]]
) -> tuple[tuple[str, str], ...]:
    """`query` with every key that `overrides` has replaced by the values there."""
    replaced = {key for key, _ in overrides}
    kept = [(key, value) for key, value in query if key not in replaced]
    return (*kept, *overrides)


def dump_json(data: object) -> bytes:
    """The compact UTF-8 JSON text of plain JSON data (NaN and infinities are refused)."""
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return text.encode()


# Retries


def is_retryable_status(status: int) -> bool:
    """Whether an answer with this status is worth sending the request again for."""
    return status in RETRYABLE_STATUSES or status >= 500


def retry_delay(
    attempt: int, max_retries: int, status: int | None, retry_after: str | None
) -> float | None:
    """Seconds to wait before retrying, or `None` when the outcome is final.

    `attempt` counts the retries already made. `status` is `None` after a transport error
    (a timeout or a failed connection), which is always retryable; otherwise it is the
    answer's status, and `retry_after` its `Retry-After` header, if any.
    """
    if attempt >= max_retries:
        return None
    if status is not None:
        if not is_retryable_status(status):
            return None
        seconds = parse_retry_after(retry_after)
        if seconds is not None:
            return seconds
    return backoff_delay(attempt)


def parse_retry_after(value: str | None) -> float | None:
    """Seconds asked for by a `Retry-After` value (seconds or an HTTP date), if within 0-60 s."""
    seconds = None if value is None else _seconds_until(value.strip())
    if seconds is None or not 0 <= seconds <= MAX_RETRY_AFTER:
        return None
    return seconds


def _seconds_until(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        pass
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    # A date without a zone is taken as UTC, like any HTTP date.
    return calendar.timegm(moment.utctimetuple()) - time.time()


def backoff_delay(attempt: int) -> float:
    """Exponential backoff from 0.5 s, capped at 8 s, minus up to 25% of jitter."""
    return min(INITIAL_BACKOFF * 2.0**attempt, MAX_BACKOFF) * random.uniform(0.75, 1.0)


# Pages


def dig(data: object, path: tuple[str, ...]) -> object:
    """The JSON value at `path`, or `None` when any step is missing."""
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def link_at(data: object, path: tuple[str, ...]) -> str | None:
    """The next-page link at `path`; `None` (the last page) unless it is non-empty text."""
    link = dig(data, path)
    return link if isinstance(link, str) and link else None


# Errors


def error_class(
    status: int,
    by_status: Mapping[int, type[ErrorT]],
    *,
    server: type[ErrorT],
    other: type[ErrorT],
) -> type[ErrorT]:
    """The exception class for a non-2xx `status`: its own class in `by_status`, else
    `server` from 500 up and `other` below."""
    found = by_status.get(status)
    if found is not None:
        return found
    return server if status >= 500 else other


def status_message(status: int, reason: str, body: object) -> str:
    """`"<status> <reason>: <body message>"`, without the message part when there is none.

    An empty `reason` is replaced by the standard one; the message is the `message`
    member of a JSON object body, when it is non-empty text.
    """
    summary = f"{status} {reason or standard_reason(status)}".rstrip()
    detail = body.get("message") if isinstance(body, dict) else None
    return f"{summary}: {detail}" if isinstance(detail, str) and detail else summary


def standard_reason(status: int) -> str:
    """The standard reason phrase of a status (`""` for one HTTP does not define)."""
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return ""


def field_errors(body: object) -> dict[str, list[str]]:
    """Read the `errors` map of a Laravel validation body, tolerating odd shapes."""
    errors = body.get("errors") if isinstance(body, dict) else None
    if not isinstance(errors, dict):
        return {}
    return {
        str(field): [str(m) for m in messages] if isinstance(messages, list) else [str(messages)]
        for field, messages in errors.items()
    }

"""Date and date-time helpers.

Models keep date-times and dates as the exact text the server sent (so that `to_dict()`
gives it back unchanged: `+00:00` stays `+00:00`, `Z` stays `Z`). These functions turn
that text into `datetime` / `date` objects when you want them.
"""

from __future__ import annotations

import datetime as _dt
import re

__all__ = ["parse_date", "parse_datetime"]

_FRACTION = re.compile(r"(\.\d+)(?=[+-]\d{2}:?\d{2}$|[Zz]$|$)")
_COMPACT_OFFSET = re.compile(r"([+-]\d{2})(\d{2})$")


def parse_datetime(text: str) -> _dt.datetime:
    """An ISO 8601 / RFC 3339 date-time (`2025-10-24T10:34:18+01:00`, `...Z`, fractional
    seconds of any length) as a `datetime`; aware when the text has an offset. A plain
    date (`2025-10-24`) gives midnight of that day. Raises `ValueError` for other text.
    """
    value = text.strip()
    if value[-1:] in ("Z", "z"):
        value = value[:-1] + "+00:00"
    value = _COMPACT_OFFSET.sub(r"\1:\2", value) if "T" in value.upper() else value
    value = _FRACTION.sub(lambda m: (m.group(1) + "000000")[:7], value)
    return _dt.datetime.fromisoformat(value)


def parse_date(text: str) -> _dt.date:
    """A date (`2025-10-24`), or the date part of a date-time, as a `date`."""
    value = text.strip()
    if len(value) == 10:
        return _dt.date.fromisoformat(value)
    return parse_datetime(value).date()

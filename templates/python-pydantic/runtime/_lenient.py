"""Runtime helpers for generated models (copied verbatim into the generated package as ``_lenient.py``).

* ``DateTime`` / ``Date``: annotated ``datetime`` / ``date`` that keep the exact wire text they were parsed from,
  so ``model_dump(mode="json")`` gives back "+00:00" (not "Z"), the original offset, a date-only string, etc.
  ``DateTime`` refuses a plain date (pydantic alone would read it as a naive midnight), so in
  ``DateTime | Date`` a plain date becomes a ``date``.
* ``OpenEnum`` (from ``_enums``, shared with the other Python variants): the base of generated enums.
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Annotated, Any

from pydantic import PlainSerializer, ValidatorFunctionWrapHandler, WrapValidator

from ._enums import OpenEnum  # the models' enum base, shared with the other Python variants

__all__ = ["Date", "DateTime", "OpenEnum"]


class _RawDateTime(_dt.datetime):
    """A ``datetime`` that remembers the text it was parsed from (``_raw``)."""

    __slots__ = ("_raw",)
    _raw: str | None

    # Immutable, so copies (model_copy(deep=True)) may share it; pickling keeps the text.
    def __copy__(self) -> _RawDateTime:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> _RawDateTime:
        return self

    def __reduce_ex__(self, protocol: Any) -> tuple[Any, ...]:
        return _restore, (type(self), self.isoformat(), getattr(self, "_raw", None))


class _RawDate(_dt.date):
    """A ``date`` that remembers the text it was parsed from (``_raw``)."""

    __slots__ = ("_raw",)
    _raw: str | None

    def __copy__(self) -> _RawDate:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> _RawDate:
        return self

    def __reduce_ex__(self, protocol: Any) -> tuple[Any, ...]:
        return _restore, (type(self), self.isoformat(), getattr(self, "_raw", None))


def _restore(kind: type[_RawDateTime | _RawDate], iso: str, raw: str | None) -> _dt.date:
    value = kind.fromisoformat(iso)
    value._raw = raw
    return value


_PLAIN_DATE = re.compile(r"\s*\d{4}-\d{2}-\d{2}\s*")
# RFC 3339 allows a leap second (23:59:60), which a `datetime` cannot hold: it reads as :59.
_LEAP_SECOND = re.compile(r"(?<=[Tt ]\d{2}:\d{2}:)60")


def _validate_datetime(value: Any, handler: ValidatorFunctionWrapHandler) -> _dt.datetime:
    if type(value) is str and len(value) > 10:
        # The common case, at C speed: the standard library reads RFC 3339 date-times.
        try:
            fast = _RawDateTime.fromisoformat(value)
        except ValueError:
            pass  # forms it does not read (a leap second, "Z" before Python 3.11): pydantic's
        else:
            fast._raw = value
            return fast
    if isinstance(value, _RawDateTime):
        return value
    raw = value.decode() if isinstance(value, bytes | bytearray) else value
    if isinstance(raw, str) and _PLAIN_DATE.fullmatch(raw):
        raise ValueError("expected a date-time, got a plain date")
    if not isinstance(raw, str):
        parsed: _dt.datetime = handler(value)
        return parsed
    parsed = handler(_LEAP_SECOND.sub("59", raw, count=1))
    out = _RawDateTime(
        parsed.year,
        parsed.month,
        parsed.day,
        parsed.hour,
        parsed.minute,
        parsed.second,
        parsed.microsecond,
        parsed.tzinfo,
        fold=parsed.fold,
    )
    out._raw = raw
    return out


def _validate_date(value: Any, handler: ValidatorFunctionWrapHandler) -> _dt.date:
    if type(value) is str and len(value) == 10:
        try:
            fast = _RawDate.fromisoformat(value)
        except ValueError:
            pass
        else:
            fast._raw = value
            return fast
    if isinstance(value, _RawDate):
        return value
    parsed: _dt.date = handler(value)
    raw = value.decode() if isinstance(value, bytes | bytearray) else value
    if not isinstance(raw, str):
        return parsed
    out = _RawDate(parsed.year, parsed.month, parsed.day)
    out._raw = raw
    return out


def _serialize(value: _dt.date) -> str:
    raw = getattr(value, "_raw", None)
    return raw if raw is not None else value.isoformat()


DateTime = Annotated[
    _dt.datetime,
    WrapValidator(_validate_datetime),
    PlainSerializer(_serialize, return_type=str, when_used="json"),
]
Date = Annotated[
    _dt.date,
    WrapValidator(_validate_date),
    PlainSerializer(_serialize, return_type=str, when_used="json"),
]


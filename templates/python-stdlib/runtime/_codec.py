"""JSON <-> the generated dataclasses, with nothing but the standard library.

Decoders are small functions from a JSON value to a Python value; the generated
`from_dict` methods combine them (`list_of(model(Account.from_dict))`...). Every decoder
checks the JSON type it gets and raises `DecodeError` (a `ValueError`) with the path of
the offending value. Nothing is converted: strings stay strings (date-times included, so
their exact text survives), numbers keep their JSON form, unknown enum values become
pseudo-members (`OpenEnum`). That is what makes `Model.from_dict(data).to_dict() == data`.
"""

from __future__ import annotations

import datetime as _dt
import enum
from collections.abc import Callable, Mapping
from typing import Any, TypeAlias, TypeVar
from uuid import UUID

from ._enums import OpenEnum
from ._types import UNSET, Unset

__all__ = [
    "DecodeError",
    "Decoder",
    "OpenEnum",
    "any_value",
    "boolean",
    "enum_of",
    "enum_value",
    "expect_object",
    "extra",
    "forbid_extra",
    "integer",
    "list_of",
    "literal_of",
    "map_of",
    "model",
    "null",
    "nullable",
    "number",
    "one_of",
    "optional",
    "required",
    "string",
    "tagged",
    "to_json",
]

T = TypeVar("T")
E = TypeVar("E", bound=enum.Enum)

Decoder: TypeAlias = Callable[[Any], T]
"""Turns one JSON value into a Python value, or raises `DecodeError`."""


class DecodeError(ValueError):
    """A JSON value that does not fit the type the spec gives it."""

    reason: str
    path: tuple[str, ...]

    def __init__(self, reason: str, path: tuple[str, ...] = ()) -> None:
        super().__init__(reason, path)
        self.reason = reason
        self.path = path

    def at(self, key: str) -> DecodeError:
        """The same error, one level further out (`key` is the member it happened in)."""
        return DecodeError(self.reason, (key, *self.path))

    def __str__(self) -> str:
        where = "/" + "/".join(self.path) if self.path else "the value"
        return f"{where}: {self.reason}"



# Primitive decoders


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def string(value: object) -> str:
    if isinstance(value, str):
        return value
    raise DecodeError(f"expected a string, got {_kind(value)}")


def integer(value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise DecodeError(f"expected an integer, got {_kind(value)}")


def number(value: object) -> float:
    """A JSON number as it came: `1` stays the int `1`, so it is sent back as `1`."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    raise DecodeError(f"expected a number, got {_kind(value)}")


def boolean(value: object) -> bool:
    if isinstance(value, bool):
        return value
    raise DecodeError(f"expected a boolean, got {_kind(value)}")


def null(value: object) -> None:
    if value is None:
        return None
    raise DecodeError(f"expected null, got {_kind(value)}")


def any_value(value: Any) -> Any:
    return value


# Decoders built from decoders


def list_of(item: Decoder[T]) -> Decoder[list[T]]:
    def decode(value: object) -> list[T]:
        if not isinstance(value, list):
            raise DecodeError(f"expected an array, got {_kind(value)}")
        decoded: list[T] = []
        for index, element in enumerate(value):
            try:
                decoded.append(item(element))
            except DecodeError as error:
                raise error.at(str(index)) from None
        return decoded

    return decode


def map_of(item: Decoder[T]) -> Decoder[dict[str, T]]:
    def decode(value: object) -> dict[str, T]:
        data = expect_object(value)
        decoded: dict[str, T] = {}
        for key, element in data.items():
            try:
                decoded[key] = item(element)
            except DecodeError as error:
                raise error.at(key) from None
        return decoded

    return decode


def nullable(inner: Decoder[T]) -> Decoder[T | None]:
    def decode(value: object) -> T | None:
        return None if value is None else inner(value)

    return decode


def one_of(*options: Decoder[Any]) -> Decoder[Any]:
    """The first option that accepts the value, in the order the spec lists them."""

    def decode(value: object) -> Any:
        reasons: list[str] = []
        for option in options:
            try:
                return option(value)
            except DecodeError as error:
                reasons.append(str(error))
        raise DecodeError("matches none of the allowed types (" + "; ".join(reasons) + ")")

    return decode


def tagged(prop: str, mapping: Mapping[str, Decoder[Any]], fallback: Decoder[Any]) -> Decoder[Any]:
    """Choose the decoder by the value of the discriminator property `prop`."""

    def decode(value: object) -> Any:
        tag = value.get(prop) if isinstance(value, dict) else None
        chosen = mapping.get(tag) if isinstance(tag, str) else None
        return (chosen or fallback)(value)

    return decode


def literal_of(*values: str | int | float | bool) -> Decoder[Any]:
    def decode(value: object) -> Any:
        for allowed in values:
            if type(value) is type(allowed) and value == allowed:
                return value
        raise DecodeError(f"expected one of {list(values)!r}, got {value!r}")

    return decode


def enum_of(cls: type[E], base: Decoder[Any]) -> Decoder[E]:
    """A member of `cls`; unknown values become pseudo-members when `cls` is an `OpenEnum`."""

    def decode(value: object) -> E:
        raw = base(value)
        try:
            return cls(raw)
        except ValueError:
            raise DecodeError(f"{raw!r} is not a {cls.__name__}") from None

    return decode


def model(from_dict: Callable[[Mapping[str, Any]], T]) -> Decoder[T]:
    """A generated model, from a JSON object."""

    def decode(value: object) -> T:
        return from_dict(expect_object(value))

    return decode


# Object members, as the generated `from_dict` methods read them


def expect_object(value: object) -> Mapping[str, Any]:
    if isinstance(value, Mapping):
        return value
    raise DecodeError(f"expected an object, got {_kind(value)}")


def required(data: Mapping[str, Any], key: str, decode: Decoder[T]) -> T:
    if key not in data:
        raise DecodeError("is required but missing", (key,))
    try:
        return decode(data[key])
    except DecodeError as error:
        raise error.at(key) from None


def optional(data: Mapping[str, Any], key: str, decode: Decoder[T]) -> T | Unset:
    if key not in data:
        return UNSET
    try:
        return decode(data[key])
    except DecodeError as error:
        raise error.at(key) from None


def extra(data: Mapping[str, Any], known: frozenset[str], decode: Decoder[T]) -> dict[str, T]:
    """The members the spec does not list, decoded as its `additionalProperties` say."""
    found: dict[str, T] = {}
    for key, value in data.items():
        if key not in known:
            try:
                found[key] = decode(value)
            except DecodeError as error:
                raise error.at(key) from None
    return found


def forbid_extra(data: Mapping[str, Any], known: frozenset[str]) -> None:
    """For closed objects (`additionalProperties: false`): refuse members the spec does not list."""
    unknown = sorted(key for key in data if key not in known)
    if unknown:
        raise DecodeError(f"unexpected members {unknown!r} (the schema allows no others)")


# Encoding


def enum_value(value: object) -> Any:
    """The wire value of an enum member (a plain value passes through)."""
    return value.value if isinstance(value, enum.Enum) else value


def to_json(value: object) -> Any:
    """Any value the SDK handles as plain JSON data: models (by `to_dict()`), enums by value,
    dates and date-times in ISO 8601, UUIDs as text. `UNSET` members of objects are left out;
    `None` stays, as JSON `null`."""
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict) and not isinstance(value, type):
        return to_dict()
    if isinstance(value, enum.Enum):
        return to_json(value.value)
    if value is None or isinstance(value, str | int | float):
        return value
    if isinstance(value, _dt.date):  # datetime included
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): to_json(v) for k, v in value.items() if not isinstance(v, Unset)}
    if isinstance(value, list | tuple):
        return [to_json(item) for item in value]
    raise TypeError(f"cannot send a {type(value).__name__} as JSON")

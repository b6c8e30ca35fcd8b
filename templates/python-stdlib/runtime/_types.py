"""Small shared types: the `UNSET` sentinel and a few aliases."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal, TypeAlias, final

from ._wire import Absent

__all__ = ["UNSET", "Headers", "Timeout", "Unset"]


@final
class Unset(Absent):
    """Marks a value that is absent: a model field the JSON did not have, or an argument the
    caller did not give. Nothing is sent for it.

    This is different from `None`, which is JSON `null`. The sentinel is falsy, and
    `isinstance(value, Unset)` narrows a `T | Unset` for type checkers.
    """

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "UNSET"

    def __copy__(self) -> Unset:
        return self

    def __deepcopy__(self, memo: object) -> Unset:
        return self


UNSET = Unset()
"""The single instance of `Unset`: the default of optional model fields and arguments."""

Headers: TypeAlias = Mapping[str, str]
"""HTTP headers given by the caller."""

Timeout: TypeAlias = float | None
"""Seconds before a request gives up (connecting, or waiting for data); `None` waits forever."""

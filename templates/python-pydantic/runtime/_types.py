"""Small shared types: the `NOT_GIVEN` sentinel and a few aliases."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal, TypeAlias, final

import httpx

from ._wire import Absent

__all__ = ["NOT_GIVEN", "Headers", "NotGiven", "Timeout"]


@final
class NotGiven(Absent):
    """Marks an argument the caller did not give, so that nothing is sent for it.

    This is different from `None`, which is sent (as JSON `null`) where the API allows it.
    The sentinel is falsy, so `if value:` treats it like an absent value.
    """

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN = NotGiven()
"""The single instance of `NotGiven`, used as the default of optional arguments."""

Headers: TypeAlias = Mapping[str, str]
"""HTTP headers given by the caller."""

Timeout: TypeAlias = float | httpx.Timeout | None
"""Seconds, a detailed `httpx.Timeout`, or `None` for no timeout at all."""

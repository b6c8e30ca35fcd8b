"""Open enums: the base of generated enums, shared by the Python SDK variants.

A value the spec does not list becomes a pseudo-member holding that value instead of an error,
so a new value on the server never breaks a client; it is sent back exactly as it came.
"""

from __future__ import annotations

import enum
from typing import Any

__all__ = ["OpenEnum"]


class OpenEnum(enum.Enum):
    """Enum base whose unknown values become pseudo-members instead of errors.

    ``TrackableType("Contact")`` gives a member whose ``.value`` is ``"Contact"`` and which is
    not one of the listed members.
    """

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, str | int | float):
            return None
        member_type = cls._member_type_  # type: ignore[attr-defined]
        member = object.__new__(cls) if member_type is object else member_type.__new__(cls, value)
        member._name_ = str(value)
        member._value_ = value
        return member

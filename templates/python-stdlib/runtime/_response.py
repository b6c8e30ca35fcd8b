"""A fully read HTTP response, independent of `urllib`'s file-like objects."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from email.message import Message
from typing import Any

__all__ = ["Response"]


@dataclass(frozen=True)
class Response:
    """Status, headers and body of one HTTP exchange (the body is already read)."""

    status_code: int
    reason: str
    headers: Message = field(repr=False)
    """Case-insensitive: `response.headers.get("Retry-After")`."""
    content: bytes = field(repr=False)
    method: str
    url: str

    @property
    def is_success(self) -> bool:
        return 200 <= self.status_code < 300

    @property
    def text(self) -> str:
        charset = self.headers.get_content_charset() or "utf-8"
        return self.content.decode(charset, errors="replace")

    def json(self) -> Any:
        """The body decoded as JSON (`ValueError` when it is not JSON)."""
        return json.loads(self.content)

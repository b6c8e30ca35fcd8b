"""Base class of the generated resources: each holds the client that sends its requests."""

from __future__ import annotations

from ._base_client import APIClient

__all__ = ["APIResource"]


class APIResource:
    def __init__(self, client: APIClient) -> None:
        self._client = client

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"

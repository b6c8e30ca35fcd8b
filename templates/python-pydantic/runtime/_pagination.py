"""Pages of list results, following the absolute `next` links the API returns.

A page holds its own items and the whole validated body; iterating over a page yields
its items and then those of every following page, fetched on demand.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import httpx

from ._exceptions import APIError, APIResponseValidationError
from ._response import decode_json, validate_as
from ._wire import dig, link_at

if TYPE_CHECKING:
    from ._base_client import AsyncAPIClient, RequestOptions, SyncAPIClient

__all__ = ["AsyncPage", "SyncPage"]

ItemT = TypeVar("ItemT")


@dataclass(frozen=True)
class PageSpec(Generic[ItemT]):
    """Where a paginated body keeps its items and its next link, and their types."""

    page_type: Any
    item_type: type[ItemT]
    items_path: tuple[str, ...]
    next_url_path: tuple[str, ...]


class _BasePage(Generic[ItemT]):
    """What sync and async pages share: everything read from the response."""

    items: list[ItemT]
    body: Any
    http_response: httpx.Response
    next_url: str | None

    def __init__(
        self, *, options: RequestOptions, response: httpx.Response, spec: PageSpec[ItemT]
    ) -> None:
        data = decode_json(response)
        self.body = validate_as(spec.page_type, data, response)
        self.items = _validate_items(spec, data, response)
        self.next_url = link_at(data, spec.next_url_path)
        self.http_response = response
        self._options = options
        self._spec = spec

    def has_next_page(self) -> bool:
        return self.next_url is not None

    def _require_next_url(self) -> str:
        if self.next_url is None:
            raise APIError("There is no next page; check `has_next_page()` first.")
        return self.next_url

    def __repr__(self) -> str:
        return f"<{type(self).__name__} items={len(self.items)} next_url={self.next_url!r}>"


class SyncPage(_BasePage[ItemT]):
    """One page of results from a `SyncAPIClient`."""

    def __init__(
        self,
        *,
        client: SyncAPIClient,
        options: RequestOptions,
        response: httpx.Response,
        spec: PageSpec[ItemT],
    ) -> None:
        super().__init__(options=options, response=response, spec=spec)
        self._client = client

    def get_next_page(self) -> SyncPage[ItemT]:
        """Fetch the page after this one; raises `APIError` on the last page."""
        options = self._client._options_for_link(self._options, self._require_next_url())
        return self._client._fetch_page(options, self._spec)

    def iter_pages(self) -> Iterator[SyncPage[ItemT]]:
        """This page, then each following page."""
        page = self
        yield page
        while page.has_next_page():
            page = page.get_next_page()
            yield page

    def __iter__(self) -> Iterator[ItemT]:
        """The items of this page and of every following page."""
        for page in self.iter_pages():
            yield from page.items


class AsyncPage(_BasePage[ItemT]):
    """One page of results from an `AsyncAPIClient`."""

    def __init__(
        self,
        *,
        client: AsyncAPIClient,
        options: RequestOptions,
        response: httpx.Response,
        spec: PageSpec[ItemT],
    ) -> None:
        super().__init__(options=options, response=response, spec=spec)
        self._client = client

    async def get_next_page(self) -> AsyncPage[ItemT]:
        """Fetch the page after this one; raises `APIError` on the last page."""
        options = self._client._options_for_link(self._options, self._require_next_url())
        return await self._client._fetch_page(options, self._spec)

    async def iter_pages(self) -> AsyncIterator[AsyncPage[ItemT]]:
        """This page, then each following page."""
        page = self
        yield page
        while page.has_next_page():
            page = await page.get_next_page()
            yield page

    async def __aiter__(self) -> AsyncIterator[ItemT]:
        """The items of this page and of every following page."""
        async for page in self.iter_pages():
            for item in page.items:
                yield item


def _validate_items(spec: PageSpec[ItemT], data: object, response: httpx.Response) -> list[ItemT]:
    raw_items = dig(data, spec.items_path)
    if not isinstance(raw_items, list):
        path = "/".join(spec.items_path)
        raise APIResponseValidationError(
            f"Response body has no list of items at `{path}`.", response=response, body=data
        )
    return [validate_as(spec.item_type, item, response) for item in raw_items]

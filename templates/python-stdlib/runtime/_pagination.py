"""Pages of list results, following the next-page links the API returns.

A page holds its own items and the whole decoded body; iterating over a page yields
its items and then those of every following page, fetched on demand.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from ._exceptions import APIError, APIResponseValidationError
from ._parse import decode_json, decode_value
from ._response import Response
from ._wire import dig, link_at

__all__ = ["Page", "PageSpec"]

ItemT = TypeVar("ItemT")


@dataclass(frozen=True)
class PageSpec(Generic[ItemT]):
    """Where a paginated body keeps its items and its next link, and how to decode them."""

    page_cast: Callable[[Any], Any]
    item_cast: Callable[[Any], ItemT]
    items_path: tuple[str, ...]
    next_url_path: tuple[str, ...]


class Page(Generic[ItemT]):
    """One page of results.

    `items` are this page's items, `body` the whole page as its model, `next_url` the
    link to the next page (`None` on the last one). Iterating goes through every item of
    this page and of all the following ones.
    """

    items: list[ItemT]
    body: Any
    response: Response
    next_url: str | None

    def __init__(
        self,
        *,
        response: Response,
        spec: PageSpec[ItemT],
        fetch_next: Callable[[str], Page[ItemT]],
    ) -> None:
        data = decode_json(response)
        self.body = decode_value(data, spec.page_cast, response)
        raw_items = dig(data, spec.items_path)
        if not isinstance(raw_items, list):
            raise APIResponseValidationError(
                f"Response body has no list of items at `/{'/'.join(spec.items_path)}`.",
                response=response,
                body=data,
            )
        self.items = [decode_value(item, spec.item_cast, response) for item in raw_items]
        self.next_url = link_at(data, spec.next_url_path)
        self.response = response
        self._fetch_next = fetch_next

    def has_next_page(self) -> bool:
        return self.next_url is not None

    def get_next_page(self) -> Page[ItemT]:
        """Fetch the page after this one; raises `APIError` on the last page."""
        if self.next_url is None:
            raise APIError("There is no next page; check `has_next_page()` first.")
        return self._fetch_next(self.next_url)

    def iter_pages(self) -> Iterator[Page[ItemT]]:
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

    def __repr__(self) -> str:
        return f"<{type(self).__name__} items={len(self.items)} next_url={self.next_url!r}>"

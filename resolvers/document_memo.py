"""Facts derived from a parsed document, remembered for as long as the document is reused.

The parse cache (``resolvers/documents.py``) hands back the same ``DocumentNode`` (and so the
same field nodes) for the same query text, so anything computed from the document alone (a
plan, a cost) can be computed once per document instead of once per request. Entries are keyed by
the node's identity and keep the node alive, so a recycled ``id()`` never matches; the
cache is bounded like the parser's.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Generic, TypeVar

from cachetools import LRUCache

V = TypeVar("V")

DEFAULT_SIZE = 1024


class DocumentMemo(Generic[V]):
    def __init__(self, maxsize: int = DEFAULT_SIZE) -> None:
        self._entries: LRUCache[tuple[int, Hashable], tuple[object, V]] = LRUCache(maxsize)

    def get(self, node: object, key: Hashable = None) -> V | None:
        entry = self._entries.get((id(node), key))
        if entry is None or entry[0] is not node:
            return None
        return entry[1]

    def put(self, node: object, value: V, key: Hashable = None) -> V:
        self._entries[(id(node), key)] = (node, value)
        return value

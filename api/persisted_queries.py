"""Automatic Persisted Queries (``extensions.persistedQuery``, version 1) and persisted-only mode.

A client sends ``{"extensions": {"persistedQuery": {"version": 1, "sha256Hash": H}}}``:

- hash only, known document: the document is run;
- hash only, unknown: error ``PERSISTED_QUERY_NOT_FOUND`` (the client resends with the text);
- hash and text: the hash is checked (``PERSISTED_QUERY_HASH_MISMATCH`` otherwise), the
  document stored in the cache (aiocache, own namespace; Redis when a URL is given) and run.

In persisted-only mode a document runs only if it is registered: listed in the registry file
read at start-up, or stored through APQ by an admin. Admins may also send any document (so
GraphiQL keeps working for them); everyone else gets ``PERSISTED_QUERY_NOT_ALLOWED``.
"""

from __future__ import annotations

import hashlib
import re
from typing import TYPE_CHECKING, Any

import orjson
from aiocache import Cache

from resolvers.principal import Principal, Role

if TYPE_CHECKING:
    from pathlib import Path

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
DOCUMENT_TTL_SECONDS = 7 * 24 * 3600


class PersistedQueryError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def sha256_of(document: str) -> str:
    return hashlib.sha256(document.encode()).hexdigest()


def load_registry(path: Path | None) -> dict[str, str]:
    """Hash -> document for the documents listed (a JSON array of strings) in ``path``."""
    if path is None:
        return {}
    documents = orjson.loads(path.read_bytes())
    if not isinstance(documents, list) or not all(isinstance(d, str) for d in documents):
        raise ValueError(f"{path}: expected a JSON array of GraphQL documents")
    return {sha256_of(document): document for document in documents}


class PersistedQueries:
    def __init__(
        self,
        *,
        cache_url: str | None = None,
        namespace: str = "frontdesk:apq:",
        only_registered: bool = False,
        registry: dict[str, str] | None = None,
    ) -> None:
        self._cache: Any = Cache.from_url(cache_url) if cache_url else Cache(Cache.MEMORY)
        self._cache.namespace = namespace
        self._only_registered = only_registered
        self._registry = registry or {}

    async def document(
        self, query: str | None, extensions: dict[str, Any] | None, principal: Principal | None
    ) -> str | None:
        """The document to run for this request, or ``PersistedQueryError``."""
        admin = principal is not None and Role.ADMIN in principal.roles
        persisted = (extensions or {}).get("persistedQuery")
        if persisted is None:
            if (
                self._only_registered
                and not admin
                and query is not None
                and sha256_of(query) not in self._registry
            ):
                raise PersistedQueryError(
                    "PERSISTED_QUERY_NOT_ALLOWED", "Only registered documents are accepted."
                )
            return query
        if not isinstance(persisted, dict) or persisted.get("version") != 1:
            raise PersistedQueryError(
                "PERSISTED_QUERY_NOT_SUPPORTED", "Only persistedQuery version 1 is supported."
            )
        digest = persisted.get("sha256Hash")
        if not isinstance(digest, str) or not _SHA256.match(digest):
            raise PersistedQueryError(
                "PERSISTED_QUERY_HASH_MISMATCH", "sha256Hash must be 64 lowercase hex digits."
            )
        if query is None:
            known = self._registry.get(digest) or await self._cache.get(digest)
            if not isinstance(known, str):
                raise PersistedQueryError("PERSISTED_QUERY_NOT_FOUND", "PersistedQueryNotFound")
            return known
        if sha256_of(query) != digest:
            raise PersistedQueryError(
                "PERSISTED_QUERY_HASH_MISMATCH", "provided sha does not match query"
            )
        if digest in self._registry:
            return query
        if self._only_registered and not admin:
            raise PersistedQueryError(
                "PERSISTED_QUERY_NOT_ALLOWED", "Only registered documents are accepted."
            )
        # set, then expire: aiocache's set(ttl=...) uses redis-py's deprecated SETEX call.
        await self._cache.set(digest, query)
        await self._cache.expire(digest, DOCUMENT_TTL_SECONDS)
        return query

    async def aclose(self) -> None:
        client = getattr(self._cache, "client", None)
        if client is not None:
            # aiocache's RedisCache.close() calls redis-py's deprecated close(); go direct.
            await client.aclose()
        else:
            await self._cache.close()

"""One operation's database work: a lazily opened session shared one caller at a time.

graphql-core resolves sibling fields concurrently and an ``AsyncSession`` is not safe for
concurrent use, so every user of the operation's session takes it through ``session()``,
which holds an ``asyncio.Lock`` for the duration of the block. The edge (the GraphQL
transaction extension, a CLI command, a worker) decides whether to ``commit`` or
``rollback``; repositories and services only ``flush``.
"""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker


class UnitOfWork:
    __slots__ = ("_lock", "_session", "_sessionmaker")

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._sessionmaker = sessionmaker
        self._session: AsyncSession | None = None
        self._lock = asyncio.Lock()

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """The operation's session, held exclusively for the block."""
        async with self._lock:
            if self._session is None:
                self._session = self._sessionmaker()
            yield self._session

    @property
    def started(self) -> bool:
        return self._session is not None

    async def commit(self) -> None:
        if self._session is not None:
            async with self._lock:
                await self._session.commit()

    async def rollback(self) -> None:
        if self._session is not None:
            async with self._lock:
                await self._session.rollback()

    async def close(self) -> None:
        if self._session is not None:
            async with self._lock:
                await self._session.close()
            self._session = None

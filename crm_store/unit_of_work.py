"""One operation's database work: a lazily opened session shared one caller at a time.

graphql-core resolves sibling fields concurrently and an ``AsyncSession`` is not safe for
concurrent use, so every user of the operation's session takes it through ``session()``,
which holds an ``asyncio.Lock`` for the duration of the block. The edge (the GraphQL
transaction extension, a CLI command, a worker) decides whether to ``commit`` or
``rollback``; repositories and services only ``flush``.

Prepared reads (``crm_store/prepared.py``) take their connection through ``reads()``. An
operation that will not write (a GraphQL query: the edge sets ``read_only``) reads on a bare
connection checked out of the engine's pool: no session is built, begun and closed around
them, about a twentieth of a small query's work. A session asked for afterwards is bound to
that same connection, so an operation never holds two. Any other operation reads through its
session, where it sees its own writes.
"""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncEngine

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

    from crm_store.prepared import Reader


class UnitOfWork:
    __slots__ = ("_connection", "_lock", "_session", "_sessionmaker", "read_only")

    def __init__(
        self, sessionmaker: async_sessionmaker[AsyncSession], *, read_only: bool = False
    ) -> None:
        self._sessionmaker = sessionmaker
        self._session: AsyncSession | None = None
        self._connection: AsyncConnection | None = None
        self._lock = asyncio.Lock()
        self.read_only = read_only
        """The operation will not write: ``reads()`` may do without a session."""

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """The operation's session, held exclusively for the block."""
        async with self._lock:
            yield self._opened()

    @asynccontextmanager
    async def reads(self) -> AsyncIterator[Reader]:
        """Where the operation's prepared reads run, held exclusively for the block: its
        session once it has one or may write, else its bare connection."""
        async with self._lock:
            engine = self._sessionmaker.kw.get("bind")
            if (
                self._session is not None
                or not self.read_only
                or not isinstance(engine, AsyncEngine)
            ):
                yield self._opened()
                return
            if self._connection is None:
                self._connection = await engine.connect()
            yield self._connection

    def _opened(self) -> AsyncSession:
        if self._session is None:
            if self._connection is not None:
                self._session = self._sessionmaker(bind=self._connection)
            else:
                self._session = self._sessionmaker()
        return self._session

    @property
    def started(self) -> bool:
        return self._session is not None or self._connection is not None

    async def commit(self) -> None:
        if self._session is not None:
            async with self._lock:
                await self._session.commit()

    async def rollback(self) -> None:
        if self._session is not None:
            async with self._lock:
                await self._session.rollback()

    async def close(self) -> None:
        if self._session is None and self._connection is None:
            return
        async with self._lock:
            session, connection = self._session, self._connection
            self._session = self._connection = None
            try:
                if session is not None:
                    await session.close()
            finally:
                if connection is not None:
                    await connection.close()

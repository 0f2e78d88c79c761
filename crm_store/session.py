"""Engine and session factories for the CRM store (asyncpg or aiosqlite)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import QueuePool

from crm_store import sqlite_dialect

SQLITE_BUSY_TIMEOUT_MS = 5000


def create_engine(url: str, *, pool_size: int = 10, echo: bool = False) -> AsyncEngine:
    """Build the CRM store's engine; SQLite gets WAL, a busy timeout and foreign keys.

    A SQLite file keeps ``pool_size`` connections, as PostgreSQL does. SQLAlchemy's own
    default for it keeps 5 and opens and closes up to 10 more as load needs them: with more
    than 5 requests in flight, about one connection (with its thread and four PRAGMAs) opened
    and closed every dozen requests. An in-memory database keeps its single connection."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.get_driver_name() == "aiosqlite":
            parsed = parsed.set(drivername=f"sqlite+{sqlite_dialect.DRIVER}")
        sizes: dict[str, int] = {}
        dialect: Any = parsed.get_dialect()  # a DefaultDialect: it picks the pool class
        if issubclass(dialect.get_pool_class(parsed), QueuePool):
            sizes = {"pool_size": pool_size, "max_overflow": pool_size}
        engine = create_async_engine(parsed, echo=echo, connect_args={"timeout": 30}, **sizes)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_async_engine(
        url,
        echo=echo,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,
    )


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)

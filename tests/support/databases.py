"""Real databases for the tests: one PostgreSQL database per run, SQLite files per test."""

from __future__ import annotations

import os
import secrets
import shutil
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import asyncpg
from sqlalchemy import event
from sqlalchemy.engine import make_url

from crm_store.migrate import upgrade
from crm_store.session import create_engine, create_sessionmaker

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator
    from pathlib import Path

    from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

AUTH_TABLE_MARK = "api_keys"
DEFAULT_ADMIN_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"


def admin_url() -> str:
    return os.environ.get("FRONTDESK_TEST_DATABASE_URL", DEFAULT_ADMIN_URL)


def _asyncpg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def postgres_problem() -> str | None:
    """Why the test PostgreSQL cannot be used, or None when it can."""
    url = admin_url()
    try:
        connection = await asyncpg.connect(_asyncpg_dsn(url), timeout=5)
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        return (
            f"PostgreSQL is not reachable at {make_url(url).render_as_string()} ({exc}). "
            "Start it (the tests need a real server) or point FRONTDESK_TEST_DATABASE_URL at "
            "one: postgresql+asyncpg://USER[:PASSWORD]@HOST:PORT/DATABASE with the right to "
            "create databases."
        )
    await connection.close()
    return None


@asynccontextmanager
async def postgres_database() -> AsyncIterator[str]:
    """A fresh database for this run, migrated to head; dropped afterwards."""
    url = make_url(admin_url())
    name = f"frontdesk_test_{os.getpid()}_{secrets.token_hex(3)}"
    admin = await asyncpg.connect(_asyncpg_dsn(admin_url()))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        database_url = url.set(database=name).render_as_string(hide_password=False)
        engine = create_engine(database_url)
        try:
            await upgrade(engine)
        finally:
            await engine.dispose()
        yield database_url
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def migrated_sqlite_file(path: Path) -> Path:
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()
    return path


@dataclass
class QueryCounter:
    statements: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.statements)


@dataclass
class Store:
    """A CRM store a test talks to: its dialect, a sessionmaker, and a statement counter."""

    dialect: str
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    url: str
    _counters: list[QueryCounter] = field(default_factory=list)

    def __post_init__(self) -> None:
        event.listen(self.engine.sync_engine, "before_cursor_execute", self._on_execute)

    def detach(self) -> None:
        event.remove(self.engine.sync_engine, "before_cursor_execute", self._on_execute)

    def _on_execute(self, _conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")):
            return
        if AUTH_TABLE_MARK in statement:
            # Authenticating the request (the API-key lookup) is a fixed cost of every request,
            # counted by the security tests; query counts measure what resolvers issue.
            return
        for counter in self._counters:
            counter.statements.append(statement)

    @contextmanager
    def count_queries(self) -> Iterator[QueryCounter]:
        """Counts the SQL statements run inside the block (savepoints excepted)."""
        counter = QueryCounter()
        self._counters.append(counter)
        try:
            yield counter
        finally:
            self._counters.remove(counter)


def copy_sqlite(template: Path, target: Path) -> str:
    shutil.copyfile(template, target)
    return f"sqlite+aiosqlite:///{target}"


def sqlite_store(url: str) -> Store:
    engine = create_engine(url)
    return Store("sqlite", engine, create_sessionmaker(engine), url)

"""Alembic environment: runs on a connection handed in by ``crm_store.migrate``."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from alembic import context

from crm_store.models import Base
from crm_store.session import create_engine

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_from_url(url: str) -> None:
    engine = create_engine(url)
    async with engine.begin() as connection:
        await connection.run_sync(_run)
    await engine.dispose()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("set sqlalchemy.url, or run migrations with `frontdesk migrate`")
    asyncio.run(_run_from_url(url))


if context.is_offline_mode():
    raise RuntimeError("offline migrations are not supported; run `frontdesk migrate`")
run_migrations_online()

"""Migration 0002 goes down and up again cleanly (SQLite; PostgreSQL runs it up every run)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from alembic import command
from sqlalchemy import inspect

from crm_store.migrate import alembic_config, upgrade
from crm_store.session import create_engine

if TYPE_CHECKING:
    from pathlib import Path

    from sqlalchemy.engine import Connection

CRM_TABLES = {"contacts", "interactions", "leads", "lead_transitions"}


def _downgrade(connection: Connection) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.downgrade(config, "0001")


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


async def test_0002_downgrades_and_upgrades(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'crm.sqlite3'}")
    try:
        await upgrade(engine)
        async with engine.begin() as connection:
            assert await connection.run_sync(_tables) >= CRM_TABLES
            await connection.run_sync(_downgrade)
            assert not CRM_TABLES & await connection.run_sync(_tables)
        await upgrade(engine)
        async with engine.connect() as connection:
            assert await connection.run_sync(_tables) >= CRM_TABLES
    finally:
        await engine.dispose()

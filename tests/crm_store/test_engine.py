"""The CRM store's engine on SQLite: its pool keeps the connections it is given."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from sqlalchemy import event, text

from crm_store.session import create_engine

if TYPE_CHECKING:
    from pathlib import Path


async def test_a_sqlite_file_keeps_its_pool_of_connections_under_load(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'crm.sqlite3'}", pool_size=8)
    opened: list[Any] = []
    event.listen(engine.sync_engine, "connect", lambda connection, _record: opened.append(1))
    release = asyncio.Event()

    async def hold() -> None:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
            await release.wait()

    try:
        for _ in range(3):  # three bursts of 8 requests in flight at once
            release.clear()
            burst = [asyncio.create_task(hold()) for _ in range(8)]
            await asyncio.sleep(0.05)
            release.set()
            await asyncio.gather(*burst)
        assert len(opened) == 8  # opened for the first burst, reused by the next two
    finally:
        await engine.dispose()


async def test_an_in_memory_sqlite_database_keeps_its_single_connection() -> None:
    engine = create_engine("sqlite+aiosqlite:///:memory:", pool_size=8)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("CREATE TABLE t (x INTEGER)"))
            await connection.execute(text("INSERT INTO t VALUES (1)"))
        async with engine.connect() as connection:
            assert (await connection.execute(text("SELECT x FROM t"))).scalar() == 1
    finally:
        await engine.dispose()

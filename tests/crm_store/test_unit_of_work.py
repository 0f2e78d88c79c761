"""A unit of work's reads: a read-only one reads on a bare pooled connection and never holds
two; any other reads through its session, where it sees its own writes."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from crm_store.models import InteractionRow
from crm_store.repositories import InteractionOwner, InteractionPage, interaction_slices
from crm_store.session import create_sessionmaker
from crm_store.unit_of_work import UnitOfWork
from tests.support.crm import customer_calls

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

    from tests.support.databases import Store

PAGE = InteractionPage(first=2)


class Committed:
    """An engine-bound sessionmaker over committed rows (a unit of work checks connections
    out of the engine's pool), with the customer numbers seeded."""

    def __init__(self, engine: AsyncEngine, number: str) -> None:
        self.engine = engine
        self.sessionmaker: async_sessionmaker[AsyncSession] = create_sessionmaker(engine)
        self.number = number
        self.idle = 0

    def checked_out(self) -> int:
        """Connections out of the pool beyond those held when the test began."""
        pool: Any = self.engine.sync_engine.pool
        return int(pool.checkedout()) - self.idle


@pytest.fixture
async def committed(store: Store, postgres_engine: AsyncEngine) -> AsyncIterator[Committed]:
    """On each backend of ``store``: PostgreSQL's committed rows (the store's own session
    lives in a transaction rolled back at the end), SQLite's file."""
    engine = postgres_engine if store.dialect == "postgresql" else store.engine
    found = Committed(engine, f"UOW-{uuid.uuid4().hex[:8]}")
    async with found.sessionmaker() as session:
        session.add_all(customer_calls(found.number, 3))
        await session.commit()
    found.idle = found.checked_out()
    try:
        yield found
    finally:
        async with found.sessionmaker() as session:
            await session.execute(
                delete(InteractionRow).where(InteractionRow.customer_number == found.number)
            )
            await session.commit()


def subjects(slices: dict[Any, Any], number: str) -> list[str]:
    return [record.subject for record in slices[number].rows]


async def test_a_read_only_unit_reads_on_a_bare_connection(committed: Committed) -> None:
    number = committed.number
    uow = UnitOfWork(committed.sessionmaker, read_only=True)
    async with uow.reads() as reader:
        assert isinstance(reader, AsyncConnection)
        found = await interaction_slices(reader, InteractionOwner.CUSTOMER, [number], PAGE)
    assert subjects(found, number) == [f"{number} call {i}" for i in (2, 1, 0)]
    assert found[number].total == 3
    assert uow.started
    assert committed.checked_out() == 1
    await uow.close()
    assert committed.checked_out() == 0
    assert not uow.started


async def test_a_session_asked_for_later_shares_the_bare_connection(committed: Committed) -> None:
    uow = UnitOfWork(committed.sessionmaker, read_only=True)
    async with uow.reads() as reader:
        assert isinstance(reader, AsyncConnection)
        bare = reader.sync_connection.connection.dbapi_connection  # type: ignore[union-attr]
    async with uow.session() as session:
        held = (await session.connection()).sync_connection.connection.dbapi_connection  # type: ignore[union-attr]
        assert held is bare
        assert committed.checked_out() == 1
        rows = (await session.scalars(InteractionRow.__table__.select())).all()
        assert rows  # the session reads on it
    async with uow.reads() as again:
        assert again is session  # once there is a session, reads go through it
    await uow.close()
    assert committed.checked_out() == 0


async def test_a_unit_that_may_write_reads_its_own_writes_through_its_session(
    committed: Committed,
) -> None:
    number = committed.number
    uow = UnitOfWork(committed.sessionmaker)  # not read-only: a mutation's unit
    async with uow.session() as session:
        session.add_all(customer_calls(number, 5)[3:])
        await session.flush()
    async with uow.reads() as reader:
        assert isinstance(reader, AsyncSession)
        found = await interaction_slices(reader, InteractionOwner.CUSTOMER, [number], PAGE)
    assert found[number].total == 5  # the two uncommitted rows are seen
    await uow.rollback()
    await uow.close()
    assert committed.checked_out() == 0

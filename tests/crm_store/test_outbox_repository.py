"""Claims and leases of the outbox, on both dialects."""

import datetime as dt

from crm_store.models.outbox import OutboxStatus
from crm_store.repositories.outbox import OutboxRepository
from tests.support.databases import Store

T0 = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
LEASE = dt.timedelta(minutes=5)


async def _queue(store: Store, count: int, *, at: dt.datetime = T0) -> None:
    async with store.sessionmaker() as session, session.begin():
        outbox = OutboxRepository(session)
        for n in range(count):
            outbox.add("test", {"n": n}, now=at)


async def _claim(store: Store, worker: str, now: dt.datetime, limit: int = 10) -> list[int]:
    async with store.sessionmaker() as session, session.begin():
        rows = await OutboxRepository(session).claim_due(
            "test", worker=worker, now=now, lease_until=now + LEASE, limit=limit
        )
        return [row.payload["n"] for row in rows]


async def test_a_claimed_message_is_nobody_else_s_until_its_lease_ends(store: Store) -> None:
    await _queue(store, 3)
    first = await _claim(store, "a", T0, limit=2)
    second = await _claim(store, "b", T0 + dt.timedelta(minutes=1))
    assert len(first) == 2
    assert sorted(first + second) == [0, 1, 2]
    assert await _claim(store, "c", T0 + dt.timedelta(minutes=2)) == []
    assert sorted(await _claim(store, "c", T0 + dt.timedelta(minutes=6))) == sorted(first)


async def test_only_the_current_holder_settles_a_message(store: Store) -> None:
    await _queue(store, 1)
    async with store.sessionmaker() as session, session.begin():
        (message,) = await OutboxRepository(session).claim_due(
            "test", worker="a", now=T0, lease_until=T0 + LEASE, limit=1
        )
    later = T0 + dt.timedelta(minutes=10)
    assert await _claim(store, "b", later) == [0]
    async with store.sessionmaker() as session, session.begin():
        outbox = OutboxRepository(session)
        assert not await outbox.settle(message.id, worker="a", status=OutboxStatus.DONE, now=later)
        assert not await outbox.retry_later(message.id, worker="a", at=later, error="x")
        assert await outbox.settle(message.id, worker="b", status=OutboxStatus.DONE, now=later)
        backlog = await outbox.backlog("test", now=later)
    assert (backlog.pending, backlog.oldest_due_created_at) == (0, None)


async def test_the_backlog_counts_waiting_messages_and_the_oldest_due(store: Store) -> None:
    await _queue(store, 2, at=T0)
    await _queue(store, 1, at=T0 + dt.timedelta(hours=1))
    async with store.sessionmaker() as session:
        backlog = await OutboxRepository(session).backlog("test", now=T0 + dt.timedelta(minutes=1))
    assert backlog.pending == 3
    assert backlog.oldest_due_created_at == T0

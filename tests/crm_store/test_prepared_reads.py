"""Prepared reads give what ``session.execute`` gives, inside the session's transaction, counted
like any statement; interaction pages are read through them."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, select
from sqlalchemy.exc import DBAPIError

from crm_store.models import ComplaintStatus, Direction, InteractionKind, InteractionRow
from crm_store.prepared import PreparedRead
from crm_store.repositories.interactions import (
    InteractionFilter,
    InteractionOwner,
    InteractionPage,
    InteractionRecord,
    InteractionRepository,
    _Shape,
    _slices_read,
    _slices_statement,
)
from crm_store.statement_count import install_statement_counter, track_statements

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlalchemy.ext.asyncio import AsyncSession

    from tests.support.databases import Store

START = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
NUMBERS = [f"C{10001 + i}" for i in range(6)]
SHAPES = [
    _Shape(InteractionOwner.CUSTOMER, *flags)
    for flags in itertools.product([False, True], repeat=4)
]


def history(rng: random.Random) -> list[InteractionRow]:
    """Interactions of the first five customers (none for the sixth): every kind, ties on
    ``occurred_at``, complaints with a status, resolution and satisfaction."""
    rows = []
    for number in NUMBERS[:5]:
        for _ in range(rng.randint(0, 12)):
            kind = rng.choice(list(InteractionKind))
            complaint = kind is InteractionKind.COMPLAINT
            resolved = complaint and rng.random() < 0.5
            rows.append(
                InteractionRow(
                    kind=kind,
                    direction=rng.choice(list(Direction)),
                    subject=f"{number} {kind}",
                    body=rng.choice([None, "notes"]),
                    occurred_at=START + dt.timedelta(hours=rng.randint(0, 30)),
                    owner=rng.choice([None, "alice"]),
                    customer_number=number,
                    complaint_status=(
                        (ComplaintStatus.RESOLVED if resolved else ComplaintStatus.OPEN)
                        if complaint
                        else None
                    ),
                    resolution="refunded" if resolved else None,
                    resolved_at=START + dt.timedelta(days=3, microseconds=17) if resolved else None,
                    resolved_by="bob" if resolved else None,
                    satisfaction=rng.randint(1, 5) if resolved else None,
                )
            )
    return rows


def typed(rows: Sequence[Sequence[Any]]) -> list[list[tuple[type, Any]]]:
    """Rows with each value's type: a stored enum must come back as the enum, not its name,
    and a timestamp with its timezone."""
    return [[(type(value), value) for value in row] for row in rows]


async def seeded(store: Store, seed: int) -> list[InteractionRow]:
    rows = history(random.Random(seed))
    async with store.sessionmaker() as session:
        session.add_all(rows)
        await session.commit()
    return rows


def parameters_of(
    shape: _Shape, keys: list[str], rows: list[InteractionRow], rng: random.Random
) -> dict[str, Any]:
    parameters: dict[str, Any] = {"keys": keys, "limit": rng.randint(1, 6)}
    if shape.after:
        cursor = rng.choice(rows)
        parameters["after_at"], parameters["after_id"] = cursor.occurred_at, cursor.id
    if shape.kind:
        parameters["kind"] = rng.choice(list(InteractionKind))
    if shape.since:
        parameters["since"] = START + dt.timedelta(hours=rng.randint(0, 20))
    if shape.until:
        parameters["until"] = START + dt.timedelta(hours=rng.randint(10, 31))
    return parameters


@pytest.mark.parametrize("shape", SHAPES, ids=repr)
async def test_every_page_shape_reads_what_sqlalchemy_reads(store: Store, shape: _Shape) -> None:
    rows = await seeded(store, seed=SHAPES.index(shape))
    rng = random.Random(7)
    async with store.sessionmaker() as session:
        dialect = session.get_bind().dialect.name
        read = _slices_read(shape, dialect)
        for _ in range(12):
            keys = rng.sample(NUMBERS, rng.randint(1, len(NUMBERS)))
            parameters = parameters_of(shape, keys, rows, rng)
            statement = _slices_statement(shape, dialect)
            expected = (await session.execute(statement, parameters)).all()
            prepared = await read.all(session, parameters)
            assert typed(prepared) == typed(expected), parameters


def model_slice(
    rows: list[InteractionRow], number: str, page: InteractionPage
) -> tuple[list[int], int]:
    """What ``slices`` must give for one customer, computed here: the ids of its page (up to
    ``first + 1`` newest rows after the cursor, among those matching the filter) and its
    total."""
    wanted = page.filter
    matching = [
        row
        for row in rows
        if row.customer_number == number
        and (wanted.kind is None or row.kind is wanted.kind)
        and (wanted.since is None or row.occurred_at >= wanted.since)
        and (wanted.until is None or row.occurred_at < wanted.until)
    ]
    newest_first = sorted(matching, key=lambda row: (row.occurred_at, row.id), reverse=True)
    after = page.after
    if after is not None:
        newest_first = [row for row in newest_first if (row.occurred_at, row.id) < after]
    return [row.id for row in newest_first[: page.first + 1]], len(matching)


@pytest.mark.parametrize("shape", SHAPES, ids=repr)
async def test_every_page_shape_gives_each_owner_its_page_and_total(
    store: Store, shape: _Shape
) -> None:
    rows = await seeded(store, seed=100 + SHAPES.index(shape))
    rng = random.Random(11)
    async with store.sessionmaker() as session:
        repository = InteractionRepository(session)
        for _ in range(12):
            keys = rng.sample(NUMBERS, rng.randint(1, len(NUMBERS)))
            parameters = parameters_of(shape, keys, rows, rng)
            page = InteractionPage(
                first=max(parameters["limit"] - 1, 1),
                after=(parameters["after_at"], parameters["after_id"]) if shape.after else None,
                filter=InteractionFilter(
                    kind=parameters.get("kind"),
                    since=parameters.get("since"),
                    until=parameters.get("until"),
                ),
            )
            found = await repository.slices(InteractionOwner.CUSTOMER, keys, page)
            assert set(found) == set(keys)
            for number in keys:
                ids, total = model_slice(rows, number, page)
                assert ([record.id for record in found[number].rows], found[number].total) == (
                    ids,
                    total,
                ), (number, page)


async def test_a_read_after_a_write_in_the_same_transaction_sees_the_write(store: Store) -> None:
    page = InteractionPage(first=5)
    async with store.sessionmaker() as session:
        repository = InteractionRepository(session)
        before = await repository.slices(InteractionOwner.CUSTOMER, ["C10001"], page)
        assert before["C10001"].total == 0
        row = await repository.add(
            InteractionRow(
                kind=InteractionKind.CALL,
                direction=Direction.INBOUND,
                subject="first call",
                occurred_at=START,
                customer_number="C10001",
            )
        )
        after = await repository.slices(InteractionOwner.CUSTOMER, ["C10001"], page)
        await session.rollback()
    assert after["C10001"].total == 1
    [record] = after["C10001"].rows
    assert record == InteractionRecord(
        id=row.id,
        kind=InteractionKind.CALL,
        direction=Direction.INBOUND,
        subject="first call",
        body=None,
        occurred_at=START,
        owner=None,
        customer_number="C10001",
        lead_id=None,
        contact_id=None,
        complaint_status=None,
        assignee=None,
        resolution=None,
        resolved_at=None,
        resolved_by=None,
        satisfaction=None,
    )
    assert record.kind is InteractionKind.CALL
    assert record.occurred_at.tzinfo is not None


async def test_pages_of_many_owners_are_one_counted_statement(store: Store) -> None:
    rows = await seeded(store, seed=3)
    install_statement_counter(store.engine)
    page = InteractionPage(
        first=2, filter=InteractionFilter(since=START, until=START + dt.timedelta(days=2))
    )
    async with store.sessionmaker() as session:
        repository = InteractionRepository(session)
        with store.count_queries() as counter, track_statements() as tally:
            found = await repository.slices(InteractionOwner.CUSTOMER, NUMBERS, page)
    assert counter.count == 1
    assert tally.statements == 1
    for number in NUMBERS:
        own = sorted(
            (row for row in rows if row.customer_number == number),
            key=lambda row: (row.occurred_at, row.id),
            reverse=True,
        )
        assert found[number].total == len(own)
        assert [record.id for record in found[number].rows] == [row.id for row in own[:3]]


async def test_the_same_read_serves_batches_of_any_size(store: Store) -> None:
    await seeded(store, seed=5)
    page = InteractionPage(first=1)
    async with store.sessionmaker() as session:
        repository = InteractionRepository(session)
        one = await repository.slices(InteractionOwner.CUSTOMER, ["C10002"], page)
        all_ = await repository.slices(InteractionOwner.CUSTOMER, NUMBERS, page)
        again = await repository.slices(InteractionOwner.CUSTOMER, ["C10002"], page)
    assert one["C10002"] == all_["C10002"] == again["C10002"]
    assert all_[NUMBERS[-1]].rows == []


async def test_a_failing_read_raises_sqlalchemys_error(store: Store) -> None:
    missing = Table("no_such_table", MetaData(), Column("id", Integer))
    read = PreparedRead(select(missing.c.id).where(missing.c.id == 1))
    async with store.sessionmaker() as session:
        with pytest.raises(DBAPIError, match="no_such_table") as raised:
            await read.all(session, {})
        await session.rollback()
    assert "no_such_table" in str(raised.value.statement)
    assert isinstance(raised.value.orig, store.engine.dialect.loaded_dbapi.Error)


async def session_rows(session: AsyncSession, read: PreparedRead) -> list[tuple[Any, ...]]:
    return await read.all(session, {})


async def test_a_read_with_no_rows_has_empty_columns(store: Store) -> None:
    read = PreparedRead(
        select(InteractionRow.id, InteractionRow.kind).where(InteractionRow.id == -1)
    )
    async with store.sessionmaker() as session:
        assert await session_rows(session, read) == []
        assert await read.columns(session, {}) == [(), ()]

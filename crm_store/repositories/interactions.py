"""Interactions: newest-first pages per customer, lead or contact, in one statement per batch.

Pages are keyset-paginated by ``(occurred_at desc, id desc)``. For a batch of owners (say the
100 customers of a page) ``slices`` fetches each owner's first ``N + 1`` rows after the cursor
and, in the same statement, each owner's total: on PostgreSQL with
``ROW_NUMBER() OVER (PARTITION BY owner ORDER BY occurred_at DESC, id DESC)`` and
``COUNT(*) OVER (PARTITION BY owner)``; on SQLite, where sorting through window functions
costs about twice as much, with ``GROUP BY`` totals and a correlated ``ORDER BY ... LIMIT``
per owner. The (owner, occurred_at, id) indexes serve both, read backwards. It runs as a
prepared read (``crm_store.prepared``): pages are read for every customer shown, and
SQLAlchemy's ORM and execution cost more than the query; the rows come back as light
``InteractionRecord`` tuples.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache, partial
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    and_,
    bindparam,
    case,
    func,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.orm import aliased

from crm_store.models.interactions import InteractionRow
from crm_store.prepared import PreparedRead, dialect_name
from crm_store.repositories.base import Repository

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable, Hashable, Iterable

    from crm_store.models.enums import ComplaintStatus, Direction, InteractionKind
    from crm_store.prepared import Reader


class InteractionOwner(StrEnum):
    CUSTOMER = "customer_number"
    LEAD = "lead_id"
    CONTACT = "contact_id"

    @property
    def column(self) -> Any:
        return getattr(InteractionRow, self.value)


class InteractionRecord(NamedTuple):
    """An interaction as a page shows it (``InteractionFields``): its columns, read-only."""

    id: int
    kind: InteractionKind
    direction: Direction
    subject: str
    body: str | None
    occurred_at: dt.datetime
    owner: str | None
    customer_number: str | None
    lead_id: int | None
    contact_id: int | None
    complaint_status: ComplaintStatus | None
    assignee: str | None
    resolution: str | None
    resolved_at: dt.datetime | None
    resolved_by: str | None
    satisfaction: int | None


_RECORD_COLUMNS = len(InteractionRecord._fields)
_record: Callable[[tuple[Any, ...]], InteractionRecord] = partial(tuple.__new__, InteractionRecord)
"""``InteractionRecord._make`` without its Python frame (a page makes hundreds)."""


@dataclass(frozen=True, slots=True)
class InteractionFilter:
    kind: InteractionKind | None = None
    since: dt.datetime | None = None
    """Inclusive lower bound of ``occurred_at``."""
    until: dt.datetime | None = None
    """Exclusive upper bound of ``occurred_at``."""


@dataclass(frozen=True, slots=True)
class InteractionPage:
    """What one connection asks for: ``first`` rows after ``after`` matching ``filter``."""

    first: int
    after: tuple[dt.datetime, int] | None = None
    filter: InteractionFilter = InteractionFilter()


@dataclass(frozen=True, slots=True)
class InteractionSlice:
    """One owner's page: up to ``first + 1`` rows (the extra one means "there is more")."""

    rows: list[InteractionRecord]
    total: int


@dataclass(frozen=True, slots=True)
class _Shape:
    """What a ``slices`` statement looks like; its values travel as bound parameters."""

    owner: InteractionOwner
    after: bool
    kind: bool
    since: bool
    until: bool


@lru_cache(maxsize=128)
def _slices_read(shape: _Shape, dialect: str) -> PreparedRead:
    return PreparedRead(_slices_statement(shape, dialect))


def _slices_statement(shape: _Shape, dialect: str) -> Select[Any]:
    """The ``slices`` statement of one shape on one dialect (built once, by
    ``_slices_read``): the record's columns, then ``total``, ``in_page`` and ``key`` (the
    owner). An owner with matching rows but none in its page has one row with ``in_page``
    false (its total); an owner with no matching rows has none.

    Parameters: ``keys`` (expanding), ``limit`` (``first + 1``), ``after_at``/``after_id``,
    ``kind``, ``since``, ``until``, as the shape has them.
    """
    if dialect == "sqlite":
        return _correlated_slices(shape)
    return _windowed_slices(shape)


def _matching(shape: _Shape, row: Any) -> list[ColumnElement[bool]]:
    """The filter's conditions on ``row`` (the interactions table or an alias of it)."""
    conditions: list[ColumnElement[bool]] = []
    if shape.kind:
        conditions.append(row.kind == bindparam("kind"))
    if shape.since:
        conditions.append(row.occurred_at >= bindparam("since"))
    if shape.until:
        conditions.append(row.occurred_at < bindparam("until"))
    return conditions


def _after(row: Any) -> ColumnElement[bool]:
    """``row`` comes after the cursor, newest first."""
    return or_(
        row.occurred_at < bindparam("after_at"),
        and_(row.occurred_at == bindparam("after_at"), row.id < bindparam("after_id")),
    )


def _correlated_slices(shape: _Shape) -> Select[Any]:
    """SQLite: each owner's total by ``GROUP BY``, and its page as the ids of a correlated
    ``ORDER BY ... LIMIT`` on the (owner, occurred_at, id) index, joined by rowid. About
    half the cost of sorting every owner's rows through window functions."""
    column = shape.owner.column
    counted = (
        select(column.label("key"), func.count().label("total"))
        .where(column.in_(bindparam("keys", expanding=True)), *_matching(shape, InteractionRow))
        .group_by(column)
        .subquery("counted")
    )
    row = aliased(InteractionRow, name="page_row")
    in_page = [getattr(row, shape.owner.value) == counted.c.key, *_matching(shape, row)]
    if shape.after:
        in_page.append(_after(row))
    page = (
        select(row.id)
        .where(*in_page)
        .order_by(row.occurred_at.desc(), row.id.desc())
        .limit(bindparam("limit", type_=Integer))
        .correlate(counted)
    )
    table = InteractionRow.__table__
    return (
        select(
            *(table.c[name] for name in InteractionRecord._fields),
            counted.c.total,
            table.c.id.is_not(None).label("in_page"),
            counted.c.key,
        )
        .select_from(counted)
        .outerjoin(table, table.c.id.in_(page))
        .order_by(table.c.occurred_at.desc(), table.c.id.desc())
    )


def _windowed_slices(shape: _Shape) -> Select[Any]:
    """PostgreSQL: over each owner's rows matching the filter, newest first, ``total`` is
    ``COUNT(*) OVER (PARTITION BY owner)``; a row's place after the cursor is its
    ``ROW_NUMBER()`` minus the rows at or before the cursor (a windowed ``SUM(CASE ...)``).
    Each owner's newest row is always returned (``in_page`` false when it is not after the
    cursor) so that an owner whose page is empty still reports its total."""
    column = shape.owner.column
    newest_first = (InteractionRow.occurred_at.desc(), InteractionRow.id.desc())
    overall = func.row_number().over(partition_by=column, order_by=newest_first)
    in_page: ColumnElement[int]
    position: ColumnElement[int]
    if not shape.after:
        in_page = literal(1)
        position = overall
    else:
        after = _after(InteractionRow)
        in_page = case((after, 1), else_=0)
        at_or_before = func.sum(case((after, 0), else_=1)).over(partition_by=column)
        position = overall - at_or_before
    ranked = (
        select(
            InteractionRow.id,
            overall.label("overall"),
            position.label("position"),
            in_page.label("in_page"),
            func.count().over(partition_by=column).label("total"),
        )
        .where(column.in_(bindparam("keys", expanding=True)), *_matching(shape, InteractionRow))
        .subquery("ranked")
    )
    table = InteractionRow.__table__
    return (
        select(
            *(table.c[name] for name in InteractionRecord._fields),
            ranked.c.total,
            ranked.c.in_page,
            table.c[shape.owner.value],
        )
        .join(ranked, ranked.c.id == table.c.id)
        .where(
            or_(
                and_(
                    ranked.c.in_page == 1,
                    ranked.c.position <= bindparam("limit", type_=Integer),
                ),
                ranked.c.overall == 1,
            )
        )
        .order_by(*newest_first)
    )


async def interaction_slices(
    reader: Reader, owner: InteractionOwner, keys: Iterable[Hashable], page: InteractionPage
) -> dict[Any, InteractionSlice]:
    """Each key's page (up to ``page.first + 1`` newest rows after the cursor) and its total
    (rows matching the filter, all pages): one statement for the whole batch, of the reader's
    dialect (``_slices_statement``), on a session or a bare connection (``UnitOfWork.reads``).
    """
    wanted = list(dict.fromkeys(keys))
    if not wanted:
        return {}
    wanted_filter = page.filter
    shape = _Shape(
        owner=owner,
        after=page.after is not None,
        kind=wanted_filter.kind is not None,
        since=wanted_filter.since is not None,
        until=wanted_filter.until is not None,
    )
    parameters: dict[str, Any] = {"keys": wanted, "limit": page.first + 1}
    if page.after is not None:
        parameters["after_at"], parameters["after_id"] = page.after
    if wanted_filter.kind is not None:
        parameters["kind"] = wanted_filter.kind
    if wanted_filter.since is not None:
        parameters["since"] = wanted_filter.since
    if wanted_filter.until is not None:
        parameters["until"] = wanted_filter.until
    columns = await _slices_read(shape, dialect_name(reader)).columns(reader, parameters)
    records = map(_record, zip(*columns[:_RECORD_COLUMNS], strict=True))
    totals_column, in_page_column, owners = columns[_RECORD_COLUMNS:]
    rows: dict[Any, list[InteractionRecord]] = defaultdict(list)
    totals: dict[Any, int] = {}
    for record, key, total, in_page in zip(
        records, owners, totals_column, in_page_column, strict=True
    ):
        totals[key] = total
        if in_page:
            rows[key].append(record)
    return {
        key: InteractionSlice(rows=rows.get(key, []), total=totals.get(key, 0)) for key in wanted
    }


class InteractionRepository(Repository[InteractionRow]):
    model = InteractionRow

    async def slices(
        self, owner: InteractionOwner, keys: Iterable[Hashable], page: InteractionPage
    ) -> dict[Any, InteractionSlice]:
        """``interaction_slices`` through the repository's session."""
        return await interaction_slices(self.session, owner, keys, page)

    async def activity_of_lead(self, lead_id: int) -> dict[tuple[InteractionKind, Direction], int]:
        """How many interactions of each kind and direction a lead has: one query."""
        counted = await self.session.execute(
            select(InteractionRow.kind, InteractionRow.direction, func.count())
            .where(InteractionRow.lead_id == lead_id)
            .group_by(InteractionRow.kind, InteractionRow.direction)
        )
        return {(kind, direction): count for kind, direction, count in counted.all()}

    async def repoint_lead(self, lead_id: int, customer_number: str) -> int:
        """Put the lead's interactions on the customer's history too; how many moved."""
        result = await self.session.execute(
            update(InteractionRow)
            .where(InteractionRow.lead_id == lead_id)
            .values(customer_number=customer_number)
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0) or 0)

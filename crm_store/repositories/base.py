"""A generic typed repository: rows of one model by id, one at a time or a batch at once."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm.attributes import set_committed_value

from crm_store.base import Base, utcnow

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from sqlalchemy import ColumnElement
    from sqlalchemy.ext.asyncio import AsyncSession

RowT = TypeVar("RowT", bound=Base)


class Repository(Generic[RowT]):
    """Subclasses name their ``model``; every method issues at most one statement."""

    model: ClassVar[type[Any]]

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, id: int) -> RowT | None:
        row: RowT | None = await self.session.get(self.model, id)
        return row

    async def by_ids(self, ids: Iterable[int]) -> dict[int, RowT]:
        """Rows by id, one query for the batch; missing ids are absent."""
        wanted = sorted(set(ids))
        if not wanted:
            return {}
        id_column = self.model.id
        rows: Sequence[RowT] = (
            await self.session.scalars(select(self.model).where(id_column.in_(wanted)))
        ).all()
        return {row.id: row for row in rows}  # type: ignore[attr-defined]

    async def any(self) -> bool:
        """Whether the table has any row at all."""
        found = await self.session.scalar(select(self.model.id).limit(1))
        return found is not None

    async def add(self, row: RowT) -> RowT:
        """Insert ``row`` and flush so that it has its id; the edge commits."""
        self.session.add(row)
        await self.session.flush()
        return row

    async def update_if(
        self, row: RowT, guard: ColumnElement[bool], values: Mapping[str, Any]
    ) -> bool:
        """``UPDATE <table> SET values, updated_at WHERE id = row.id AND guard``, and the
        loaded ``row`` brought up to date when it matched.

        False (and nothing changed) when the guard no longer holds: another transaction
        changed the row since it was read. On PostgreSQL the second of two concurrent
        writers waits for the first's row lock, then finds the guard false: exactly one wins.
        """
        new_values = {**values, "updated_at": utcnow()}
        result = cast(
            "CursorResult[Any]",
            await self.session.execute(
                update(self.model)
                .where(self.model.id == row.id, guard)  # type: ignore[attr-defined]
                .values(**new_values)
                .execution_options(synchronize_session=False)
            ),
        )
        if result.rowcount != 1:
            return False
        for key, value in new_values.items():
            set_committed_value(row, key, value)
        return True

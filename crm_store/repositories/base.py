"""A generic typed repository: rows of one model by id, one at a time or a batch at once."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from sqlalchemy import select

from crm_store.base import Base

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

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

"""Payment notice templates; exactly one is the default (a partial unique index says so)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select, update

from crm_store.models.payments import NoticeTemplateRow

if TYPE_CHECKING:
    import uuid
    from collections.abc import Sequence

    from sqlalchemy.ext.asyncio import AsyncSession


class NoticeTemplateRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, template_id: uuid.UUID) -> NoticeTemplateRow | None:
        return await self._session.get(NoticeTemplateRow, template_id)

    async def by_name(self, name: str) -> NoticeTemplateRow | None:
        return await self._session.scalar(
            select(NoticeTemplateRow).where(NoticeTemplateRow.name == name)
        )

    async def default(self) -> NoticeTemplateRow | None:
        return await self._session.scalar(
            select(NoticeTemplateRow).where(NoticeTemplateRow.is_default.is_(True))
        )

    async def all(self) -> Sequence[NoticeTemplateRow]:
        result = await self._session.scalars(
            select(NoticeTemplateRow).order_by(NoticeTemplateRow.name)
        )
        return result.all()

    async def add(self, row: NoticeTemplateRow) -> NoticeTemplateRow:
        if row.is_default:
            await self._clear_default()
        self._session.add(row)
        await self._session.flush()
        return row

    async def make_default(self, row: NoticeTemplateRow) -> None:
        if not row.is_default:
            await self._clear_default()
            row.is_default = True
        await self._session.flush()

    async def _clear_default(self) -> None:
        await self._session.execute(
            update(NoticeTemplateRow)
            .where(NoticeTemplateRow.is_default.is_(True))
            .values(is_default=False)
        )
        await self._session.flush()

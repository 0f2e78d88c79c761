"""API keys: create (hash only), find by prefix, list, revoke, note use."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import select, update

from crm_store.base import utcnow
from crm_store.models.security import ApiKeyRow

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlalchemy.ext.asyncio import AsyncSession

LAST_USED_RESOLUTION = dt.timedelta(minutes=1)
"""``last_used_at`` is rewritten at most this often, so that reads stay reads."""


class ApiKeyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(
        self, *, name: str, prefix: str, key_hash: str, role: str, partner_id: str | None
    ) -> ApiKeyRow:
        row = ApiKeyRow(
            name=name, prefix=prefix, key_hash=key_hash, role=role, partner_id=partner_id
        )
        self._session.add(row)
        await self._session.flush()
        return row

    async def by_prefix(self, prefix: str) -> ApiKeyRow | None:
        result = await self._session.execute(select(ApiKeyRow).where(ApiKeyRow.prefix == prefix))
        return result.scalar_one_or_none()

    async def by_id(self, key_id: int) -> ApiKeyRow | None:
        return await self._session.get(ApiKeyRow, key_id)

    async def all(self) -> Sequence[ApiKeyRow]:
        result = await self._session.execute(select(ApiKeyRow).order_by(ApiKeyRow.id))
        return result.scalars().all()

    async def revoke(self, key_id: int) -> ApiKeyRow | None:
        row = await self.by_id(key_id)
        if row is not None and row.revoked_at is None:
            row.revoked_at = utcnow()
            await self._session.flush()
        return row

    async def note_use(self, row: ApiKeyRow, *, now: dt.datetime | None = None) -> bool:
        """Record that the key was used; ``True`` when a write was needed."""
        now = now or utcnow()
        if row.last_used_at is not None and now - row.last_used_at < LAST_USED_RESOLUTION:
            return False
        await self._session.execute(
            update(ApiKeyRow).where(ApiKeyRow.id == row.id).values(last_used_at=now)
        )
        return True

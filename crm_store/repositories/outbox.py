"""Outbox messages: enqueue, claim under a lease, settle.

On PostgreSQL a claim is ``SELECT id ... FOR UPDATE SKIP LOCKED`` then ``UPDATE ... WHERE id IN
(those)``, so concurrent workers skip each other's rows; on SQLite (one writer at a time) it is
a single conditional ``UPDATE ... WHERE id IN (SELECT ... due ...) RETURNING``. Either way the
claim sets a lease (``claimed_until``) and the claimer's token, and settling a message checks
the token, so a worker whose lease lapsed can never settle a message someone else now holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, or_, select, type_coerce, update

from crm_store.base import UtcDateTime
from crm_store.models.outbox import OutboxMessageRow, OutboxStatus

if TYPE_CHECKING:
    import datetime as dt
    import uuid
    from collections.abc import Sequence

    from sqlalchemy.ext.asyncio import AsyncSession


@dataclass(frozen=True, slots=True)
class OutboxBacklog:
    """How many messages of a kind wait, and since when the oldest due one has waited."""

    pending: int
    oldest_due_created_at: dt.datetime | None


class OutboxRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def add(self, kind: str, payload: dict[str, Any], *, now: dt.datetime) -> OutboxMessageRow:
        """Queue a message in the caller's transaction (flushed with it)."""
        row = OutboxMessageRow(
            kind=kind,
            payload=payload,
            status=OutboxStatus.PENDING,
            attempts=0,
            next_attempt_at=now,
            created_at=now,
        )
        self._session.add(row)
        return row

    async def claim_due(
        self,
        kind: str,
        *,
        worker: str,
        now: dt.datetime,
        lease_until: dt.datetime,
        limit: int,
    ) -> Sequence[OutboxMessageRow]:
        """Take up to ``limit`` due messages for ``worker`` until ``lease_until``."""
        m = OutboxMessageRow
        due = (
            m.status == OutboxStatus.PENDING,
            m.kind == kind,
            m.next_attempt_at <= now,
            or_(m.claimed_until.is_(None), m.claimed_until < now),
        )
        candidates = select(m.id).where(*due).order_by(m.next_attempt_at, m.id).limit(limit)
        if self._session.get_bind().dialect.name == "postgresql":
            # Lock the candidates first: PostgreSQL may re-run a LIMIT subquery inside an
            # UPDATE's IN (...), so the locked ids are fixed before the UPDATE sees them.
            ids = list(await self._session.scalars(candidates.with_for_update(skip_locked=True)))
            if not ids:
                return []
            chosen = m.id.in_(ids)
        else:
            # SQLite has one writer at a time: the conditional UPDATE is the claim.
            chosen = m.id.in_(candidates)
        statement = (
            update(m)
            .where(chosen, *due)
            .values(claimed_until=lease_until, claimed_by=worker, attempts=m.attempts + 1)
            .returning(m)
            .execution_options(synchronize_session=False)
        )
        rows = (await self._session.scalars(statement)).all()
        return sorted(rows, key=lambda row: (row.next_attempt_at, str(row.id)))

    async def settle(
        self,
        message_id: uuid.UUID,
        *,
        worker: str,
        status: OutboxStatus,
        now: dt.datetime,
        error: str | None = None,
    ) -> bool:
        """Close a claimed message as DONE or FAILED; False when ``worker`` no longer holds it."""
        m = OutboxMessageRow
        result = await self._session.execute(
            update(m)
            .where(m.id == message_id, m.claimed_by == worker, m.status == OutboxStatus.PENDING)
            .values(
                status=status,
                claimed_until=None,
                last_error=error,
                sent_at=now if status is OutboxStatus.DONE else None,
            )
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0) == 1)

    async def retry_later(
        self, message_id: uuid.UUID, *, worker: str, at: dt.datetime, error: str
    ) -> bool:
        """Release a claimed message for another attempt at ``at``."""
        m = OutboxMessageRow
        result = await self._session.execute(
            update(m)
            .where(m.id == message_id, m.claimed_by == worker, m.status == OutboxStatus.PENDING)
            .values(next_attempt_at=at, claimed_until=None, claimed_by=None, last_error=error)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0) == 1)

    async def backlog(self, kind: str, *, now: dt.datetime) -> OutboxBacklog:
        m = OutboxMessageRow
        pending, oldest = (
            await self._session.execute(
                select(
                    func.count(),
                    type_coerce(
                        func.min(m.created_at).filter(m.next_attempt_at <= now), UtcDateTime()
                    ),
                ).where(m.status == OutboxStatus.PENDING, m.kind == kind)
            )
        ).one()
        return OutboxBacklog(pending=int(pending), oldest_due_created_at=oldest)

"""Idempotency keys: look one up, claim it for a running operation, record its outcome."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from crm_store.models.idempotency import IdempotencyKeyRow
from crm_store.repositories.base import Repository

PENDING = "pending"
DONE = "done"


class IdempotencyKeyRepository(Repository[IdempotencyKeyRow]):
    model = IdempotencyKeyRow

    async def find(self, key: str, operation: str) -> IdempotencyKeyRow | None:
        row: IdempotencyKeyRow | None = await self.session.scalar(
            select(IdempotencyKeyRow).where(
                IdempotencyKeyRow.key == key, IdempotencyKeyRow.operation == operation
            )
        )
        return row

    async def claim(self, key: str, operation: str, fingerprint: str) -> IdempotencyKeyRow | None:
        """Insert the key as ``pending``; None when another transaction holds it already.

        On PostgreSQL a concurrent claim of the same key waits for the holder's transaction,
        then fails on the primary key: the savepoint keeps the caller's transaction usable.
        """
        row = IdempotencyKeyRow(key=key, operation=operation, fingerprint=fingerprint)
        row.status = PENDING
        try:
            async with self.session.begin_nested():
                self.session.add(row)
        except IntegrityError:
            return None
        return row

    async def finish(self, row: IdempotencyKeyRow, customer_number: str) -> None:
        row.status = DONE
        row.customer_number = customer_number
        await self.session.flush()

"""The transactional outbox: side effects written with the data that causes them.

A message is written in the same transaction as the change that calls for it and delivered
later by a worker, so a crash loses nothing and a rolled-back change sends nothing.
"""

from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Enum, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from crm_store.base import Base, utcnow


class OutboxStatus(StrEnum):
    PENDING = "PENDING"
    """Waiting for its next attempt (``next_attempt_at``)."""
    DONE = "DONE"
    """Delivered, or settled without delivery (a notice skipped for want of an address)."""
    FAILED = "FAILED"
    """Given up: a permanent error, or too many attempts."""


class OutboxMessageRow(Base):
    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_due", "status", "kind", "next_attempt_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    kind: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[OutboxStatus] = mapped_column(
        Enum(
            OutboxStatus,
            name="outbox_status",
            native_enum=False,
            create_constraint=True,
            length=16,
            values_callable=lambda members: [member.value for member in members],
        ),
        default=OutboxStatus.PENDING,
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    claimed_until: Mapped[dt.datetime | None]
    """A worker's lease: nobody else takes the message before this time."""
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[dt.datetime | None]

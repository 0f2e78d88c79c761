"""Credentials and partner scoping: API keys (hashes only) and customer-to-partner assignments."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from crm_store.base import Base, utcnow


class ApiKeyRow(Base):
    """An API key of a service account or partner portal.

    The key itself is shown once, when created; the row keeps its lookup ``prefix`` and the
    SHA-256 of the whole key (a high-entropy random key needs no slow hash).
    """

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200))
    prefix: Mapped[str] = mapped_column(String(32), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(32))
    partner_id: Mapped[str | None] = mapped_column(String(64), default=None)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(default=None)


class PartnerAssignmentRow(Base):
    """A customer (by ERP customer number) assigned to a partner: the partner may see it."""

    __tablename__ = "partner_assignments"

    customer_number: Mapped[str] = mapped_column(String(64), primary_key=True)
    partner_id: Mapped[str] = mapped_column(String(64), index=True)
    assigned_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

"""Contacts: the people who work for an ERP customer (the company itself stays in the ERP)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from crm_store.base import Base, TimestampMixin


class ContactRow(TimestampMixin, Base):
    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_number: Mapped[str] = mapped_column(String(32))
    """The ERP's customer number; no foreign key, the ERP owns customers."""
    name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(32))
    """E.164, normalised on write."""
    is_primary: Mapped[bool] = mapped_column(default=False)
    notes: Mapped[str | None] = mapped_column(Text)
    archived_at: Mapped[dt.datetime | None] = mapped_column()
    """Archived contacts are kept (their interactions still point at them) but not listed."""

    __table_args__ = (
        Index("ix_contacts_customer_number_name", "customer_number", "name"),
        Index("ix_contacts_email", "email"),
    )

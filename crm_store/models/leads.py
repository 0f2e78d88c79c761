"""Leads and their audited transition history."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Enum, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm_store.base import Base, TimestampMixin, utcnow
from crm_store.models.enums import LeadStatus


def lead_status_type(name: str) -> Enum:
    return Enum(
        LeadStatus,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=20,
        validate_strings=True,
    )


class LeadRow(TimestampMixin, Base):
    __tablename__ = "leads"

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[LeadStatus] = mapped_column(
        lead_status_type("lead_status"), default=LeadStatus.NEW
    )
    name: Mapped[str] = mapped_column(String(200))
    company: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(32))
    source: Mapped[str | None] = mapped_column(String(100))
    owner: Mapped[str | None] = mapped_column(String(100))
    street: Mapped[str | None] = mapped_column(String(200))
    city: Mapped[str | None] = mapped_column(String(100))
    postal_code: Mapped[str | None] = mapped_column(String(20))
    region: Mapped[str | None] = mapped_column(String(100))
    country: Mapped[str | None] = mapped_column(String(2))
    """ISO 3166-1 alpha-2."""
    version: Mapped[int] = mapped_column(default=1)
    """Optimistic concurrency: every write is ``UPDATE ... WHERE version = :seen``."""
    converted_customer_number: Mapped[str | None] = mapped_column(String(32))
    converted_at: Mapped[dt.datetime | None] = mapped_column()

    history: Mapped[list[LeadTransitionRow]] = relationship(
        back_populates="lead", lazy="raise", order_by="LeadTransitionRow.id"
    )

    __table_args__ = (
        Index("ix_leads_status_id", "status", "id"),
        Index("ix_leads_owner", "owner"),
        Index("ix_leads_source", "source"),
        Index("ix_leads_email", "email"),
    )


class LeadTransitionRow(Base):
    __tablename__ = "lead_transitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"))
    from_status: Mapped[LeadStatus] = mapped_column(lead_status_type("lead_transition_from"))
    to_status: Mapped[LeadStatus] = mapped_column(lead_status_type("lead_transition_to"))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    by: Mapped[str | None] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)

    lead: Mapped[LeadRow] = relationship(back_populates="history", lazy="raise")

    __table_args__ = (Index("ix_lead_transitions_lead_id_at", "lead_id", "at", "id"),)

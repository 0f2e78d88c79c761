"""Interactions: the activity history of a customer and/or a lead (calls, e-mails, ...).

Complaints are interactions of kind ``COMPLAINT`` that also carry a case (status, assignee,
resolution, satisfaction); those columns are null on every other kind.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from sqlalchemy import CheckConstraint, Enum, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm_store.base import Base, TimestampMixin
from crm_store.models.contacts import ContactRow
from crm_store.models.enums import ComplaintStatus, Direction, InteractionKind
from crm_store.models.leads import LeadRow


def _enum(enum: type[InteractionKind | Direction | ComplaintStatus], name: str) -> Enum:
    return Enum(
        enum, name=name, native_enum=False, create_constraint=True, length=20, validate_strings=True
    )


class InteractionRow(TimestampMixin, Base):
    __tablename__ = "interactions"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[InteractionKind] = mapped_column(_enum(InteractionKind, "interaction_kind"))
    direction: Mapped[Direction] = mapped_column(_enum(Direction, "interaction_direction"))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str | None] = mapped_column(Text)
    occurred_at: Mapped[dt.datetime] = mapped_column()
    owner: Mapped[str | None] = mapped_column(String(100))
    customer_number: Mapped[str | None] = mapped_column(String(32))
    """The ERP's customer number; no foreign key, the ERP owns customers."""
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id", ondelete="SET NULL"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"))
    complaint_status: Mapped[ComplaintStatus | None] = mapped_column(
        _enum(ComplaintStatus, "complaint_status")
    )
    assignee: Mapped[str | None] = mapped_column(String(100))
    resolution: Mapped[str | None] = mapped_column(Text)
    resolved_at: Mapped[dt.datetime | None] = mapped_column()
    resolved_by: Mapped[str | None] = mapped_column(String(100))
    satisfaction: Mapped[int | None] = mapped_column()

    lead: Mapped[LeadRow | None] = relationship(lazy="raise")
    contact: Mapped[ContactRow | None] = relationship(lazy="raise")

    __table_args__ = (
        CheckConstraint(
            "customer_number IS NOT NULL OR lead_id IS NOT NULL", name="customer_or_lead"
        ),
        CheckConstraint(
            "satisfaction IS NULL OR (satisfaction >= 1 AND satisfaction <= 5)",
            name="satisfaction_range",
        ),
        Index(
            "ix_interactions_customer_number_occurred_at",
            "customer_number",
            "occurred_at",
            "id",
        ),
        Index("ix_interactions_lead_id_occurred_at", "lead_id", "occurred_at", "id"),
        Index("ix_interactions_contact_id_occurred_at", "contact_id", "occurred_at", "id"),
        Index("ix_interactions_complaint_status", "complaint_status"),
    )


class InteractionFields(Protocol):
    """What a reader of an interaction sees: an ``InteractionRow`` or a lighter record read
    for a page (``InteractionRecord``)."""

    @property
    def id(self) -> int: ...
    @property
    def kind(self) -> InteractionKind: ...
    @property
    def direction(self) -> Direction: ...
    @property
    def subject(self) -> str: ...
    @property
    def body(self) -> str | None: ...
    @property
    def occurred_at(self) -> dt.datetime: ...
    @property
    def owner(self) -> str | None: ...
    @property
    def customer_number(self) -> str | None: ...
    @property
    def lead_id(self) -> int | None: ...
    @property
    def contact_id(self) -> int | None: ...
    @property
    def complaint_status(self) -> ComplaintStatus | None: ...
    @property
    def assignee(self) -> str | None: ...
    @property
    def resolution(self) -> str | None: ...
    @property
    def resolved_at(self) -> dt.datetime | None: ...
    @property
    def resolved_by(self) -> str | None: ...
    @property
    def satisfaction(self) -> int | None: ...

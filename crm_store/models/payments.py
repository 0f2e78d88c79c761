"""Payments imported from the ERP, their import batches, notice templates and e-mail overrides.

Customer numbers are plain strings: the ERP owns customers, so nothing here has a foreign key
to them.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from crm_store.base import Base, TimestampMixin, utcnow
from crm_store.types import ExactDecimal


class PaymentMethod(StrEnum):
    CHEQUE = "CHEQUE"
    TRANSFER = "TRANSFER"
    WIRE = "WIRE"
    CARD = "CARD"
    OTHER = "OTHER"


class NoticeStatus(StrEnum):
    QUEUED = "QUEUED"
    SENT = "SENT"
    FAILED = "FAILED"
    SKIPPED = "SKIPPED"


def _enum(cls: type[StrEnum], name: str) -> Enum:
    return Enum(
        cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=16,
        values_callable=lambda members: [member.value for member in members],
    )


class PaymentImportBatchRow(Base):
    """One imported file: where it came from and what became of its rows."""

    __tablename__ = "payment_import_batches"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    source: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str | None] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    total_rows: Mapped[int] = mapped_column(Integer)
    imported_rows: Mapped[int] = mapped_column(Integer)
    existing_rows: Mapped[int] = mapped_column(Integer)
    invalid_rows: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class PaymentRow(TimestampMixin, Base):
    """A payment the ERP recorded, and the state of the notice that tells the customer."""

    __tablename__ = "payments"
    __table_args__ = (UniqueConstraint("source", "reference"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    source: Mapped[str] = mapped_column(String(64))
    reference: Mapped[str] = mapped_column(String(128))
    customer_number: Mapped[str] = mapped_column(String(64), index=True)
    amount: Mapped[Decimal] = mapped_column(ExactDecimal())
    currency: Mapped[str] = mapped_column(String(3))
    method: Mapped[PaymentMethod] = mapped_column(_enum(PaymentMethod, "payment_method"))
    value_date: Mapped[dt.date] = mapped_column(Date)
    remittance: Mapped[str | None] = mapped_column(Text)
    import_batch_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("payment_import_batches.id"), index=True
    )
    notice_status: Mapped[NoticeStatus] = mapped_column(
        _enum(NoticeStatus, "notice_status"), default=NoticeStatus.QUEUED
    )
    notice_sent_at: Mapped[dt.datetime | None]
    notice_error: Mapped[str | None] = mapped_column(Text)


class NoticeTemplateRow(TimestampMixin, Base):
    """A payment notice's subject and body (text and HTML parts), as Jinja2 templates."""

    __tablename__ = "notice_templates"
    __table_args__ = (
        Index(
            "uq_notice_templates_default",
            "is_default",
            unique=True,
            postgresql_where=text("is_default"),
            sqlite_where=text("is_default"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    subject: Mapped[str] = mapped_column(String(500))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)


class CustomerEmailOverrideRow(TimestampMixin, Base):
    """Where a customer's notices go instead of the e-mail address the ERP holds."""

    __tablename__ = "customer_email_overrides"

    customer_number: Mapped[str] = mapped_column(String(64), primary_key=True)
    email: Mapped[str] = mapped_column(String(320))

"""GraphQL shapes of payments, their notices and notice templates."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry

from crm_store.models.payments import NoticeTemplateRow, PaymentRow
from resolvers.customers.erp_types import Money
from resolvers.node import Node, key_of, to_global_id
from resolvers.permissions import Capability
from resolvers.scoping import scoped
from workflows.payments.money import minor_units

if TYPE_CHECKING:
    from resolvers.customers.types import Customer


@strawberry.enum(description="How a payment was made.")
class PaymentMethod(Enum):
    CHEQUE = "CHEQUE"
    TRANSFER = "TRANSFER"
    WIRE = "WIRE"
    CARD = "CARD"
    OTHER = "OTHER"


@strawberry.enum(description="Where a payment's notice stands.")
class NoticeStatus(Enum):
    QUEUED = "QUEUED"
    SENT = "SENT"
    FAILED = "FAILED"
    SKIPPED = "SKIPPED"


def rounded(amount: Decimal, currency: str) -> Money:
    """The amount with its currency's decimals (ISO 4217)."""
    return Money(
        amount=amount.quantize(Decimal(1).scaleb(-minor_units(currency))), currency=currency
    )


def uuid_of(global_id: str | None, type_name: str) -> uuid.UUID | None:
    """The UUID inside a global id of ``type_name``, or None for anything else."""
    if global_id is None:
        return None
    key = key_of(global_id, type_name)
    if key is None:
        return None
    try:
        return uuid.UUID(key)
    except ValueError:
        return None


@scoped(Capability.READ_PAYMENTS, customer="customer_number")
@strawberry.type(description="A payment the ERP recorded, and the notice telling the customer.")
class Payment(Node):
    reference: str
    customer_number: str
    amount: Money = strawberry.field(description="Rounded to the currency's decimals.")
    method: PaymentMethod
    value_date: dt.date
    remittance: str | None
    source: str = strawberry.field(
        description="Where it was imported from; with the reference, its key."
    )
    notice_status: NoticeStatus
    notice_sent_at: dt.datetime | None
    notice_error: str | None = strawberry.field(
        description="Why the notice failed or was skipped, or the last transient error."
    )
    imported_at: dt.datetime

    @classmethod
    def from_row(cls, row: PaymentRow) -> Payment:
        return cls(
            id=to_global_id("Payment", str(row.id)),
            reference=row.reference,
            customer_number=row.customer_number,
            amount=rounded(row.amount, row.currency),
            method=PaymentMethod(row.method.value),
            value_date=row.value_date,
            remittance=row.remittance,
            source=row.source,
            notice_status=NoticeStatus(row.notice_status.value),
            notice_sent_at=row.notice_sent_at,
            notice_error=row.notice_error,
            imported_at=row.created_at,
        )

    @strawberry.field(description="The customer paid (its ERP fields load live).")
    def customer(self) -> Annotated[Customer, strawberry.lazy("resolvers.customers.types")] | None:
        from resolvers.customers.types import Customer

        return Customer.from_number(self.customer_number)


@scoped(Capability.READ_PAYMENTS)  # no customer: partners never see templates
@strawberry.type(description="A payment notice's subject and bodies, as Jinja2 templates.")
class NoticeTemplate(Node):
    name: str
    subject: str
    body_text: str
    body_html: str | None
    is_default: bool = strawberry.field(description="The template the sender uses.")
    updated_at: dt.datetime

    @classmethod
    def from_row(cls, row: NoticeTemplateRow) -> NoticeTemplate:
        return cls(
            id=to_global_id("NoticeTemplate", str(row.id)),
            name=row.name,
            subject=row.subject,
            body_text=row.body_text,
            body_html=row.body_html,
            is_default=row.is_default,
            updated_at=row.updated_at,
        )


@strawberry.type(description="A notice as it would be sent now; nothing is sent.")
class NoticePreview:
    subject: str
    text: str
    html: str | None
    recipient: str | None = strawberry.field(
        description="Where it would go (the override, else the ERP's e-mail); null: skipped."
    )
    recipient_problem: str | None = strawberry.field(
        description="Why there is no recipient (the notice would be SKIPPED)."
    )

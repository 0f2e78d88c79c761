"""Opportunities with their stage history, campaigns with their members, complaint histories.

Money is stored as a whole number of ten-thousandths (``amount_units``) plus an ISO 4217
currency: sums and probability-weighted sums then stay exact in SQL on every dialect (SQLite
has no decimal type), and ``Decimal(units) / 10_000`` gives the amount back.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import BigInteger, CheckConstraint, Date, Enum, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from crm_store.base import Base, TimestampMixin, utcnow
from crm_store.models.enums import ComplaintStatus

UNITS_PER_AMOUNT = 10_000
"""``amount_units`` per unit of currency (four decimal places, as NUMERIC(18, 4))."""


class OpportunityStage(StrEnum):
    PROSPECTING = "PROSPECTING"
    QUALIFICATION = "QUALIFICATION"
    PROPOSAL = "PROPOSAL"
    NEGOTIATION = "NEGOTIATION"
    WON = "WON"
    LOST = "LOST"


OPEN_STAGES = (
    OpportunityStage.PROSPECTING,
    OpportunityStage.QUALIFICATION,
    OpportunityStage.PROPOSAL,
    OpportunityStage.NEGOTIATION,
)
"""The open stages in their order; WON and LOST close an opportunity."""


class CampaignChannel(StrEnum):
    EMAIL = "EMAIL"
    EVENT = "EVENT"
    CALL = "CALL"
    SOCIAL = "SOCIAL"


class CampaignStatus(StrEnum):
    DRAFT = "DRAFT"
    ACTIVE = "ACTIVE"
    CLOSED = "CLOSED"


class MemberStatus(StrEnum):
    MEMBER = "MEMBER"
    RESPONDED = "RESPONDED"
    CONVERTED = "CONVERTED"


def _enum(cls: type[StrEnum], name: str) -> Enum:
    return Enum(
        cls, name=name, native_enum=False, create_constraint=True, length=20, validate_strings=True
    )


class CampaignRow(TimestampMixin, Base):
    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    channel: Mapped[CampaignChannel] = mapped_column(_enum(CampaignChannel, "campaign_channel"))
    status: Mapped[CampaignStatus] = mapped_column(
        _enum(CampaignStatus, "campaign_status"), default=CampaignStatus.DRAFT
    )
    budget_units: Mapped[int | None] = mapped_column(BigInteger)
    budget_currency: Mapped[str | None] = mapped_column(String(3))
    starts_at: Mapped[dt.datetime | None] = mapped_column()
    ends_at: Mapped[dt.datetime | None] = mapped_column()
    created_by: Mapped[str | None] = mapped_column(String(100))

    __table_args__ = (
        CheckConstraint(
            "(budget_units IS NULL) = (budget_currency IS NULL)", name="budget_has_currency"
        ),
    )


class CampaignMemberRow(Base):
    """A customer, lead or contact a campaign reached, and how it answered."""

    __tablename__ = "campaign_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    customer_number: Mapped[str | None] = mapped_column(String(32))
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"))
    status: Mapped[MemberStatus] = mapped_column(
        _enum(MemberStatus, "campaign_member_status"), default=MemberStatus.MEMBER
    )
    added_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    responded_at: Mapped[dt.datetime | None] = mapped_column()
    converted_at: Mapped[dt.datetime | None] = mapped_column()

    __table_args__ = (
        CheckConstraint("(customer_number IS NULL) <> (lead_id IS NULL)", name="customer_xor_lead"),
        Index(
            "uq_campaign_members_campaign_id_customer_number",
            "campaign_id",
            "customer_number",
            unique=True,
        ),
        Index("uq_campaign_members_campaign_id_lead_id", "campaign_id", "lead_id", unique=True),
        Index("ix_campaign_members_customer_number", "customer_number"),
        Index("ix_campaign_members_lead_id", "lead_id"),
    )


class OpportunityRow(TimestampMixin, Base):
    __tablename__ = "opportunities"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    customer_number: Mapped[str | None] = mapped_column(String(32))
    """The ERP's customer number; no foreign key, the ERP owns customers."""
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id", ondelete="SET NULL"))
    owner: Mapped[str | None] = mapped_column(String(100))
    stage: Mapped[OpportunityStage] = mapped_column(
        _enum(OpportunityStage, "opportunity_stage"), default=OpportunityStage.PROSPECTING
    )
    amount_units: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str | None] = mapped_column(String(3))
    probability: Mapped[int | None] = mapped_column()
    expected_close_date: Mapped[dt.date | None] = mapped_column(Date)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id", ondelete="SET NULL"))
    lost_reason: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[dt.datetime | None] = mapped_column()

    __table_args__ = (
        CheckConstraint(
            "customer_number IS NOT NULL OR lead_id IS NOT NULL", name="customer_or_lead"
        ),
        CheckConstraint(
            "probability IS NULL OR (probability >= 0 AND probability <= 100)",
            name="probability_range",
        ),
        CheckConstraint("(amount_units IS NULL) = (currency IS NULL)", name="amount_has_currency"),
        Index("ix_opportunities_stage_id", "stage", "id"),
        Index("ix_opportunities_customer_number_id", "customer_number", "id"),
        Index("ix_opportunities_lead_id_id", "lead_id", "id"),
        Index("ix_opportunities_owner", "owner"),
        Index("ix_opportunities_campaign_id", "campaign_id"),
        Index("ix_opportunities_closed_at", "closed_at"),
    )


class OpportunityStageChangeRow(Base):
    """One move of an opportunity: from (null at creation), to, when, by whom."""

    __tablename__ = "opportunity_stage_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id", ondelete="CASCADE"))
    from_stage: Mapped[OpportunityStage | None] = mapped_column(
        _enum(OpportunityStage, "opportunity_change_from")
    )
    to_stage: Mapped[OpportunityStage] = mapped_column(
        _enum(OpportunityStage, "opportunity_change_to")
    )
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    by: Mapped[str | None] = mapped_column(String(100))

    __table_args__ = (Index("ix_opportunity_stage_changes_opportunity_id", "opportunity_id", "id"),)


class ComplaintTransitionRow(Base):
    """One change of a complaint's case status; re-opening keeps the earlier resolution here."""

    __tablename__ = "complaint_transitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    interaction_id: Mapped[int] = mapped_column(ForeignKey("interactions.id", ondelete="CASCADE"))
    from_status: Mapped[ComplaintStatus] = mapped_column(
        _enum(ComplaintStatus, "complaint_transition_from")
    )
    to_status: Mapped[ComplaintStatus] = mapped_column(
        _enum(ComplaintStatus, "complaint_transition_to")
    )
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    by: Mapped[str | None] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_complaint_transitions_interaction_id", "interaction_id", "id"),)

"""Sales, service and marketing: opportunities, stage changes, campaigns, members, complaint
transitions.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STAGES = ("PROSPECTING", "QUALIFICATION", "PROPOSAL", "NEGOTIATION", "WON", "LOST")
CHANNELS = ("EMAIL", "EVENT", "CALL", "SOCIAL")
CAMPAIGN_STATUSES = ("DRAFT", "ACTIVE", "CLOSED")
MEMBER_STATUSES = ("MEMBER", "RESPONDED", "CONVERTED")
COMPLAINT_STATUSES = ("OPEN", "IN_PROGRESS", "RESOLVED")
AT = sa.DateTime(timezone=True)


def _enum(values: Sequence[str], name: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=20)


def _timestamps() -> list[sa.Column[object]]:
    return [
        sa.Column("created_at", AT, server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", AT, server_default=sa.func.now(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "campaigns",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("channel", _enum(CHANNELS, "campaign_channel"), nullable=False),
        sa.Column("status", _enum(CAMPAIGN_STATUSES, "campaign_status"), nullable=False),
        sa.Column("budget_units", sa.BigInteger(), nullable=True),
        sa.Column("budget_currency", sa.String(3), nullable=True),
        sa.Column("starts_at", AT, nullable=True),
        sa.Column("ends_at", AT, nullable=True),
        sa.Column("created_by", sa.String(100), nullable=True),
        *_timestamps(),
        sa.CheckConstraint(
            "(budget_units IS NULL) = (budget_currency IS NULL)", name="budget_has_currency"
        ),
    )
    op.create_table(
        "campaign_members",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "campaign_id",
            sa.Integer(),
            sa.ForeignKey("campaigns.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("customer_number", sa.String(32), nullable=True),
        sa.Column(
            "lead_id", sa.Integer(), sa.ForeignKey("leads.id", ondelete="CASCADE"), nullable=True
        ),
        sa.Column("status", _enum(MEMBER_STATUSES, "campaign_member_status"), nullable=False),
        sa.Column("added_at", AT, nullable=False),
        sa.Column("responded_at", AT, nullable=True),
        sa.Column("converted_at", AT, nullable=True),
        sa.CheckConstraint(
            "(customer_number IS NULL) <> (lead_id IS NULL)", name="customer_xor_lead"
        ),
    )
    op.create_index(
        "uq_campaign_members_campaign_id_customer_number",
        "campaign_members",
        ["campaign_id", "customer_number"],
        unique=True,
    )
    op.create_index(
        "uq_campaign_members_campaign_id_lead_id",
        "campaign_members",
        ["campaign_id", "lead_id"],
        unique=True,
    )
    op.create_index("ix_campaign_members_customer_number", "campaign_members", ["customer_number"])
    op.create_index("ix_campaign_members_lead_id", "campaign_members", ["lead_id"])

    op.create_table(
        "opportunities",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("customer_number", sa.String(32), nullable=True),
        sa.Column(
            "lead_id", sa.Integer(), sa.ForeignKey("leads.id", ondelete="SET NULL"), nullable=True
        ),
        sa.Column("owner", sa.String(100), nullable=True),
        sa.Column("stage", _enum(STAGES, "opportunity_stage"), nullable=False),
        sa.Column("amount_units", sa.BigInteger(), nullable=True),
        sa.Column("currency", sa.String(3), nullable=True),
        sa.Column("probability", sa.Integer(), nullable=True),
        sa.Column("expected_close_date", sa.Date(), nullable=True),
        sa.Column(
            "campaign_id",
            sa.Integer(),
            sa.ForeignKey("campaigns.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("lost_reason", sa.Text(), nullable=True),
        sa.Column("closed_at", AT, nullable=True),
        *_timestamps(),
        sa.CheckConstraint(
            "customer_number IS NOT NULL OR lead_id IS NOT NULL", name="customer_or_lead"
        ),
        sa.CheckConstraint(
            "probability IS NULL OR (probability >= 0 AND probability <= 100)",
            name="probability_range",
        ),
        sa.CheckConstraint(
            "(amount_units IS NULL) = (currency IS NULL)", name="amount_has_currency"
        ),
    )
    op.create_index("ix_opportunities_stage_id", "opportunities", ["stage", "id"])
    op.create_index(
        "ix_opportunities_customer_number_id", "opportunities", ["customer_number", "id"]
    )
    op.create_index("ix_opportunities_lead_id_id", "opportunities", ["lead_id", "id"])
    op.create_index("ix_opportunities_owner", "opportunities", ["owner"])
    op.create_index("ix_opportunities_campaign_id", "opportunities", ["campaign_id"])
    op.create_index("ix_opportunities_closed_at", "opportunities", ["closed_at"])

    op.create_table(
        "opportunity_stage_changes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "opportunity_id",
            sa.Integer(),
            sa.ForeignKey("opportunities.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("from_stage", _enum(STAGES, "opportunity_change_from"), nullable=True),
        sa.Column("to_stage", _enum(STAGES, "opportunity_change_to"), nullable=False),
        sa.Column("at", AT, nullable=False),
        sa.Column("by", sa.String(100), nullable=True),
    )
    op.create_index(
        "ix_opportunity_stage_changes_opportunity_id",
        "opportunity_stage_changes",
        ["opportunity_id", "id"],
    )

    op.create_table(
        "complaint_transitions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "interaction_id",
            sa.Integer(),
            sa.ForeignKey("interactions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "from_status", _enum(COMPLAINT_STATUSES, "complaint_transition_from"), nullable=False
        ),
        sa.Column(
            "to_status", _enum(COMPLAINT_STATUSES, "complaint_transition_to"), nullable=False
        ),
        sa.Column("at", AT, nullable=False),
        sa.Column("by", sa.String(100), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
    )
    op.create_index(
        "ix_complaint_transitions_interaction_id",
        "complaint_transitions",
        ["interaction_id", "id"],
    )


def downgrade() -> None:
    op.drop_table("complaint_transitions")
    op.drop_table("opportunity_stage_changes")
    op.drop_table("opportunities")
    op.drop_table("campaign_members")
    op.drop_table("campaigns")

"""CRM: contacts, leads with their transition history, interactions.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LEAD_STATUSES = (
    "NEW",
    "CHECKED",
    "VERIFIED",
    "CONTACTED",
    "QUALIFIED",
    "CONVERTED",
    "DISQUALIFIED",
)
KINDS = ("CALL", "EMAIL", "MEETING", "NOTE", "COMPLAINT", "PAYMENT_NOTICE")
DIRECTIONS = ("INBOUND", "OUTBOUND")
COMPLAINT_STATUSES = ("OPEN", "IN_PROGRESS", "RESOLVED")


def _enum(values: Sequence[str], name: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=20)


def _timestamps() -> list[sa.Column[object]]:
    return [
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
    ]


def upgrade() -> None:
    op.create_table(
        "contacts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("customer_number", sa.String(32), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("title", sa.String(200), nullable=True),
        sa.Column("email", sa.String(254), nullable=True),
        sa.Column("phone", sa.String(32), nullable=True),
        sa.Column("is_primary", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True),
        *_timestamps(),
    )
    op.create_index("ix_contacts_customer_number_name", "contacts", ["customer_number", "name"])
    op.create_index("ix_contacts_email", "contacts", ["email"])

    op.create_table(
        "leads",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("status", _enum(LEAD_STATUSES, "lead_status"), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("company", sa.String(200), nullable=True),
        sa.Column("email", sa.String(254), nullable=True),
        sa.Column("phone", sa.String(32), nullable=True),
        sa.Column("source", sa.String(100), nullable=True),
        sa.Column("owner", sa.String(100), nullable=True),
        sa.Column("street", sa.String(200), nullable=True),
        sa.Column("city", sa.String(100), nullable=True),
        sa.Column("postal_code", sa.String(20), nullable=True),
        sa.Column("region", sa.String(100), nullable=True),
        sa.Column("country", sa.String(2), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("converted_customer_number", sa.String(32), nullable=True),
        sa.Column("converted_at", sa.DateTime(timezone=True), nullable=True),
        *_timestamps(),
    )
    op.create_index("ix_leads_status_id", "leads", ["status", "id"])
    op.create_index("ix_leads_owner", "leads", ["owner"])
    op.create_index("ix_leads_source", "leads", ["source"])
    op.create_index("ix_leads_email", "leads", ["email"])

    op.create_table(
        "lead_transitions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "lead_id",
            sa.Integer(),
            sa.ForeignKey("leads.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("from_status", _enum(LEAD_STATUSES, "lead_transition_from"), nullable=False),
        sa.Column("to_status", _enum(LEAD_STATUSES, "lead_transition_to"), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by", sa.String(100), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
    )
    op.create_index("ix_lead_transitions_lead_id_at", "lead_transitions", ["lead_id", "at", "id"])

    op.create_table(
        "interactions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", _enum(KINDS, "interaction_kind"), nullable=False),
        sa.Column("direction", _enum(DIRECTIONS, "interaction_direction"), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("owner", sa.String(100), nullable=True),
        sa.Column("customer_number", sa.String(32), nullable=True),
        sa.Column(
            "lead_id",
            sa.Integer(),
            sa.ForeignKey("leads.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column(
            "contact_id",
            sa.Integer(),
            sa.ForeignKey("contacts.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("complaint_status", _enum(COMPLAINT_STATUSES, "complaint_status"), nullable=True),
        sa.Column("assignee", sa.String(100), nullable=True),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_by", sa.String(100), nullable=True),
        sa.Column("satisfaction", sa.Integer(), nullable=True),
        *_timestamps(),
        sa.CheckConstraint(
            "customer_number IS NOT NULL OR lead_id IS NOT NULL", name="customer_or_lead"
        ),
        sa.CheckConstraint(
            "satisfaction IS NULL OR (satisfaction >= 1 AND satisfaction <= 5)",
            name="satisfaction_range",
        ),
    )
    op.create_index(
        "ix_interactions_customer_number_occurred_at",
        "interactions",
        ["customer_number", "occurred_at", "id"],
    )
    op.create_index(
        "ix_interactions_lead_id_occurred_at", "interactions", ["lead_id", "occurred_at", "id"]
    )
    op.create_index(
        "ix_interactions_contact_id_occurred_at",
        "interactions",
        ["contact_id", "occurred_at", "id"],
    )
    op.create_index("ix_interactions_complaint_status", "interactions", ["complaint_status"])


def downgrade() -> None:
    op.drop_table("interactions")
    op.drop_table("lead_transitions")
    op.drop_table("leads")
    op.drop_table("contacts")

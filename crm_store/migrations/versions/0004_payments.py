"""Payments, their import batches, notice templates, e-mail overrides and the outbox.

Ships the default payment notice template as data.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

METHODS = ("CHEQUE", "TRANSFER", "WIRE", "CARD", "OTHER")
NOTICE_STATUSES = ("QUEUED", "SENT", "FAILED", "SKIPPED")
OUTBOX_STATUSES = ("PENDING", "DONE", "FAILED")
# Exact on PostgreSQL; SQLite has no decimal type, so amounts are stored as text there.
AMOUNT = sa.Numeric(18, 4).with_variant(sa.String(40), "sqlite")

DEFAULT_SUBJECT = "Payment {{ payment.reference }}: {{ payment.amount }} is on its way"
DEFAULT_TEXT = """Dear {{ customer.name }},

we have made a payment to you (customer number {{ customer.number }}):

  Reference:  {{ payment.reference }}
  Amount:     {{ payment.amount }}
  Method:     {{ payment.method }}
  Value date: {{ payment.value_date }}
{% if payment.remittance %}  Remittance: {{ payment.remittance }}
{% endif %}
If it has not reached you within a few days of the value date, please reply to this message
quoting the reference.

Kind regards,
Accounts payable
"""
DEFAULT_HTML = """<p>Dear {{ customer.name }},</p>
<p>we have made a payment to you (customer number {{ customer.number }}):</p>
<table>
  <tr><th align="left">Reference</th><td>{{ payment.reference }}</td></tr>
  <tr><th align="left">Amount</th><td>{{ payment.amount }}</td></tr>
  <tr><th align="left">Method</th><td>{{ payment.method }}</td></tr>
  <tr><th align="left">Value date</th><td>{{ payment.value_date }}</td></tr>
{% if payment.remittance %}  <tr><th align="left">Remittance</th>
      <td>{{ payment.remittance }}</td></tr>
{% endif %}</table>
<p>If it has not reached you within a few days of the value date, please reply to this
message quoting the reference.</p>
<p>Kind regards,<br>Accounts payable</p>
"""


def _in(column: str, values: Sequence[str]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _timestamps() -> list[sa.Column[object]]:
    return [
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
    ]


def upgrade() -> None:
    op.create_table(
        "payment_import_batches",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("filename", sa.String(255), nullable=True),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("total_rows", sa.Integer(), nullable=False),
        sa.Column("imported_rows", sa.Integer(), nullable=False),
        sa.Column("existing_rows", sa.Integer(), nullable=False),
        sa.Column("invalid_rows", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_import_batches")),
    )
    op.create_table(
        "payments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("reference", sa.String(128), nullable=False),
        sa.Column("customer_number", sa.String(64), nullable=False),
        sa.Column("amount", AMOUNT, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("method", sa.String(16), nullable=False),
        sa.Column("value_date", sa.Date(), nullable=False),
        sa.Column("remittance", sa.Text(), nullable=True),
        sa.Column("import_batch_id", sa.Uuid(), nullable=True),
        sa.Column("notice_status", sa.String(16), nullable=False),
        sa.Column("notice_sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("notice_error", sa.Text(), nullable=True),
        *_timestamps(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
        sa.UniqueConstraint("source", "reference", name=op.f("uq_payments_source_reference")),
        sa.ForeignKeyConstraint(
            ["import_batch_id"],
            ["payment_import_batches.id"],
            name=op.f("fk_payments_import_batch_id_payment_import_batches"),
        ),
        sa.CheckConstraint(_in("method", METHODS), name=op.f("ck_payments_payment_method")),
        sa.CheckConstraint(
            _in("notice_status", NOTICE_STATUSES), name=op.f("ck_payments_notice_status")
        ),
    )
    op.create_index(op.f("ix_payments_customer_number"), "payments", ["customer_number"])
    op.create_index(op.f("ix_payments_import_batch_id"), "payments", ["import_batch_id"])
    templates = op.create_table(
        "notice_templates",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("subject", sa.String(500), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=True),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        *_timestamps(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_templates")),
        sa.UniqueConstraint("name", name=op.f("uq_notice_templates_name")),
    )
    op.create_index(
        "uq_notice_templates_default",
        "notice_templates",
        ["is_default"],
        unique=True,
        postgresql_where=sa.text("is_default"),
        sqlite_where=sa.text("is_default"),
    )
    op.create_table(
        "customer_email_overrides",
        sa.Column("customer_number", sa.String(64), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        *_timestamps(),
        sa.PrimaryKeyConstraint("customer_number", name=op.f("pk_customer_email_overrides")),
    )
    op.create_table(
        "outbox_messages",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_by", sa.String(64), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_messages")),
        sa.CheckConstraint(
            _in("status", OUTBOX_STATUSES), name=op.f("ck_outbox_messages_outbox_status")
        ),
    )
    op.create_index(
        "ix_outbox_messages_due", "outbox_messages", ["status", "kind", "next_attempt_at"]
    )
    op.bulk_insert(
        templates,
        [
            {
                "id": uuid.uuid4(),
                "name": "Default payment notice",
                "subject": DEFAULT_SUBJECT,
                "body_text": DEFAULT_TEXT,
                "body_html": DEFAULT_HTML,
                "is_default": True,
            }
        ],
    )


def downgrade() -> None:
    op.drop_table("outbox_messages")
    op.drop_table("customer_email_overrides")
    op.drop_index("uq_notice_templates_default", table_name="notice_templates")
    op.drop_table("notice_templates")
    op.drop_table("payments")
    op.drop_table("payment_import_batches")

"""Client idempotency keys and the outcome of the operation each one ran.

A mutation that creates something outside the CRM store (``convertLead`` creates an ERP
customer) records the client's key here, with a fingerprint of the request, in the same
transaction as its other CRM writes: a retry finds the stored outcome instead of running again.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from crm_store.base import Base, utcnow


class IdempotencyKeyRow(Base):
    __tablename__ = "idempotency_keys"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    operation: Mapped[str] = mapped_column(String(50), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    """SHA-256 of what the request asked for (the same key may not ask for something else)."""
    status: Mapped[str] = mapped_column(String(10))
    """``pending`` while the operation runs, ``done`` with its result."""
    customer_number: Mapped[str | None] = mapped_column(String(32), default=None)
    """The result: the ERP customer the operation created."""
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

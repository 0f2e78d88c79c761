"""The CRM store's closed vocabularies, stored by name (``VARCHAR`` plus a CHECK constraint)."""

from __future__ import annotations

from enum import StrEnum


class InteractionKind(StrEnum):
    CALL = "CALL"
    EMAIL = "EMAIL"
    MEETING = "MEETING"
    NOTE = "NOTE"
    COMPLAINT = "COMPLAINT"
    PAYMENT_NOTICE = "PAYMENT_NOTICE"


class Direction(StrEnum):
    INBOUND = "INBOUND"
    OUTBOUND = "OUTBOUND"


class ComplaintStatus(StrEnum):
    OPEN = "OPEN"
    IN_PROGRESS = "IN_PROGRESS"
    RESOLVED = "RESOLVED"


class LeadStatus(StrEnum):
    NEW = "NEW"
    CHECKED = "CHECKED"
    VERIFIED = "VERIFIED"
    CONTACTED = "CONTACTED"
    QUALIFIED = "QUALIFIED"
    CONVERTED = "CONVERTED"
    DISQUALIFIED = "DISQUALIFIED"


CLOSED_LEAD_STATUSES = frozenset({LeadStatus.CONVERTED, LeadStatus.DISQUALIFIED})
"""A lead in one of these states is no longer open: it moves no further."""

"""The CRM's GraphQL enums (same names and values as the store's, converted by value)."""

from __future__ import annotations

from enum import Enum

import strawberry


@strawberry.enum(description="What kind of contact an interaction was.")
class InteractionKind(Enum):
    CALL = "CALL"
    EMAIL = "EMAIL"
    MEETING = "MEETING"
    NOTE = "NOTE"
    COMPLAINT = "COMPLAINT"
    PAYMENT_NOTICE = "PAYMENT_NOTICE"


@strawberry.enum(description="Who started an interaction: the other side or we.")
class Direction(Enum):
    INBOUND = "INBOUND"
    OUTBOUND = "OUTBOUND"


@strawberry.enum(description="Where a complaint's case stands.")
class ComplaintStatus(Enum):
    OPEN = "OPEN"
    IN_PROGRESS = "IN_PROGRESS"
    RESOLVED = "RESOLVED"


@strawberry.enum(
    description=(
        "Lead qualification: NEW -> CHECKED -> VERIFIED -> CONTACTED -> QUALIFIED -> "
        "CONVERTED; DISQUALIFIED from every open state."
    )
)
class LeadStatus(Enum):
    NEW = "NEW"
    CHECKED = "CHECKED"
    VERIFIED = "VERIFIED"
    CONTACTED = "CONTACTED"
    QUALIFIED = "QUALIFIED"
    CONVERTED = "CONVERTED"
    DISQUALIFIED = "DISQUALIFIED"

"""The sales domain's GraphQL enums (same names and values as the store's)."""

from __future__ import annotations

from enum import Enum

import strawberry


@strawberry.enum(
    description=(
        "PROSPECTING -> QUALIFICATION -> PROPOSAL -> NEGOTIATION -> WON | LOST. Forward one or "
        "more stages, back one stage, WON or LOST (with a reason) from any open stage; WON and "
        "LOST are final."
    )
)
class OpportunityStage(Enum):
    PROSPECTING = "PROSPECTING"
    QUALIFICATION = "QUALIFICATION"
    PROPOSAL = "PROPOSAL"
    NEGOTIATION = "NEGOTIATION"
    WON = "WON"
    LOST = "LOST"


@strawberry.enum(description="How a campaign reaches its members.")
class CampaignChannel(Enum):
    EMAIL = "EMAIL"
    EVENT = "EVENT"
    CALL = "CALL"
    SOCIAL = "SOCIAL"


@strawberry.enum(description="DRAFT (reached nobody yet), ACTIVE, CLOSED (takes no members).")
class CampaignStatus(Enum):
    DRAFT = "DRAFT"
    ACTIVE = "ACTIVE"
    CLOSED = "CLOSED"

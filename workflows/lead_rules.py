"""The lead qualification workflow: which step may follow which, and each step's rule.

    NEW -> CHECKED -> VERIFIED -> CONTACTED -> QUALIFIED -> CONVERTED
      \\________\\__________\\___________\\___________\\-> DISQUALIFIED

A lead moves one step at a time. Each step's rule:

- CHECKED: the lead has a name and at least one way to reach it (an e-mail or a phone).
- VERIFIED: every e-mail and phone it has is valid (a syntactically valid e-mail, a valid
  phone number) and at least one is given; when an address is given, its country is a known
  code and its postal code plausible for that country.
- CONTACTED: at least one interaction is logged on the lead.
- QUALIFIED: contact was achieved: an inbound interaction (the lead wrote, called, came), or an
  *answered* outbound one, meaning an outbound CALL or MEETING (a conversation took place;
  an outbound e-mail or a note proves nothing was heard back).
- CONVERTED: only through ``convertLead``, which creates the ERP customer.
- DISQUALIFIED: from any open state (not CONVERTED or DISQUALIFIED), no condition.

Pure functions over plain values, so the rules are testable and readable in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from crm_store.models.enums import CLOSED_LEAD_STATUSES, Direction, InteractionKind, LeadStatus
from workflows.validation import (
    ADDRESS_FIELDS,
    ContactRules,
    email_problem,
    phone_problem,
    postal_code_problem,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

NEXT_STEP: dict[LeadStatus, LeadStatus] = {
    LeadStatus.NEW: LeadStatus.CHECKED,
    LeadStatus.CHECKED: LeadStatus.VERIFIED,
    LeadStatus.VERIFIED: LeadStatus.CONTACTED,
    LeadStatus.CONTACTED: LeadStatus.QUALIFIED,
    LeadStatus.QUALIFIED: LeadStatus.CONVERTED,
}
ANSWERED_OUTBOUND_KINDS = frozenset({InteractionKind.CALL, InteractionKind.MEETING})
"""Outbound interactions that count as contact achieved: a conversation took place."""


@dataclass(frozen=True, slots=True)
class LeadFacts:
    """What the rules look at: the lead's data and a summary of its interactions."""

    name: str | None
    email: str | None
    phone: str | None
    address: Mapping[str, str | None]
    activity: Mapping[tuple[InteractionKind, Direction], int]

    @property
    def interactions(self) -> int:
        return sum(self.activity.values())

    @property
    def contact_achieved(self) -> bool:
        return any(
            count > 0 and (direction is Direction.INBOUND or kind in ANSWERED_OUTBOUND_KINDS)
            for (kind, direction), count in self.activity.items()
        )


def needs_activity(target: LeadStatus) -> bool:
    """Whether checking a move to ``target`` needs the lead's interactions."""
    return target in (LeadStatus.CONTACTED, LeadStatus.QUALIFIED)


def transition_refusal(
    current: LeadStatus, target: LeadStatus, facts: LeadFacts, rules: ContactRules
) -> str | None:
    """Why ``current -> target`` is not allowed now (naming the unmet rule), or None."""
    if current in CLOSED_LEAD_STATUSES:
        return f"the lead is {current.value}: a closed lead does not move"
    if target is LeadStatus.CONVERTED:
        return "a lead becomes CONVERTED only through convertLead, which creates the customer"
    if target is LeadStatus.DISQUALIFIED:
        return None
    allowed = NEXT_STEP[current]
    if target is not allowed:
        return (
            f"a {current.value} lead moves to {allowed.value} or DISQUALIFIED, not {target.value}"
        )
    return _rule_refusal(target, facts, rules)


def _rule_refusal(target: LeadStatus, facts: LeadFacts, rules: ContactRules) -> str | None:
    if target is LeadStatus.CHECKED:
        if not facts.name:
            return "CHECKED needs a name"
        if not facts.email and not facts.phone:
            return "CHECKED needs a way to reach the lead: an e-mail or a phone"
        return None
    if target is LeadStatus.VERIFIED:
        return _verification_refusal(facts, rules)
    if target is LeadStatus.CONTACTED:
        if facts.interactions == 0:
            return "CONTACTED needs at least one interaction logged on the lead"
        return None
    if target is LeadStatus.QUALIFIED and not facts.contact_achieved:
        return (
            "QUALIFIED needs contact achieved: an inbound interaction or an answered one "
            "(an outbound CALL or MEETING)"
        )
    return None


def _verification_refusal(facts: LeadFacts, rules: ContactRules) -> str | None:
    if not facts.email and not facts.phone:
        return "VERIFIED needs an e-mail or a phone"
    if facts.email and email_problem(facts.email)[1]:
        return f"VERIFIED needs a valid e-mail; {facts.email!r} is not"
    if facts.phone and phone_problem(facts.phone, rules.default_phone_region)[1]:
        return f"VERIFIED needs a valid phone; {facts.phone!r} is not"
    if any(facts.address.get(name) for name in ADDRESS_FIELDS):
        postal_code = facts.address.get("postal_code")
        country = facts.address.get("country")
        if not country:
            return "VERIFIED needs the address's country"
        if not postal_code:
            return "VERIFIED needs the address's postal code"
        why = postal_code_problem(postal_code, country)
        if why:
            return f"VERIFIED needs a plausible postal code: {why}"
    return None

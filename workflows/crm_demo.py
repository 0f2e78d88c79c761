"""Demo CRM data for the demo ERP's customers ``C10001``..``C10300``.

Contacts (one to three per customer, one primary), interactions of every kind and direction
(complaints in every case status), leads in every status whose transition histories obey
the qualification rules (the interactions a step needs are logged before the step), and the
sales, service and marketing data of ``workflows.sales_demo`` (campaigns, opportunities in
every stage, complaint histories). Everything
is derived from a fixed seed and fixed dates, so two runs produce the same data; seeding is
skipped when the store already holds any contact, interaction or lead, so it never writes over
real or earlier data.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

from crm_store.models import (
    ComplaintStatus,
    ContactRow,
    Direction,
    InteractionKind,
    InteractionRow,
    LeadRow,
    LeadStatus,
    LeadTransitionRow,
)
from crm_store.repositories import ContactRepository, InteractionRepository, LeadRepository
from workflows.lead_rules import NEXT_STEP
from workflows.sales_demo import seed_sales_demo

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from crm_store.unit_of_work import UnitOfWork

SEED = 5
ANCHOR = dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.UTC)
"""A fixed anchor, for seeding the same dates every time (tests pass it)."""


def demo_anchor(now: dt.datetime | None = None) -> dt.datetime:
    """09:00 UTC of the day before ``now``: the default anchor. Every demo date lies in the
    year before the anchor, so the default KPI window (the last 90 days) always shows the
    demo's activity, whenever the demo is seeded."""
    day = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).date() - dt.timedelta(days=1)
    return dt.datetime(day.year, day.month, day.day, 9, 0, tzinfo=dt.UTC)


DEMO_CUSTOMERS = tuple(f"C{n}" for n in range(10001, 10301))
LEADS_PER_STATUS = 8
OWNERS = ("maria", "tom", "lena", "omar")
SOURCES = ("web", "fair", "referral", "campaign", "cold call")
FIRST = ("Anna", "Ben", "Carla", "David", "Elif", "Femi", "Greta", "Hugo", "Ines", "Jonas")
LAST = ("Schmidt", "Meyer", "Rossi", "Novak", "Yilmaz", "Dubois", "Berg", "Silva", "Klein")
TITLES = ("Buyer", "Head of Purchasing", "CFO", "Office Manager", "Accounts Payable", None)
CITIES = (("Berlin", "10117"), ("Hamburg", "20095"), ("München", "80331"), ("Köln", "50667"))
SUBJECTS: dict[InteractionKind, tuple[str, ...]] = {
    InteractionKind.CALL: ("Order status", "Price question", "Follow-up", "Delivery date"),
    InteractionKind.EMAIL: ("Quote sent", "Invoice copy", "Catalogue request", "Newsletter"),
    InteractionKind.MEETING: ("Quarterly review", "Product demo", "Site visit"),
    InteractionKind.NOTE: ("Prefers e-mail", "New buyer from next month", "Budget frozen"),
    InteractionKind.COMPLAINT: ("Late delivery", "Damaged goods", "Wrong invoice amount"),
    InteractionKind.PAYMENT_NOTICE: ("Payment received", "Partial payment received"),
}


@dataclass(frozen=True, slots=True)
class DemoSummary:
    contacts: int
    interactions: int
    leads: int
    campaigns: int = 0
    opportunities: int = 0


def _phone(rng: random.Random) -> str:
    return f"+4930{rng.randint(2000000, 9999999)}"


def _when(rng: random.Random, anchor: dt.datetime, *, days: int = 365) -> dt.datetime:
    return anchor - dt.timedelta(minutes=rng.randint(60, days * 24 * 60))


async def already_seeded(session: AsyncSession) -> bool:
    return (
        await ContactRepository(session).any()
        or await LeadRepository(session).any()
        or await InteractionRepository(session).any()
    )


async def seed_crm_demo(
    uow: UnitOfWork, *, anchor: dt.datetime | None = None
) -> DemoSummary | None:
    """Seed the demo CRM, dated in the year before ``anchor`` (``demo_anchor()``: yesterday);
    None (and nothing written) when the store is not empty."""
    rng = random.Random(SEED)
    anchor = anchor or demo_anchor()
    async with uow.session() as session:
        if await already_seeded(session):
            return None
        contacts = _contacts(rng)
        session.add_all(contacts)
        await session.flush()
        interactions = _customer_interactions(rng, contacts, anchor)
        leads, lead_rows = await _leads(rng, session, anchor)
        interactions += lead_rows
        session.add_all(interactions)
        await session.flush()
        sales = await seed_sales_demo(
            session, anchor=anchor, customers=DEMO_CUSTOMERS, owners=OWNERS
        )
    return DemoSummary(
        contacts=len(contacts),
        interactions=len(interactions),
        leads=len(leads),
        campaigns=sales.campaigns,
        opportunities=sales.opportunities,
    )


def _contacts(rng: random.Random) -> list[ContactRow]:
    rows = []
    for number in DEMO_CUSTOMERS:
        for i in range(rng.randint(1, 3)):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            rows.append(
                ContactRow(
                    customer_number=number,
                    name=f"{first} {last}",
                    title=rng.choice(TITLES),
                    email=f"{first}.{last}@{number.lower()}.example.com".lower(),
                    phone=_phone(rng) if rng.random() < 0.8 else None,
                    is_primary=i == 0,
                )
            )
    return rows


def _customer_interactions(
    rng: random.Random, contacts: list[ContactRow], anchor: dt.datetime
) -> list[InteractionRow]:
    by_customer: dict[str, list[ContactRow]] = {}
    for contact in contacts:
        by_customer.setdefault(contact.customer_number, []).append(contact)
    kinds = list(InteractionKind)
    rows = []
    for number in DEMO_CUSTOMERS:
        for i in range(rng.randint(2, 8)):
            kind = kinds[(i + rng.randint(0, 5)) % len(kinds)]
            direction = rng.choice(list(Direction))
            if kind is InteractionKind.PAYMENT_NOTICE:
                direction = Direction.OUTBOUND
            with_whom = rng.choice(by_customer[number]) if rng.random() < 0.7 else None
            row = InteractionRow(
                kind=kind,
                direction=direction,
                subject=rng.choice(SUBJECTS[kind]),
                body=None,
                occurred_at=_when(rng, anchor),
                owner=rng.choice(OWNERS),
                customer_number=number,
                contact_id=with_whom.id if with_whom else None,
            )
            if kind is InteractionKind.COMPLAINT:
                _complaint_case(rng, row, anchor)
            rows.append(row)
    return rows


def _complaint_case(rng: random.Random, row: InteractionRow, anchor: dt.datetime) -> None:
    status = rng.choice(list(ComplaintStatus))
    row.direction = Direction.INBOUND
    row.complaint_status = status
    if status is not ComplaintStatus.OPEN:
        row.assignee = rng.choice(OWNERS)
    if status is ComplaintStatus.RESOLVED:
        row.resolution = "Replacement shipped and credit note issued."
        row.resolved_at = min(row.occurred_at + dt.timedelta(days=rng.randint(1, 9)), anchor)
        row.resolved_by = row.assignee
        row.satisfaction = rng.randint(1, 5)


PATH = (
    LeadStatus.NEW,
    LeadStatus.CHECKED,
    LeadStatus.VERIFIED,
    LeadStatus.CONTACTED,
    LeadStatus.QUALIFIED,
    LeadStatus.CONVERTED,
)


async def _leads(
    rng: random.Random, session: AsyncSession, anchor: dt.datetime
) -> tuple[list[LeadRow], list[InteractionRow]]:
    """Leads in every status, with the interactions and transitions that got them there."""
    leads: list[tuple[LeadRow, LeadStatus | None]] = []
    serial = 0
    for status in LeadStatus:
        for _ in range(LEADS_PER_STATUS):
            serial += 1
            first, last = rng.choice(FIRST), rng.choice(LAST)
            city, postal_code = rng.choice(CITIES)
            reached = status if status is not LeadStatus.DISQUALIFIED else rng.choice(PATH[:5])
            complete = reached is not LeadStatus.NEW or rng.random() < 0.5
            lead = LeadRow(
                name=f"{first} {last}",
                company=f"{last} {rng.choice(('GmbH', 'AG', 'KG', '& Co'))}",
                email=f"{first}.{last}.{serial}@prospect.example.com".lower() if complete else None,
                phone=_phone(rng) if complete else None,
                source=rng.choice(SOURCES),
                owner=rng.choice(OWNERS),
                street=f"Hauptstraße {serial}",
                city=city,
                postal_code=postal_code,
                country="DE",
                status=status,
                version=1 + PATH.index(reached) + (status is LeadStatus.DISQUALIFIED),
            )
            leads.append((lead, reached if status is LeadStatus.DISQUALIFIED else None))
    session.add_all([lead for lead, _ in leads])
    await session.flush()
    interactions: list[InteractionRow] = []
    transitions: list[LeadTransitionRow] = []
    converted_customers = iter(DEMO_CUSTOMERS[-LEADS_PER_STATUS:])
    for lead, disqualified_at in leads:
        # A lead takes at most 5 steps of up to 6 days: started 40 days or more before the
        # anchor, its story ends before it.
        at = _when(rng, anchor - dt.timedelta(days=40), days=260)
        step = LeadStatus.NEW
        last = disqualified_at or lead.status
        while step is not last:
            target = NEXT_STEP[step]
            at += dt.timedelta(days=rng.randint(1, 6))
            interactions += _evidence(rng, lead, target, at)
            by = "convertLead" if target is LeadStatus.CONVERTED else lead.owner
            transitions.append(_transition(lead, step, target, at, by))
            step = target
        if disqualified_at is not None:
            at += dt.timedelta(days=rng.randint(1, 6))
            transitions.append(
                _transition(lead, step, LeadStatus.DISQUALIFIED, at, lead.owner, "no budget")
            )
        if lead.status is LeadStatus.CONVERTED:
            lead.converted_customer_number = next(converted_customers)
            lead.converted_at = at
    session.add_all(transitions)
    return [lead for lead, _ in leads], interactions


def _evidence(
    rng: random.Random, lead: LeadRow, target: LeadStatus, at: dt.datetime
) -> list[InteractionRow]:
    """What the step to ``target`` needs logged first (see ``workflows.lead_rules``)."""
    if target is LeadStatus.CONTACTED:
        return [_lead_interaction(lead, InteractionKind.EMAIL, Direction.OUTBOUND, "Intro", at)]
    if target is LeadStatus.QUALIFIED:
        if rng.random() < 0.5:
            kind, direction = InteractionKind.EMAIL, Direction.INBOUND
        else:
            kind, direction = InteractionKind.CALL, Direction.OUTBOUND
        return [_lead_interaction(lead, kind, direction, "Needs discussed", at)]
    return []


def _lead_interaction(
    lead: LeadRow, kind: InteractionKind, direction: Direction, subject: str, at: dt.datetime
) -> InteractionRow:
    return InteractionRow(
        kind=kind,
        direction=direction,
        subject=subject,
        occurred_at=at - dt.timedelta(hours=2),
        owner=lead.owner,
        lead_id=lead.id,
        customer_number=None,
    )


def _transition(
    lead: LeadRow,
    source: LeadStatus,
    target: LeadStatus,
    at: dt.datetime,
    by: str | None,
    note: str | None = None,
) -> LeadTransitionRow:
    return LeadTransitionRow(
        lead_id=lead.id, from_status=source, to_status=target, at=at, by=by, note=note
    )

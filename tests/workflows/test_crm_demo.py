"""The demo CRM data: complete, consistent with the lead rules, deterministic, idempotent."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from sqlalchemy import select

from crm_store.models import (
    ContactRow,
    InteractionKind,
    InteractionRow,
    LeadRow,
    LeadStatus,
    LeadTransitionRow,
)
from crm_store.unit_of_work import UnitOfWork
from tests.support.databases import copy_sqlite, sqlite_store
from workflows.crm_demo import DEMO_CUSTOMERS, seed_crm_demo
from workflows.lead_rules import LeadFacts, transition_refusal
from workflows.validation import ADDRESS_FIELDS, ContactRules, email_problem, phone_problem

if TYPE_CHECKING:
    from pathlib import Path

    from tests.support.databases import Store


async def seed(store: Store) -> object:
    uow = UnitOfWork(store.sessionmaker)
    try:
        summary = await seed_crm_demo(uow)
        await uow.commit()
        return summary
    finally:
        await uow.close()


async def snapshot(store: Store) -> tuple[list[tuple[object, ...]], ...]:
    async with store.sessionmaker() as session:
        contacts = (
            await session.execute(
                select(
                    ContactRow.customer_number, ContactRow.name, ContactRow.email, ContactRow.phone
                ).order_by(ContactRow.id)
            )
        ).all()
        leads = (
            await session.execute(
                select(LeadRow.name, LeadRow.status, LeadRow.email, LeadRow.version).order_by(
                    LeadRow.id
                )
            )
        ).all()
        interactions = (
            await session.execute(
                select(
                    InteractionRow.kind,
                    InteractionRow.subject,
                    InteractionRow.occurred_at,
                    InteractionRow.customer_number,
                ).order_by(InteractionRow.id)
            )
        ).all()
    return [tuple(r) for r in contacts], [tuple(r) for r in leads], [tuple(r) for r in interactions]


async def test_demo_data_covers_every_kind_and_status(store: Store) -> None:
    summary = await seed(store)
    assert summary is not None
    contacts, leads, interactions = await snapshot(store)
    assert {row[0] for row in contacts} == set(DEMO_CUSTOMERS)
    assert set(Counter(row[1] for row in leads)) == set(LeadStatus)
    assert set(Counter(row[0] for row in interactions)) == set(InteractionKind)
    rules = ContactRules()
    for _, _, email, phone in contacts:
        assert email_problem(str(email))[1] is None
        assert phone is None or phone_problem(str(phone), rules.default_phone_region)[1] is None


async def test_seeding_twice_writes_nothing_more(store: Store) -> None:
    assert await seed(store) is not None
    before = await snapshot(store)
    assert await seed(store) is None
    assert await snapshot(store) == before


async def test_demo_data_is_deterministic(
    store: Store, sqlite_template: Path, tmp_path: Path
) -> None:
    other = sqlite_store(copy_sqlite(sqlite_template, tmp_path / "other.sqlite3"))
    try:
        await seed(store)
        await seed(other)
        assert await snapshot(store) == await snapshot(other)
    finally:
        other.detach()
        await other.engine.dispose()


async def test_every_lead_history_obeys_the_rules(store: Store) -> None:
    await seed(store)
    rules = ContactRules()
    async with store.sessionmaker() as session:
        leads = (await session.scalars(select(LeadRow))).all()
        transitions = (
            await session.scalars(select(LeadTransitionRow).order_by(LeadTransitionRow.at))
        ).all()
        interactions = (
            await session.scalars(select(InteractionRow).where(InteractionRow.lead_id.is_not(None)))
        ).all()
    for lead in leads:
        history = [t for t in transitions if t.lead_id == lead.id]
        status = LeadStatus.NEW
        for step in history:
            assert step.from_status is status
            activity = Counter(
                (i.kind, i.direction)
                for i in interactions
                if i.lead_id == lead.id and i.occurred_at <= step.at
            )
            facts = LeadFacts(
                name=lead.name,
                email=lead.email,
                phone=lead.phone,
                address={name: getattr(lead, name) for name in ADDRESS_FIELDS},
                activity=activity,
            )
            refusal = transition_refusal(status, step.to_status, facts, rules)
            if step.to_status is LeadStatus.CONVERTED:
                assert step.by == "convertLead"
            else:
                assert refusal is None, (lead.name, step.to_status, refusal)
            status = step.to_status
        assert status is lead.status
        assert lead.version == 1 + len(history)
        assert (lead.converted_customer_number is not None) is (status is LeadStatus.CONVERTED)


async def test_demo_dates_follow_the_day_it_is_seeded(store: Store) -> None:
    """Seeded today, the demo lies in the year before yesterday 09:00 UTC, with activity in
    the last 90 days: the default KPI window is never empty, whenever the demo is made."""
    import datetime as dt

    from workflows.crm_demo import demo_anchor

    await seed(store)
    _, _, interactions = await snapshot(store)
    anchor = demo_anchor()
    assert anchor <= dt.datetime.now(dt.UTC) - dt.timedelta(hours=15)
    when = [row[2] if row[2].tzinfo else row[2].replace(tzinfo=dt.UTC) for row in interactions]
    assert max(when) <= anchor
    assert min(when) >= anchor - dt.timedelta(days=366)
    assert any(at >= anchor - dt.timedelta(days=90) for at in when)


def test_the_anchor_is_the_day_before_at_nine_utc() -> None:
    import datetime as dt

    from workflows.crm_demo import demo_anchor

    late = dt.datetime(2027, 3, 1, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    assert demo_anchor(late) == dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)

"""CRM test support: GraphQL documents, helpers, and an app on committed PostgreSQL data."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from sqlalchemy import text

from api.app import create_app
from api.auth.api_keys import create_api_key
from api.lifespan import Overrides
from crm_store.models import Direction, InteractionKind, InteractionRow
from crm_store.session import create_engine, create_sessionmaker
from resolvers.principal import Role
from tests.support.graphql import gql

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from starlette.applications import Starlette

    from api.settings import Settings

CRM_TABLES = (
    "interactions",
    "lead_transitions",
    "leads",
    "contacts",
    "api_keys",
    "partner_assignments",
    "idempotency_keys",
)

CREATE_LEAD = """
mutation($input: CreateLeadInput!) {
  createLead(input: $input) {
    lead { id status name email phone postalCode country version }
    userErrors { field code message }
  }
}"""

ADVANCE_LEAD = """
mutation($input: AdvanceLeadInput!) {
  advanceLead(input: $input) {
    lead { id status version history { from to by note at } }
    userErrors { field code message }
  }
}"""

LOG_INTERACTION = """
mutation($input: LogInteractionInput!) {
  logInteraction(input: $input) {
    interaction {
      id kind direction subject occurredAt owner customerNumber complaintStatus
      lead { id } contact { id name } customer { number }
    }
    userErrors { field code message }
  }
}"""

CREATE_CONTACT = """
mutation($input: CreateContactInput!) {
  createContact(input: $input) {
    contact { id customerNumber name title email phone isPrimary customer { number } }
    userErrors { field code message }
  }
}"""

LEAD = """
query($id: ID!) {
  lead(id: $id) {
    id status version history { from to by note }
    interactions { totalCount edges { node { kind direction subject } } }
  }
}"""


CALLS_START = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)


def customer_calls(number: str, count: int) -> list[InteractionRow]:
    """``count`` outbound calls of customer ``number``, a day apart from ``CALLS_START``, with
    subjects ``"<number> call <i>"`` (the newest has the highest ``i``)."""
    return [
        InteractionRow(
            kind=InteractionKind.CALL,
            direction=Direction.OUTBOUND,
            subject=f"{number} call {i}",
            occurred_at=CALLS_START + dt.timedelta(days=i),
            customer_number=number,
        )
        for i in range(count)
    ]


async def mutate(
    client: httpx.AsyncClient,
    document: str,
    field: str,
    input: dict[str, Any],
    *,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Run a mutation and return its payload."""
    body = await gql(client, document, {"input": input}, headers=headers)
    payload: dict[str, Any] = body["data"][field]
    return payload


async def create_lead(client: httpx.AsyncClient, **fields: Any) -> dict[str, Any]:
    payload = await mutate(client, CREATE_LEAD, "createLead", {"name": "Ada Lovelace", **fields})
    assert payload["userErrors"] == []
    lead: dict[str, Any] = payload["lead"]
    return lead


async def log(client: httpx.AsyncClient, **fields: Any) -> dict[str, Any]:
    payload = await mutate(
        client, LOG_INTERACTION, "logInteraction", {"subject": "Hello", **fields}
    )
    assert payload["userErrors"] == [], payload["userErrors"]
    interaction: dict[str, Any] = payload["interaction"]
    return interaction


@pytest.fixture
async def committed_app(postgres_url: str, settings: Settings) -> AsyncIterator[Starlette]:
    """An app on the per-run PostgreSQL database whose writes really commit.

    For tests that need concurrent transactions (the ``store`` fixture shares one connection).
    The CRM tables are emptied afterwards.
    """
    engine = create_engine(postgres_url, pool_size=4)
    sessionmaker = create_sessionmaker(engine)
    application = create_app(settings, overrides=Overrides(sessionmaker=sessionmaker))
    async with sessionmaker() as session:
        _, key = await create_api_key(session, role=Role.ADMIN, name="committed admin")
        await session.commit()
    application.state.test_admin_key = key
    try:
        async with LifespanManager(application):
            yield application
    finally:
        async with engine.begin() as connection:
            await connection.execute(
                text(f"TRUNCATE {', '.join(CRM_TABLES)} RESTART IDENTITY CASCADE")
            )
        await engine.dispose()


def http_client(app: Starlette) -> httpx.AsyncClient:
    """A client of ``committed_app`` sending its admin key."""
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://frontdesk.test",
        headers={"Authorization": f"Bearer {app.state.test_admin_key}"},
    )

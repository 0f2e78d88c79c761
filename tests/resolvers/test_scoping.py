"""A partner key cannot see, list, node-fetch or change another partner's customers.

Proved over EVERY root field and EVERY ``Node`` type, both enumerated from the schema: a root
field or Node type added without a scoping decision here fails these tests, with a message
saying what to add. The decisions (see README, "Partner scoping"):

- reads of another partner's object answer null (no error: as if it did not exist);
- lists leave them out (``EMPTY`` here: the other partner's customer is searched for);
- fields and types the partner role lacks the capability for are ``FORBIDDEN`` errors;
- mutations naming another partner's customer (or its contacts) answer a ``FORBIDDEN`` user
  error at the input field, and write nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any

import pytest

from crm_store.models import Direction, InteractionKind, InteractionRow
from resolvers.crm.ids import row_id
from resolvers.node import to_global_id
from resolvers.permissions import PERMISSIONS, Capability
from resolvers.principal import Role
from resolvers.schema import build_schema
from resolvers.scoping import visibility_of
from tests.support.graphql import gql
from tests.support.schema_fields import root_fields
from tests.support.scoping import MINE, PARTNER, World

if TYPE_CHECKING:
    from collections.abc import Callable

    import httpx

    from tests.support.databases import Store
    from tests.support.security import ClientFor


class Outcome(Enum):
    PUBLIC = "no customer data at all"
    NULL = "null, no error"
    EMPTY = "an empty connection, totalCount 0"
    FORBIDDEN = "null with a FORBIDDEN error at the field"
    USER_ERROR = "a FORBIDDEN user error, nothing written"
    SUBSCRIBED = "a subscription that delivers nothing of the other partner's customer"


SUBSCRIPTIONS_PROVED_IN = "tests/federation/test_subscriptions.py"
"""Subscriptions cannot be asked over HTTP POST: their partner outcomes (FORBIDDEN, or no
event of another partner's customer) are proved over WebSocket there, by
``test_a_partner_subscribes_to_none_of_another_partners_customers_nor_leads`` and
``test_a_partner_hears_only_of_its_own_customers``; here the decision is checked against the
capability the field declares."""


@dataclass(frozen=True)
class Case:
    document: str
    outcome: Outcome
    variables: Callable[[World], dict[str, Any]] = field(default=lambda world: {})


def _input(**values: Any) -> Callable[[World], dict[str, Any]]:
    """Variables ``{"input": ...}``; callables among ``values`` are given the world."""
    return lambda w: {"input": {k: v(w) if callable(v) else v for k, v in values.items()}}


def _payload(name: str, input_type: str, selection: str = "__typename") -> str:
    return (
        f"mutation($input: {input_type}!) {{ {name}(input: $input) {{ {selection} "
        "userErrors { field code } } }"
    )


# Each root field: how to ask it for the OTHER partner's data, and what a partner must get.
ROOT_FIELDS: dict[str, Case] = {
    "apiVersion": Case("{ apiVersion }", Outcome.PUBLIC),
    "node": Case(
        "query($id: ID!) { node(id: $id) { id } }",
        Outcome.NULL,
        lambda w: {"id": w.theirs.customer_id},  # every Node type: test_node_* below
    ),
    "customer": Case(
        "query($n: String!) { customer(number: $n) { number name } }",
        Outcome.NULL,
        lambda w: {"n": w.theirs.customer},
    ),
    "customers": Case(
        "query($s: String) { customers(search: $s) { totalCount edges { node { number } } } }",
        Outcome.EMPTY,
        lambda w: {"s": w.theirs.customer},
    ),
    "contact": Case(
        "query($id: ID!) { contact(id: $id) { id name } }",
        Outcome.NULL,
        lambda w: {"id": w.theirs.contact_id},
    ),
    "interaction": Case(
        "query($id: ID!) { interaction(id: $id) { id subject } }",
        Outcome.NULL,
        lambda w: {"id": w.theirs.interaction_id},
    ),
    "lead": Case(
        "query($id: ID!) { lead(id: $id) { id name } }",
        Outcome.FORBIDDEN,
        lambda w: {"id": w.lead_id},
    ),
    "leads": Case("{ leads { totalCount edges { node { id } } } }", Outcome.FORBIDDEN),
    "createContact": Case(
        _payload("createContact", "CreateContactInput", "contact { id }"),
        Outcome.USER_ERROR,
        _input(customerNumber=lambda w: w.theirs.customer, name="Intruder"),
    ),
    "updateContact": Case(
        _payload("updateContact", "UpdateContactInput", "contact { id name }"),
        Outcome.USER_ERROR,
        _input(contactId=lambda w: w.theirs.contact_id, name="Renamed"),
    ),
    "archiveContact": Case(
        _payload("archiveContact", "ArchiveContactInput", "contact { id archived }"),
        Outcome.USER_ERROR,
        _input(contactId=lambda w: w.theirs.contact_id),
    ),
    "logInteraction": Case(
        _payload("logInteraction", "LogInteractionInput", "interaction { id }"),
        Outcome.USER_ERROR,
        _input(
            customerNumber=lambda w: w.theirs.customer,
            kind="NOTE",
            direction="OUTBOUND",
            subject="Sneaky",
        ),
    ),
    "createLead": Case(
        _payload("createLead", "CreateLeadInput", "lead { id }"),
        Outcome.FORBIDDEN,
        _input(name="Lead of mine"),
    ),
    "updateLead": Case(
        _payload("updateLead", "UpdateLeadInput", "lead { id }"),
        Outcome.FORBIDDEN,
        _input(leadId=lambda w: w.lead_id, name="Renamed"),
    ),
    "advanceLead": Case(
        _payload("advanceLead", "AdvanceLeadInput", "lead { id }"),
        Outcome.FORBIDDEN,
        _input(leadId=lambda w: w.lead_id, to="DISQUALIFIED"),
    ),
    # --- sales, service and marketing: partners read opportunities and complaints of their
    # customers and the campaigns those are members of; they change none of them.
    "opportunities": Case(
        "query($n: String) { opportunities(customerNumber: $n) "
        "{ totalCount edges { node { id } } } }",
        Outcome.EMPTY,
        lambda w: {"n": w.theirs.customer},
    ),
    "complaints": Case(
        "query($n: String) { complaints(customerNumber: $n) { totalCount edges { node { id } } } }",
        Outcome.EMPTY,
        lambda w: {"n": w.theirs.customer},
    ),
    "campaign": Case(
        "query($id: ID!) { campaign(id: $id) { id name } }",
        Outcome.NULL,
        lambda w: {"id": w.campaign_id},
    ),
    "campaigns": Case("{ campaigns { totalCount edges { node { id } } } }", Outcome.EMPTY),
    "pipeline": Case("{ pipeline { stage count } }", Outcome.FORBIDDEN),  # company-wide
    "kpis": Case("{ kpis { openComplaints } }", Outcome.FORBIDDEN),  # company-wide
    "createOpportunity": Case(
        _payload("createOpportunity", "CreateOpportunityInput", "opportunity { id }"),
        Outcome.FORBIDDEN,
        _input(customerNumber=lambda w: w.theirs.customer, name="Poached"),
    ),
    "moveOpportunity": Case(
        _payload("moveOpportunity", "MoveOpportunityInput", "opportunity { id }"),
        Outcome.FORBIDDEN,
        _input(opportunityId=lambda w: w.opportunity_id, to="QUALIFICATION"),
    ),
    "updateComplaint": Case(
        _payload("updateComplaint", "UpdateComplaintInput", "interaction { id }"),
        Outcome.FORBIDDEN,
        _input(interactionId=lambda w: w.complaint_id, assignee="intruder"),
    ),
    "createCampaign": Case(
        _payload("createCampaign", "CreateCampaignInput", "campaign { id }"),
        Outcome.FORBIDDEN,
        _input(name="Partner push", channel="EMAIL"),
    ),
    "updateCampaign": Case(
        _payload("updateCampaign", "UpdateCampaignInput", "campaign { id }"),
        Outcome.FORBIDDEN,
        _input(campaignId=lambda w: w.campaign_id, name="Renamed"),
    ),
    "addCampaignMembers": Case(
        _payload("addCampaignMembers", "AddCampaignMembersInput", "added"),
        Outcome.FORBIDDEN,
        _input(campaignId=lambda w: w.campaign_id, customerNumbers=lambda w: [w.theirs.customer]),
    ),
    "recordCampaignResponse": Case(
        _payload("recordCampaignResponse", "RecordCampaignResponseInput", "membership { status }"),
        Outcome.FORBIDDEN,
        _input(campaignId=lambda w: w.campaign_id, customerNumber=lambda w: w.theirs.customer),
    ),
    # --- ERP writes: partners lack write:customers (and write:leads) altogether.
    "updateCustomerAddress": Case(
        _payload("updateCustomerAddress", "UpdateCustomerAddressInput", "customer { number }"),
        Outcome.FORBIDDEN,
        _input(
            customerNumber=lambda w: w.theirs.customer,
            role="BILLING",
            address={
                "street": "Elsewhere 1",
                "city": "Berlin",
                "postalCode": "10115",
                "country": "DE",
            },
        ),
    ),
    "convertLead": Case(
        _payload("convertLead", "ConvertLeadInput", "customer { number }"),
        Outcome.FORBIDDEN,
        _input(leadId=lambda w: w.lead_id, idempotencyKey="scoping-convert-1"),
    ),
    "assignCustomerToPartner": Case(
        _payload("assignCustomerToPartner", "AssignCustomerToPartnerInput", "customerNumber"),
        Outcome.FORBIDDEN,
        _input(customerNumber=lambda w: w.theirs.customer, partnerId=PARTNER),
    ),
    # --- payment notices: partners hold none of read:payments, write:payments and
    # manage:templates (the lists and lookups are scoped all the same, see below).
    "payment": Case(
        "query($id: ID!) { payment(id: $id) { id customerNumber } }",
        Outcome.FORBIDDEN,
        lambda w: {"id": w.payment_id},
    ),
    "payments": Case(
        "query($n: String) { payments(customerNumber: $n) { totalCount edges { node { id } } } }",
        Outcome.FORBIDDEN,
        lambda w: {"n": w.theirs.customer},
    ),
    "noticeTemplates": Case(
        "{ noticeTemplates { totalCount edges { node { id } } } }", Outcome.FORBIDDEN
    ),
    "previewPaymentNotice": Case(
        "query($p: ID!, $t: ID) { previewPaymentNotice(paymentId: $p, templateId: $t) "
        "{ subject recipient } }",
        Outcome.FORBIDDEN,
        lambda w: {"p": w.payment_id, "t": w.template_id},
    ),
    "importPayments": Case(
        _payload("importPayments", "ImportPaymentsInput", "imported"),
        Outcome.FORBIDDEN,
        _input(file="not an upload", dryRun=True),  # refused before the file is looked at
    ),
    "createNoticeTemplate": Case(
        _payload("createNoticeTemplate", "CreateNoticeTemplateInput", "template { id }"),
        Outcome.FORBIDDEN,
        _input(name="Partner's", subject="Hi", bodyText="Hello"),
    ),
    "updateNoticeTemplate": Case(
        _payload("updateNoticeTemplate", "UpdateNoticeTemplateInput", "template { id }"),
        Outcome.FORBIDDEN,
        _input(id=lambda w: w.template_id, subject="Changed"),
    ),
    "setCustomerNoticeEmail": Case(
        _payload("setCustomerNoticeEmail", "SetCustomerNoticeEmailInput", "email"),
        Outcome.FORBIDDEN,
        _input(customerNumber=lambda w: w.theirs.customer, email="intruder@example.com"),
    ),
    # --- subscriptions: see SUBSCRIPTIONS_PROVED_IN.
    "customerChanged": Case(
        "subscription($n: [String!]) { customerChanged(numbers: $n) { number } }",
        Outcome.SUBSCRIBED,
        lambda w: {"n": [w.theirs.customer]},
    ),
    "interactionLogged": Case(
        "subscription($n: String!) { interactionLogged(customerNumber: $n) { id } }",
        Outcome.SUBSCRIBED,
        lambda w: {"n": w.theirs.customer},
    ),
    "leadChanged": Case(
        "subscription($id: ID!) { leadChanged(id: $id) { id } }",
        Outcome.FORBIDDEN,
        lambda w: {"id": w.lead_id},
    ),
}

# Each Node type: the global id of the OTHER partner's object, and what a partner must get.
NODE_TYPES: dict[str, tuple[Callable[[World], str], Outcome]] = {
    "Customer": (lambda w: w.theirs.customer_id, Outcome.NULL),
    "Contact": (lambda w: w.theirs.contact_id, Outcome.NULL),
    "Interaction": (lambda w: w.theirs.interaction_id, Outcome.NULL),
    "Lead": (lambda w: w.lead_id, Outcome.FORBIDDEN),  # partners see no leads at all
    "Opportunity": (lambda w: w.opportunity_id, Outcome.NULL),
    "Campaign": (lambda w: w.campaign_id, Outcome.NULL),  # no member is the partner's
    "Payment": (lambda w: w.payment_id, Outcome.FORBIDDEN),  # partners lack read:payments
    "NoticeTemplate": (lambda w: w.template_id, Outcome.FORBIDDEN),  # no customer of theirs
}

SNAPSHOT = """query($n: String!, $contact: ID!) {
  customer(number: $n) { contacts { id name } interactions { totalCount } }
  contact(id: $contact) { name archived }
  leads { totalCount edges { node { name status } } }
}"""


def _node_types() -> list[str]:
    schema = build_schema()._schema
    node = schema.get_type("Node")
    assert node is not None
    return sorted(t.name for t in schema.get_implementations(node).objects)  # type: ignore[arg-type]


async def _snapshot(admin: httpx.AsyncClient, world: World) -> dict[str, Any]:
    variables = {"n": world.theirs.customer, "contact": world.theirs.contact_id}
    body = await gql(admin, SNAPSHOT, variables)
    body["data"]["assigned"] = (
        await gql(admin, "{ customers { totalCount } }")  # the admin still sees all
    )["data"]
    return body["data"]  # type: ignore[no-any-return]


def check(body: dict[str, Any], name: str, outcome: Outcome) -> None:
    data = (body.get("data") or {}).get(name)
    errors = body.get("errors", [])
    if outcome is Outcome.FORBIDDEN:
        assert data is None, body
        assert [(e["path"], e["extensions"]["code"]) for e in errors] == [([name], "FORBIDDEN")]
        return
    assert errors == [], errors
    if outcome is Outcome.NULL:
        assert data is None
    elif outcome is Outcome.EMPTY:
        assert data == {"totalCount": 0, "edges": []}
    elif outcome is Outcome.USER_ERROR:
        assert [e["code"] for e in data["userErrors"]] == ["FORBIDDEN"], data
        assert data["userErrors"][0]["field"][0] == "input"
        assert all(value is None for key, value in data.items() if key != "userErrors"), data
    else:
        assert data is not None


@pytest.mark.parametrize("name", [f.name for f in root_fields()])
async def test_a_partner_cannot_reach_another_partners_customers_through_any_root_field(
    name: str, world: World, client: httpx.AsyncClient, client_for: ClientFor
) -> None:
    if name not in ROOT_FIELDS:
        pytest.fail(
            f"Root field `{name}` has no partner-scoping decision: add it to ROOT_FIELDS in "
            "tests/resolvers/test_scoping.py (how to ask it for another partner's data, and "
            "the outcome a partner must get), after scoping it (resolvers/scoping.py)."
        )
    case = ROOT_FIELDS[name]
    if case.document.startswith("subscription"):
        _check_subscription_decision(name, case.outcome)
        return
    partner = await client_for("partner", partner=PARTNER)
    before = await _snapshot(client, world)
    body = await gql(partner, case.document, case.variables(world), expect_errors=True)
    check(body, name, case.outcome)
    assert await _snapshot(client, world) == before  # nothing written
    if case.outcome in (Outcome.NULL, Outcome.EMPTY):
        # The same question from an admin finds something: the null above is the scoping.
        seen = await gql(client, case.document, case.variables(world))
        assert seen["data"][name] not in (None, {"totalCount": 0, "edges": []})


def _check_subscription_decision(name: str, outcome: Outcome) -> None:
    """FORBIDDEN exactly when the partner role lacks the field's declared capability; else the
    field filters by customer (SUBSCRIBED), proved in ``SUBSCRIPTIONS_PROVED_IN``."""
    (field,) = [f for f in root_fields() if f.name == name]
    assert field.operation == "subscription"
    needs = [
        Capability[p.removeprefix("Requires_")]
        for p in field.permission_classes
        if p.startswith("Requires_")
    ]
    assert needs, f"{name} declares no capability"
    allowed = all(c in PERMISSIONS[Role.PARTNER] for c in needs)
    assert outcome is (Outcome.SUBSCRIBED if allowed else Outcome.FORBIDDEN), (name, needs)


def test_every_scoping_decision_names_a_field_that_exists() -> None:
    assert sorted(ROOT_FIELDS) == sorted(f.name for f in root_fields())


@pytest.mark.parametrize("type_name", _node_types())
async def test_node_cannot_fetch_another_partners_objects_of_any_type(
    type_name: str, world: World, client: httpx.AsyncClient, client_for: ClientFor
) -> None:
    if type_name not in NODE_TYPES or visibility_of(type_name) is None:
        pytest.fail(
            f"Node type `{type_name}` has no partner-scoping decision: declare it with "
            "@scoped(...) above its class (resolvers/scoping.py) and add it to NODE_TYPES in "
            "tests/resolvers/test_scoping.py."
        )
    global_id, outcome = NODE_TYPES[type_name]
    document = "query($id: ID!) { node(id: $id) { __typename id } }"
    variables = {"id": global_id(world)}
    admin = await gql(client, document, variables)
    assert admin["data"]["node"] == {"__typename": type_name, "id": global_id(world)}
    partner = await client_for("partner", partner=PARTNER)
    check(await gql(partner, document, variables, expect_errors=True), "node", outcome)


async def test_a_partner_reaches_its_own_customers_and_their_history(
    world: World, client_for: ClientFor
) -> None:
    partner = await client_for("partner", partner=PARTNER)
    body = await gql(
        partner,
        """query($n: String!, $id: ID!, $contact: ID!, $interaction: ID!) {
          customer(number: $n) { number contacts { id } interactions { totalCount } }
          node(id: $id) { id }
          contact(id: $contact) { customer { number } }
          interaction(id: $interaction) { customer { number } contact { id } }
        }""",
        {
            "n": world.mine.customer,
            "id": world.mine.customer_id,
            "contact": world.mine.contact_id,
            "interaction": world.mine.interaction_id,
        },
    )
    assert body["data"] == {
        "customer": {
            "number": world.mine.customer,
            "contacts": [{"id": world.mine.contact_id}],
            "interactions": {"totalCount": 1},
        },
        "node": {"id": world.mine.customer_id},
        "contact": {"customer": {"number": world.mine.customer}},
        "interaction": {
            "customer": {"number": world.mine.customer},
            "contact": {"id": world.mine.contact_id},
        },
    }


async def test_customers_lists_only_the_partners_customers_with_paging_and_counts(
    world: World, client_for: ClientFor
) -> None:
    partner = await client_for("partner", partner=PARTNER)
    query = """query($after: String) { customers(first: 1, after: $after) {
      totalCount edges { node { number } } pageInfo { hasNextPage endCursor } } }"""
    first = (await gql(partner, query))["data"]["customers"]
    assert first["totalCount"] == len(MINE)
    assert first["pageInfo"]["hasNextPage"] is True
    after = first["pageInfo"]["endCursor"]
    second = (await gql(partner, query, {"after": after}))["data"]["customers"]
    assert [e["node"]["number"] for e in first["edges"] + second["edges"]] == list(MINE)
    assert second["pageInfo"]["hasNextPage"] is False
    searched = await gql(partner, '{ customers(search: "C1000") { totalCount } }')
    assert searched["data"]["customers"] == {"totalCount": len(MINE)}


async def test_a_partner_without_customers_lists_nothing(
    world: World, client_for: ClientFor
) -> None:
    stranger = await client_for("partner", partner="P-nobody")
    body = await gql(stranger, "{ customers { totalCount edges { node { number } } } }")
    assert body["data"]["customers"] == {"totalCount": 0, "edges": []}


async def test_nested_references_do_not_leak_other_partners_objects(
    world: World, client: httpx.AsyncClient, client_for: ClientFor, store: Store
) -> None:
    # An interaction on the partner's customer that (written past the workflow's checks)
    # names the other partner's contact and a lead: neither shows.
    async with store.sessionmaker() as session:
        row = InteractionRow(
            kind=InteractionKind.NOTE,
            direction=Direction.OUTBOUND,
            subject="crossed wires",
            occurred_at=dt.datetime.now(tz=dt.UTC),
            customer_number=world.mine.customer,
            contact_id=row_id(world.theirs.contact_id, "Contact"),
            lead_id=row_id(world.lead_id, "Lead"),
        )
        session.add(row)
        await session.commit()
        interaction_id = to_global_id("Interaction", row.id)
    document = """query($id: ID!) { interaction(id: $id) {
      subject contact { id } lead { id } } }"""
    admin = await gql(client, document, {"id": interaction_id})
    assert admin["data"]["interaction"]["contact"] == {"id": world.theirs.contact_id}
    partner = await client_for("partner", partner=PARTNER)
    body = await gql(partner, document, {"id": interaction_id}, expect_errors=True)
    assert body["data"]["interaction"] == {
        "subject": "crossed wires",
        "contact": None,
        "lead": None,
    }
    assert [(e["path"], e["extensions"]["code"]) for e in body["errors"]] == [
        (["interaction", "lead"], "FORBIDDEN")
    ]


async def test_a_partner_can_write_to_its_own_customers(
    world: World, client_for: ClientFor
) -> None:
    partner = await client_for("partner", partner=PARTNER)
    created = await gql(
        partner,
        _payload("createContact", "CreateContactInput", "contact { customerNumber }"),
        {"input": {"customerNumber": f" {world.mine.customer} ", "name": "New Person"}},
    )
    assert created["data"]["createContact"] == {
        "contact": {"customerNumber": world.mine.customer},
        "userErrors": [],
    }
    logged = await gql(
        partner,
        _payload("logInteraction", "LogInteractionInput", "interaction { customerNumber }"),
        {
            "input": {
                "customerNumber": world.mine.customer,
                "contactId": world.mine.contact_id,
                "kind": "CALL",
                "direction": "OUTBOUND",
                "subject": "Follow-up",
            }
        },
    )
    assert logged["data"]["logInteraction"]["userErrors"] == []
    refused = await gql(
        partner,
        _payload("logInteraction", "LogInteractionInput", "interaction { id }"),
        {
            "input": {
                "customerNumber": world.mine.customer,
                "leadId": world.lead_id,
                "kind": "NOTE",
                "direction": "OUTBOUND",
                "subject": "On a lead",
            }
        },
    )
    assert refused["data"]["logInteraction"] == {
        "interaction": None,
        "userErrors": [{"field": ["input", "leadId"], "code": "FORBIDDEN"}],
    }


async def test_a_partners_assignments_cost_one_query_per_request(
    world: World, client: httpx.AsyncClient, client_for: ClientFor, store: Store
) -> None:
    document = """query($id: ID!, $n: String!) {
      customers(first: 10) { edges { node { number contacts { name }
        interactions { totalCount edges { node { customer { number } contact { name } } } } } } }
      node(id: $id) { id }
      customer(number: $n) { number }
    }"""
    variables = {"id": world.mine.customer_id, "n": world.mine.customer}
    partner = await client_for("partner", partner=PARTNER)
    await gql(partner, "{ apiVersion }")  # the key's first use is recorded once
    await gql(client, "{ apiVersion }")
    with store.count_queries() as as_partner:
        await gql(partner, document, variables)
    with store.count_queries() as as_admin:
        await gql(client, document, variables)
    # contacts, interactions (each page and its total in one windowed statement:
    # crm_store/repositories/interactions.py), contacts of interactions; the partner's
    # assigned customers once on top, however many objects are checked against them.
    assert as_admin.count == 3
    assert as_partner.count == as_admin.count + 1


def test_every_node_type_declares_its_visibility() -> None:
    missing = [name for name in _node_types() if visibility_of(name) is None]
    assert missing == [], f"declare @scoped(...) on {missing} (resolvers/scoping.py)"


async def test_a_partner_sees_its_customers_opportunities_and_shared_campaigns(
    world: World, client: httpx.AsyncClient, client_for: ClientFor
) -> None:
    # A campaign with one of the partner's customers, the other partner's and a lead; an
    # opportunity on the partner's customer sourced by it (from the lead), and one on the
    # lead alone.
    campaign = await gql(
        client,
        _payload("createCampaign", "CreateCampaignInput", "campaign { id }"),
        {"input": {"name": "Shared fair", "channel": "EVENT"}},
    )
    campaign_id = campaign["data"]["createCampaign"]["campaign"]["id"]
    added = await gql(
        client,
        _payload("addCampaignMembers", "AddCampaignMembersInput", "added"),
        {
            "input": {
                "campaignId": campaign_id,
                "customerNumbers": [world.theirs.customer, world.mine.customer],
                "leadIds": [world.lead_id],
            }
        },
    )
    assert added["data"]["addCampaignMembers"] == {"added": 3, "userErrors": []}
    create = _payload("createOpportunity", "CreateOpportunityInput", "opportunity { id }")
    mine = await gql(
        client,
        create,
        {
            "input": {
                "name": "Our deal",
                "customerNumber": world.mine.customer,
                "leadId": world.lead_id,
                "campaignId": campaign_id,
            }
        },
    )
    mine_id = mine["data"]["createOpportunity"]["opportunity"]["id"]
    on_lead = await gql(client, create, {"input": {"name": "Lead only", "leadId": world.lead_id}})
    lead_only_id = on_lead["data"]["createOpportunity"]["opportunity"]["id"]

    partner = await client_for("partner", partner=PARTNER)
    body = await gql(
        partner,
        """query($mine: ID!, $leadOnly: ID!, $campaign: ID!) {
          opportunities { totalCount edges { node { id customer { number } campaign { id } } } }
          campaigns { totalCount edges { node { id } } }
          campaign(id: $campaign) { members { totalCount edges { node {
            customerNumber customer { number } } } } }
          node(id: $leadOnly) { id }
          mineNode: node(id: $mine) { ... on Opportunity { name lead { id } } }
        }""",
        {"mine": mine_id, "leadOnly": lead_only_id, "campaign": campaign_id},
        expect_errors=True,
    )
    assert body["data"] == {
        "opportunities": {
            "totalCount": 1,
            "edges": [
                {
                    "node": {
                        "id": mine_id,
                        "customer": {"number": world.mine.customer},
                        "campaign": {"id": campaign_id},
                    }
                }
            ],
        },
        "campaigns": {"totalCount": 1, "edges": [{"node": {"id": campaign_id}}]},
        "campaign": {
            "members": {
                "totalCount": 1,
                "edges": [
                    {
                        "node": {
                            "customerNumber": world.mine.customer,
                            "customer": {"number": world.mine.customer},
                        }
                    }
                ],
            }
        },
        "node": None,
        "mineNode": {"name": "Our deal", "lead": None},
    }
    assert [(e["path"], e["extensions"]["code"]) for e in body["errors"]] == [
        (["mineNode", "lead"], "FORBIDDEN")
    ]
    admin = await gql(
        client,
        "query($id: ID!) { campaign(id: $id) { members { totalCount } } }",
        {"id": campaign_id},
    )
    assert admin["data"]["campaign"]["members"]["totalCount"] == 3


async def test_checking_campaigns_for_a_partner_costs_one_query_per_request(
    world: World, client: httpx.AsyncClient, client_for: ClientFor, store: Store
) -> None:
    document = """query($a: ID!, $b: ID!) {
      a: campaign(id: $a) { id } b: campaign(id: $b) { id }
      x: node(id: $a) { id } y: node(id: $b) { id }
    }"""
    created = []
    for name in ("One", "Two"):
        body = await gql(
            client,
            _payload("createCampaign", "CreateCampaignInput", "campaign { id }"),
            {"input": {"name": name, "channel": "EMAIL"}},
        )
        created.append(body["data"]["createCampaign"]["campaign"]["id"])
    await gql(
        client,
        _payload("addCampaignMembers", "AddCampaignMembersInput", "added"),
        {"input": {"campaignId": created[0], "customerNumbers": [world.mine.customer]}},
    )
    variables = {"a": created[0], "b": created[1]}
    partner = await client_for("partner", partner=PARTNER)
    await gql(partner, "{ apiVersion }")  # the key's first use is recorded once
    await gql(client, "{ apiVersion }")
    with store.count_queries() as as_partner:
        seen = await gql(partner, document, variables)
    with store.count_queries() as as_admin:
        await gql(client, document, variables)
    assert seen["data"] == {"a": {"id": created[0]}, "b": None, "x": {"id": created[0]}, "y": None}
    # the campaigns (one batch) for both; the partner's campaigns once on top.
    assert as_admin.count == 1
    assert as_partner.count == as_admin.count + 1

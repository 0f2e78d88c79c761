"""Frontdesk on the live Tryton (FRONTDESK_ERP_ADAPTER=tryton), over GraphQL and HTTP.

Expected values come from Tryton's own JSON-RPC (``tests/support/tryton_rpc.py``). Tests that
write make their own parties (``tests/support/tryton_parties.py``); leads are converted without
an e-mail address, because Tryton checks an e-mail's domain in DNS, which is not reachable here.
"""

from __future__ import annotations

import uuid
from contextlib import asynccontextmanager
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest

from api.settings import Settings
from crm_store.unit_of_work import UnitOfWork
from erp_gateway.errors import ErpRejected
from erp_gateway.records import NewCustomer
from resolvers.node import key_of
from tests.support.erp import running_app
from tests.support.erp_writes import (
    READ_CUSTOMER,
    convert,
    qualified_lead,
    read_customer,
    update_address,
)
from tests.support.graphql import gql
from tests.support.tryton_parties import (
    invoice_address,
    make_party,
    party_count,
    read_party,
)
from tests.support.tryton_rpc import TrytonRpcError
from workflows.erp_problems import erp_problem
from workflows.lead_conversion import convert_lead
from workflows.problems import ProblemCode

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator
    from pathlib import Path

    import httpx
    from starlette.applications import Starlette

    from tests.support.databases import Store
    from tests.support.tryton import TrytonServer
    from tests.support.tryton_rpc import TrytonRpc

pytestmark = pytest.mark.tryton

HOME = {"street": "Hauptstrasse 5", "city": "Berlin", "postal_code": "10115", "country": "DE"}
MOVED = {"street": "Marienplatz 1", "city": "München", "postalCode": "80331", "country": "DE"}


@pytest.fixture
def rpc(tryton: TrytonServer) -> Iterator[TrytonRpc]:
    client = tryton.rpc()
    yield client
    client.close()


def tryton_settings(tmp_path: Path, tryton: TrytonServer, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "data_dir": tmp_path / "data",
        "erp_adapter": "tryton",
        "tryton_url": tryton.url,
        "tryton_database": tryton.database,
        "tryton_username": tryton.username,
        "tryton_password": tryton.password,
        "erp_timeout": 60,
        "erp_retries": 0,
        "erp_breaker_threshold": 1000,
        **overrides,
    }
    return Settings(**values)


@asynccontextmanager
async def tryton_app(
    tmp_path: Path, tryton: TrytonServer, store: Store, **overrides: Any
) -> AsyncIterator[tuple[httpx.AsyncClient, Starlette]]:
    async with running_app(tryton_settings(tmp_path, tryton, **overrides), store) as running:
        yield running


async def test_a_customer_read_matches_what_tryton_says(
    tmp_path: Path, tryton: TrytonServer, store: Store, rpc: TrytonRpc
) -> None:
    (row,) = rpc.search_read(
        "party.party",
        [["code", "=", "C1001"]],
        [
            "name",
            "credit_limit_amount",
            "customer_payment_term.name",
            "identifiers.code",
            "contact_mechanisms.type",
            "contact_mechanisms.value",
            "addresses.street",
            "addresses.city",
            "addresses.postal_code",
            "addresses.country.code",
            "addresses.subdivision.name",
            "addresses.invoice",
            "addresses.delivery",
        ],
    )
    async with tryton_app(tmp_path, tryton, store) as (client, _):
        body = await gql(
            client,
            """query { customer(number: "C1001") { number name taxId email paymentTerms
                 creditLimit { amount currency }
                 billingAddress { street city postalCode region country }
                 shippingAddress { street city postalCode region country } } }""",
        )
    customer = body["data"]["customer"]
    (delivery,) = [a for a in row["addresses."] if a["delivery"]]
    assert customer["name"] == row["name"]
    assert customer["taxId"] == row["identifiers."][0]["code"]
    assert customer["email"] == next(
        m["value"] for m in row["contact_mechanisms."] if m["type"] == "email"
    )
    assert customer["paymentTerms"] == row["customer_payment_term."]["name"]
    assert Decimal(customer["creditLimit"]["amount"]) == row["credit_limit_amount"]
    assert customer["billingAddress"] == invoice_address(row)
    assert customer["shippingAddress"] == {
        "street": delivery["street"],
        "city": delivery["city"],
        "postalCode": delivery["postal_code"],
        "region": delivery["subdivision."]["name"],
        "country": delivery["country."]["code"],
    }


async def test_an_address_update_is_in_tryton_at_once_and_not_read_stale(
    tmp_path: Path, tryton: TrytonServer, store: Store, rpc: TrytonRpc
) -> None:
    code = make_party(rpc, "Address Mover AG", address=HOME)
    async with tryton_app(tmp_path, tryton, store, erp_cache_ttl=3600) as (client, _):
        before = await read_customer(client, code)  # cached for an hour
        payload = await update_address(
            client,
            customerNumber=code,
            role="BILLING",
            address=MOVED,
            expectedVersion=before["erpVersion"],
        )
        in_tryton = invoice_address(read_party(rpc, code))
        after = await read_customer(client, code)

        stale = await update_address(
            client,
            customerNumber=code,
            role="BILLING",
            address={**MOVED, "street": "Elsewhere 9"},
            expectedVersion=before["erpVersion"],
        )
        unchanged = invoice_address(read_party(rpc, code))
        history = (await read_customer(client, code))["interactions"]

    moved = {**MOVED, "region": None}
    assert payload["userErrors"] == []
    assert payload["customer"]["billingAddress"] == moved
    assert in_tryton == moved
    assert before["billingAddress"]["street"] == "Hauptstrasse 5"
    assert after["billingAddress"] == moved
    assert after["erpVersion"] == payload["customer"]["erpVersion"] != before["erpVersion"]
    assert [e["code"] for e in stale["userErrors"]] == ["CONFLICT"]
    assert unchanged == moved
    assert history["totalCount"] == 1
    body = history["edges"][0]["node"]["body"]
    assert "old: Hauptstrasse 5, 10115 Berlin, DE" in body
    assert "new: Marienplatz 1, 80331 München, DE" in body


async def test_convert_lead_twice_and_after_a_lost_commit_leaves_one_party(
    tmp_path: Path, tryton: TrytonServer, store: Store, rpc: TrytonRpc
) -> None:
    async with tryton_app(tmp_path, tryton, store) as (client, app):
        lead = await qualified_lead(
            client,
            name="Tryton Lead",
            company=f"Lead Converted {uuid.uuid4().hex[:6]} GmbH",
            phone="+49 30 1234567",
            street="Invalidenstraße 117",
            city="Berlin",
            postalCode="10115",
            country="DE",
        )
        key = str(uuid.uuid4())
        lead_id = int(key_of(lead["id"], "Lead") or 0)
        gateway = app.state.frontdesk.erp.gateway
        count = party_count(rpc)

        # The ERP call succeeds, then the CRM transaction never commits (a crash).
        uow = UnitOfWork(store.sessionmaker)
        lost = await convert_lead(uow, gateway, lead_id, key, actor="crashed")
        await uow.rollback()
        await uow.close()
        assert lost.value is not None
        assert party_count(rpc) == count + 1

        first = await convert(client, lead["id"], key)
        second = await convert(client, lead["id"], key)
        customer = await read_customer(client, lost.value.customer_number)

    assert first["userErrors"] == second["userErrors"] == []
    number = first["customer"]["number"]
    assert number == second["customer"]["number"] == lost.value.customer_number
    assert party_count(rpc) == count + 1
    party = read_party(rpc, number)
    assert party["name"] == first["customer"]["name"]
    assert invoice_address(party)["street"] == "Invalidenstraße 117"
    assert first["lead"]["status"] == second["lead"]["status"] == "CONVERTED"
    assert sorted(e["node"]["subject"] for e in customer["interactions"]["edges"]) == [
        "CALL QUALIFIED",
        "EMAIL CONTACTED",
    ]


async def test_tryton_refusing_a_write_is_erp_rejected_with_its_message(
    tmp_path: Path, tryton: TrytonServer, store: Store, rpc: TrytonRpc
) -> None:
    email = "buyer@refused.example"
    with pytest.raises(TrytonRpcError) as direct:
        rpc.create(
            "party.party",
            [
                {
                    "name": "Mailing Lead",
                    "contact_mechanisms": [["create", [{"type": "email", "value": email}]]],
                }
            ],
        )
    trytons_message = direct.value.error[1][0]
    async with tryton_app(tmp_path, tryton, store) as (client, app):
        lead = await qualified_lead(client, name="Mailing Lead", email=email)
        count = party_count(rpc)
        payload = await convert(client, lead["id"], str(uuid.uuid4()))
        status = await gql(
            client, "query($id: ID!) { lead(id: $id) { status } }", {"id": lead["id"]}
        )
        # A VAT number Tryton's check refuses, through the same error path.
        gateway = app.state.frontdesk.erp.gateway
        with pytest.raises(ErpRejected) as vat:
            await gateway.create_customer(
                NewCustomer(name="Bad Vat Ltd", tax_id="DE123456789"),
                idempotency_key=str(uuid.uuid4()),
            )
    (error,) = payload["userErrors"]
    assert error["code"] == "ERP_REJECTED"
    assert trytons_message in error["message"]
    assert payload["lead"] is None
    assert status["data"]["lead"]["status"] == "QUALIFIED"
    assert party_count(rpc) == count
    problem = erp_problem(vat.value, "lead_id")
    assert problem.code is ProblemCode.ERP_REJECTED
    assert "DE123456789" in problem.message


async def test_an_outage_serves_stale_then_unavailable_then_recovers(
    tmp_path: Path, tryton: TrytonServer, store: Store
) -> None:
    async with tryton_app(tmp_path, tryton, store, erp_cache_ttl=0) as (client, _):
        cached = await read_customer(client, "C1003")
        try:
            tryton.stop()
            stale = await read_customer(client, "C1003")
            uncached = await gql(client, READ_CUSTOMER, {"number": "C1005"}, expect_errors=True)
        finally:
            tryton.start()
        recovered = await read_customer(client, "C1005")
        fresh = await read_customer(client, "C1003")

    assert cached["erpStale"] is False
    assert stale["erpStale"] is True
    assert stale["name"] == cached["name"]
    assert stale["billingAddress"] == cached["billingAddress"]
    codes = {e["extensions"]["code"] for e in uncached["errors"]}
    assert codes == {"ERP_UNAVAILABLE"}
    assert uncached["data"]["customer"]["name"] is None
    assert uncached["data"]["customer"]["erpStale"] is False
    assert recovered["erpStale"] is False
    assert recovered["name"]
    assert fresh["erpStale"] is False

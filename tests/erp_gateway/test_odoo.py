"""The ``odoo`` adapter against an in-memory Odoo (``tests/support/fake_odoo.py``).

Request and answer shapes follow Odoo's External API documentation,
https://www.odoo.com/documentation/18.0/developer/reference/external_api.html (JSON-RPC at
``POST /jsonrpc``: ``common.authenticate(db, login, key, {})`` returning the uid or ``false``,
``object.execute_kw(db, uid, key, model, method, args, kwargs)``, ``search_read`` with
``fields``/``order``/``limit``/``context``, many2one values as ``[id, display_name]``), and
the JSON-RPC error object Odoo's dispatcher sends (``{"code": 200, "message": "Odoo Server
Error", "data": {"name": "odoo.exceptions.<Class>", "message": ..., "arguments": [...],
"debug": ...}}``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

import pytest

from erp_gateway.adapters.odoo import OdooGateway, translate_error
from erp_gateway.errors import ErpNotFound, ErpRejected, ErpUnavailable
from erp_gateway.records import Address, AddressRole, CustomerQuery, Money, NewCustomer
from tests.support import fake_odoo

if TYPE_CHECKING:
    from collections.abc import AsyncIterator


@pytest.fixture
def odoo() -> fake_odoo.FakeOdoo:
    return fake_odoo.FakeOdoo()


@pytest.fixture
async def gateway(odoo: fake_odoo.FakeOdoo) -> AsyncIterator[OdooGateway]:
    gateway = OdooGateway(
        url="http://odoo.test",
        database=fake_odoo.DATABASE,
        username=fake_odoo.LOGIN,
        password=fake_odoo.API_KEY,
        transport=odoo.transport,
    )
    yield gateway
    await gateway.close()


def seed_customer(odoo: fake_odoo.FakeOdoo, **values: object) -> int:
    fields = {
        "name": "Alpen Bau AG",
        "ref": "C0001",
        "is_company": True,
        "street": "Hauptstraße 1",
        "city": "Augsburg",
        "zip": "86150",
        "country_id": 1,
    }
    return odoo.add_partner(**(fields | values))


async def test_a_batch_logs_in_once_then_reads_partners_and_addresses_in_one_call(
    odoo: fake_odoo.FakeOdoo, gateway: OdooGateway
) -> None:
    seed_customer(odoo)
    await gateway.get_customers(["C0001"])
    await gateway.get_customers(["C0001", "C0002"])

    calls = [(r["params"]["service"], r["params"]["method"]) for r in odoo.requests]
    assert calls == [("common", "authenticate")] + [("object", "execute_kw")] * 3
    assert odoo.requests[0]["params"]["args"] == [
        fake_odoo.DATABASE,
        fake_odoo.LOGIN,
        fake_odoo.API_KEY,
        {},
    ]
    db, uid, key, model, method, args, kwargs = odoo.requests[-1]["params"]["args"]
    assert (db, uid, key, model, method) == (
        fake_odoo.DATABASE,
        fake_odoo.UID,
        fake_odoo.API_KEY,
        "res.partner",
        "search_read",
    )
    assert ["parent_id.ref", "in", ["C0001", "C0002"]] in args[0]
    assert {"ref", "credit_limit", "property_payment_term_id", "total_due"} <= set(kwargs["fields"])
    assert kwargs["context"] == {"active_test": False}


async def test_fields_map_from_odoo_shapes(odoo: fake_odoo.FakeOdoo, gateway: OdooGateway) -> None:
    partner = seed_customer(
        odoo,
        vat="DE811907980",
        email="office@alpenbau.example",
        credit_limit=5000.0,
        total_due=1234.56,
        property_payment_term_id=3,
    )
    odoo.add_partner(
        parent_id=partner,
        type="invoice",
        name=False,
        street="Rechnungsweg 2",
        city="München",
        zip="80331",
        state_id=10,
        country_id=1,
    )
    customer = (await gateway.get_customers(["C0001"]))["C0001"]

    assert customer.name == "Alpen Bau AG"
    assert customer.tax_id == "DE811907980"
    assert customer.payment_terms == "30 Days"
    assert customer.credit_limit == Money(Decimal("5000.0"), "EUR")
    assert customer.balance == Money(Decimal("1234.56"), "EUR")
    assert not customer.credit_hold
    assert customer.billing_address == Address(
        street="Rechnungsweg 2", city="München", postal_code="80331", region="Bavaria", country="DE"
    )
    # No delivery child: Odoo ships to the partner's own address.
    assert customer.shipping_address == Address(
        street="Hauptstraße 1", city="Augsburg", postal_code="86150", country="DE"
    )


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        (
            {"credit_limit": 1000.0, "total_due": 1000.01},
            "balance 1000.01 exceeds the credit limit",
        ),
        ({"credit_limit": 0.0, "total_due": 99999.0}, None),
        ({"credit_limit": 1000.0, "total_due": 1000.0}, None),
        ({"active": False}, "archived in Odoo"),
    ],
)
async def test_credit_hold_rule(
    odoo: fake_odoo.FakeOdoo, gateway: OdooGateway, values: dict[str, object], reason: str | None
) -> None:
    seed_customer(odoo, **values)
    customer = (await gateway.get_customers(["C0001"]))["C0001"]
    assert customer.credit_hold is (reason is not None)
    assert (customer.credit_hold_reason or "").startswith(reason or "")
    assert (customer.credit_hold_reason is None) is (reason is None)


async def test_the_balance_field_is_configurable(odoo: fake_odoo.FakeOdoo) -> None:
    seed_customer(odoo, credit=42.5, total_due=0.0)
    gateway = OdooGateway(
        url="http://odoo.test",
        database=fake_odoo.DATABASE,
        username=fake_odoo.LOGIN,
        password=fake_odoo.API_KEY,
        balance_field="credit",
        transport=odoo.transport,
    )
    customer = (await gateway.get_customers(["C0001"]))["C0001"]
    await gateway.close()
    assert customer.balance == Money(Decimal("42.5"), "EUR")


async def test_an_address_update_writes_the_child_or_creates_one(
    odoo: fake_odoo.FakeOdoo, gateway: OdooGateway
) -> None:
    partner = seed_customer(odoo)
    invoice = odoo.add_partner(parent_id=partner, type="invoice", street="Old 1", country_id=1)
    new = Address(street="Neu 5", city="Regensburg", postal_code="93047", region="BY", country="DE")

    await gateway.update_address("C0001", AddressRole.BILLING, new)
    await gateway.update_address("C0001", AddressRole.SHIPPING, new)

    assert odoo.partners[invoice]["street"] == "Neu 5"
    assert odoo.partners[invoice]["state_id"] == 10
    delivery = [p for p in odoo.partners.values() if p["type"] == "delivery"]
    assert [(p["parent_id"], p["city"]) for p in delivery] == [(partner, "Regensburg")]
    assert odoo.partners[partner]["street"] == "Hauptstraße 1"


async def test_an_unknown_region_is_rejected_before_anything_is_written(
    odoo: fake_odoo.FakeOdoo, gateway: OdooGateway
) -> None:
    seed_customer(odoo)
    count = len(odoo.partners)
    with pytest.raises(ErpRejected, match="Atlantis"):
        await gateway.update_address(
            "C0001", AddressRole.SHIPPING, Address(city="X", region="Atlantis", country="DE")
        )
    assert len(odoo.partners) == count


async def test_updating_an_unknown_customer_is_not_found(gateway: OdooGateway) -> None:
    with pytest.raises(ErpNotFound):
        await gateway.update_address("NOPE", AddressRole.BILLING, Address(city="X"))


async def test_create_sends_the_derived_ref_and_the_vat(
    odoo: fake_odoo.FakeOdoo, gateway: OdooGateway
) -> None:
    draft = NewCustomer(name="Neu GmbH", tax_id="DE129273398", phone="+49 89 1234")
    customer = await gateway.create_customer(draft, idempotency_key="lead-7")
    created = [r for r in odoo.requests if r["params"]["args"][4:5] == ["create"]]
    assert len(created) == 1
    values = created[0]["params"]["args"][5][0]
    assert values["ref"] == customer.number
    assert customer.number.startswith("FD-")
    assert (values["vat"], values["phone"], values["customer_rank"]) == (
        "DE129273398",
        "+49 89 1234",
        1,
    )


async def test_odoo_validation_message_reaches_the_caller(gateway: OdooGateway) -> None:
    with pytest.raises(ErpRejected, match=r"VAT number \[XX\] .* does not seem to be valid"):
        await gateway.create_customer(NewCustomer(name="Bad", tax_id="XX"), idempotency_key="k")


async def test_refused_credentials_are_unavailable_not_the_callers_fault(
    odoo: fake_odoo.FakeOdoo, gateway: OdooGateway
) -> None:
    seed_customer(odoo)
    odoo.api_key = "rotated"
    with pytest.raises(ErpUnavailable, match="refused the configured login"):
        await gateway.get_customers(["C0001"])


async def test_a_revoked_key_after_login_is_unavailable(
    odoo: fake_odoo.FakeOdoo, gateway: OdooGateway
) -> None:
    seed_customer(odoo)
    await gateway.get_customers(["C0001"])
    odoo.api_key = "revoked"
    with pytest.raises(ErpUnavailable, match="AccessDenied"):
        await gateway.get_customers(["C0001"])


@pytest.mark.parametrize("status", [429, 502, 503])
async def test_overload_and_gateway_errors_are_unavailable(
    odoo: fake_odoo.FakeOdoo, gateway: OdooGateway, status: int
) -> None:
    odoo.status = status
    with pytest.raises(ErpUnavailable, match=str(status)):
        await gateway.ping()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("odoo.exceptions.ValidationError", ErpRejected),
        ("odoo.exceptions.UserError", ErpRejected),
        ("odoo.exceptions.MissingError", ErpNotFound),
        ("odoo.exceptions.AccessError", ErpUnavailable),
        ("odoo.exceptions.AccessDenied", ErpUnavailable),
        ("psycopg2.errors.SerializationFailure", ErpUnavailable),
    ],
)
def test_json_rpc_errors_map_onto_the_taxonomy(name: str, expected: type[Exception]) -> None:
    error = {
        "code": 200,
        "message": "Odoo Server Error",
        "data": {"name": name, "message": "Record does not exist", "arguments": [], "debug": ""},
    }
    translated = translate_error(error, "object.execute_kw")
    assert type(translated) is expected
    assert "Record does not exist" in str(translated)


async def test_search_counts_the_matches_unless_filtering_on_credit_hold(
    odoo: fake_odoo.FakeOdoo, gateway: OdooGateway
) -> None:
    for index, name in enumerate(["Alpha AG", "Beta AG", "Gamma KG"]):
        seed_customer(odoo, ref=f"C{index:04d}", name=name)
    first = await gateway.search_customers(CustomerQuery(limit=1))
    by_text = await gateway.search_customers(CustomerQuery(text="ag"))
    held = await gateway.search_customers(CustomerQuery(credit_hold=False, limit=1))
    assert ([c.name for c in first.items], first.total, first.has_next) == (["Alpha AG"], 3, True)
    assert ([c.name for c in by_text.items], by_text.total) == (["Alpha AG", "Beta AG"], 2)
    assert (len(held.items), held.total) == (1, None)

"""The ``erpnext`` adapter against an in-memory ERPNext (``tests/support/fake_erpnext.py``).

Request and answer shapes follow Frappe's REST API documentation,
https://docs.frappe.io/framework/user/en/api/rest (``Authorization: token
<api_key>:<api_secret>``, ``/api/resource/<DocType>``, answers under ``data``) and
https://docs.frappe.io/framework/user/en/guides/integration/rest_api/listing_documents
(JSON ``fields``/``filters`` with ``[doctype, field, operator, value]`` child-table conditions,
``limit_page_length``), and the error body Frappe's ``handle_exception`` sends (HTTP 417 for
``frappe.throw``/validation, 404 ``DoesNotExistError``, 403 ``PermissionError``, with
``exc_type``, ``exception`` and ``_server_messages``: a JSON list of JSON-encoded
``{"message": ...}`` objects).
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from erp_gateway.adapters.erpnext import ErpNextGateway
from erp_gateway.adapters.erpnext_errors import server_message, translate_error
from erp_gateway.errors import ErpConflict, ErpNotFound, ErpRejected, ErpUnavailable
from erp_gateway.records import Address, AddressRole, CustomerQuery, Money, NewCustomer
from tests.support import fake_erpnext

if TYPE_CHECKING:
    from collections.abc import AsyncIterator


@pytest.fixture
def erpnext() -> fake_erpnext.FakeErpNext:
    return fake_erpnext.FakeErpNext()


def make_gateway(transport: httpx.AsyncBaseTransport) -> ErpNextGateway:
    return ErpNextGateway(
        url="http://erpnext.test",
        api_key=fake_erpnext.API_KEY,
        api_secret=fake_erpnext.API_SECRET,
        company=fake_erpnext.COMPANY,
        currency="EUR",
        transport=transport,
    )


@pytest.fixture
async def gateway(erpnext: fake_erpnext.FakeErpNext) -> AsyncIterator[ErpNextGateway]:
    gateway = make_gateway(erpnext.transport)
    yield gateway
    await gateway.close()


def seed(erpnext: fake_erpnext.FakeErpNext, **values: Any) -> str:
    doc = erpnext.insert("Customer", {"customer_name": "Alpen Bau AG", **values})
    return str(doc["name"])


def address(erpnext: fake_erpnext.FakeErpNext, customer: str, **values: Any) -> dict[str, Any]:
    fields = {
        "address_title": "Alpen Bau AG",
        "address_type": "Billing",
        "address_line1": "Hauptstraße 1",
        "city": "Augsburg",
        "country": "Germany",
        "links": [{"link_doctype": "Customer", "link_name": customer}],
    }
    return erpnext.insert("Address", fields | values)


async def test_a_batch_is_three_token_authenticated_list_requests(
    erpnext: fake_erpnext.FakeErpNext, gateway: ErpNextGateway
) -> None:
    number = seed(erpnext)
    await gateway.get_customers([number])  # also reads the Country list, once
    erpnext.requests.clear()
    await gateway.get_customers([number, "CUST-99999"])

    paths = [r.url.path for r in erpnext.requests]  # decoded; sent as Sales%20Invoice
    assert paths == [
        "/api/resource/Customer",
        "/api/resource/Address",
        "/api/resource/Sales Invoice",
    ]
    token = f"token {fake_erpnext.API_KEY}:{fake_erpnext.API_SECRET}"
    assert all(r.headers["Authorization"] == token for r in erpnext.requests)
    address_filters = json.loads(erpnext.requests[1].url.params["filters"])
    assert ["Dynamic Link", "link_name", "in", [number, "CUST-99999"]] in address_filters
    assert erpnext.requests[2].url.params["group_by"] == "customer"


async def test_fields_map_from_erpnext_documents(
    erpnext: fake_erpnext.FakeErpNext, gateway: ErpNextGateway
) -> None:
    number = seed(
        erpnext,
        tax_id="DE811907980",
        email_id="office@alpenbau.example",
        payment_terms="Net 30",
        credit_limits=[
            {"company": "Other Company Ltd", "credit_limit": 99.0},
            {"company": fake_erpnext.COMPANY, "credit_limit": 5000.0},
        ],
    )
    address(erpnext, number, is_primary_address=1, state="Bayern", pincode="86150")
    address(
        erpnext, number, address_type="Shipping", address_line1="Lager 3", is_shipping_address=1
    )
    for amount, company, docstatus in [
        (100.25, fake_erpnext.COMPANY, 1),
        (50.0, fake_erpnext.COMPANY, 1),
        (999.0, fake_erpnext.COMPANY, 0),  # a draft owes nothing yet
        (777.0, "Other Company Ltd", 1),
    ]:
        name = f"SINV-{len(erpnext.docs['Sales Invoice']) + 1}"
        erpnext.docs["Sales Invoice"][name] = {
            "name": name,
            "customer": number,
            "company": company,
            "docstatus": docstatus,
            "outstanding_amount": amount,
            "modified": "2026-11-01 00:00:00.000000",
        }
    customer = (await gateway.get_customers([number]))[number]

    assert (customer.name, customer.tax_id, customer.email) == (
        "Alpen Bau AG",
        "DE811907980",
        "office@alpenbau.example",
    )
    assert customer.payment_terms == "Net 30"
    assert customer.credit_limit == Money(Decimal("5000.0"), "EUR")
    assert customer.balance == Money(Decimal("150.25"), "EUR")
    assert customer.billing_address == Address(
        street="Hauptstraße 1", city="Augsburg", postal_code="86150", region="Bayern", country="DE"
    )
    assert customer.shipping_address == Address(street="Lager 3", city="Augsburg", country="DE")


@pytest.mark.parametrize(
    ("flags", "reason"),
    [
        ({"is_frozen": 1}, "frozen in ERPNext"),
        ({"disabled": 1}, "disabled in ERPNext"),
        ({}, None),
    ],
)
async def test_credit_hold_is_frozen_or_disabled(
    erpnext: fake_erpnext.FakeErpNext,
    gateway: ErpNextGateway,
    flags: dict[str, int],
    reason: str | None,
) -> None:
    number = seed(erpnext, **flags)
    customer = (await gateway.get_customers([number]))[number]
    assert (customer.credit_hold, customer.credit_hold_reason) == (reason is not None, reason)


async def test_a_concurrent_edit_between_read_and_write_is_a_conflict(
    erpnext: fake_erpnext.FakeErpNext,
) -> None:
    """Frappe's own ``modified`` check catches the race that the version check cannot."""
    number = seed(erpnext)
    billing = address(erpnext, number, is_primary_address=1)

    def racing(request: httpx.Request) -> httpx.Response:
        if request.method == "PUT":  # someone saves the address in the desk first
            erpnext.docs["Address"][billing["name"]]["modified"] = "2026-11-25 11:00:00.000000"
        return erpnext.handle(request)

    gateway = make_gateway(httpx.MockTransport(racing))
    with pytest.raises(ErpConflict, match="modified after you have opened it"):
        await gateway.update_address(
            number, AddressRole.BILLING, Address(street="Neu 1", city="Ulm", country="DE")
        )
    await gateway.close()
    assert erpnext.docs["Address"][billing["name"]]["address_line1"] == "Hauptstraße 1"


async def test_a_missing_mandatory_field_is_rejected_with_frappes_message(
    erpnext: fake_erpnext.FakeErpNext, gateway: ErpNextGateway
) -> None:
    number = seed(erpnext)
    address(erpnext, number, is_primary_address=1)
    with pytest.raises(ErpRejected, match="Value missing for Address: City/Town"):
        await gateway.update_address(
            number, AddressRole.BILLING, Address(street="Neu 1", country="DE")
        )


async def test_a_new_shipping_address_links_to_the_customer(
    erpnext: fake_erpnext.FakeErpNext, gateway: ErpNextGateway
) -> None:
    number = seed(erpnext)
    await gateway.update_address(
        number, AddressRole.SHIPPING, Address(street="Lager 3", city="Ulm", country="AT")
    )
    (created,) = erpnext.docs["Address"].values()
    assert created["links"] == [{"link_doctype": "Customer", "link_name": number}]
    assert (created["address_type"], created["is_shipping_address"], created["country"]) == (
        "Shipping",
        1,
        "Austria",
    )


async def test_create_marks_the_customer_with_the_key(
    erpnext: fake_erpnext.FakeErpNext, gateway: ErpNextGateway
) -> None:
    draft = NewCustomer(name="Neu GmbH", email="a@neu.example", phone="+49 89 1", currency="EUR")
    customer = await gateway.create_customer(draft, idempotency_key="lead-7")
    doc = erpnext.docs["Customer"][customer.number]
    assert doc["customer_details"].startswith("frontdesk-key:")
    assert (doc["customer_name"], doc["email_id"], doc["mobile_no"]) == (
        "Neu GmbH",
        "a@neu.example",
        "+49 89 1",
    )


async def test_a_rotated_secret_is_unavailable(
    erpnext: fake_erpnext.FakeErpNext, gateway: ErpNextGateway
) -> None:
    erpnext.api_secret = "rotated"
    with pytest.raises(ErpUnavailable, match="token"):
        await gateway.ping()


@pytest.mark.parametrize("status", [429, 500, 503])
async def test_overload_and_server_errors_are_unavailable(
    erpnext: fake_erpnext.FakeErpNext, gateway: ErpNextGateway, status: int
) -> None:
    erpnext.status = status
    with pytest.raises(ErpUnavailable, match=str(status)):
        await gateway.get_customers(["CUST-00001"])


def frappe_error(exc_type: str, message: str) -> dict[str, Any]:
    return {
        "exception": f"frappe.exceptions.{exc_type}: {message}",
        "exc_type": exc_type,
        "exc": '["Traceback ..."]',
        "_server_messages": json.dumps([json.dumps({"message": message, "indicator": "red"})]),
    }


@pytest.mark.parametrize(
    ("status", "exc_type", "expected"),
    [
        (417, "ValidationError", ErpRejected),
        (417, "MandatoryError", ErpRejected),
        (409, "DuplicateEntryError", ErpRejected),
        (417, "TimestampMismatchError", ErpConflict),
        (404, "DoesNotExistError", ErpNotFound),
        (403, "PermissionError", ErpUnavailable),
        (401, "AuthenticationError", ErpUnavailable),
    ],
)
def test_frappe_errors_map_onto_the_taxonomy(
    status: int, exc_type: str, expected: type[Exception]
) -> None:
    translated = translate_error(status, frappe_error(exc_type, "Tax Id is invalid"), "PUT x")
    assert type(translated) is expected
    assert "Tax Id is invalid" in str(translated)


def test_the_exception_line_stands_in_when_there_are_no_server_messages() -> None:
    body = {"exc_type": "ValidationError", "exception": "frappe.exceptions.ValidationError: Bad"}
    assert server_message(body) == "Bad"


async def test_search_counts_the_matches_unless_filtering_on_credit_hold(
    erpnext: fake_erpnext.FakeErpNext, gateway: ErpNextGateway
) -> None:
    for name in ["Alpha AG", "Beta AG", "Gamma KG"]:
        seed(erpnext, customer_name=name)
    first = await gateway.search_customers(CustomerQuery(limit=1))
    by_text = await gateway.search_customers(CustomerQuery(text="ag"))
    held = await gateway.search_customers(CustomerQuery(credit_hold=False, limit=1))
    assert ([c.name for c in first.items], first.total, first.has_next) == (["Alpha AG"], 3, True)
    assert ([c.name for c in by_text.items], by_text.total) == (["Alpha AG", "Beta AG"], 2)
    assert (len(held.items), held.total) == (1, None)

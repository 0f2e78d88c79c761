"""The Tryton adapter against a live ``trytond`` (started by ``tests.support.tryton``).

Expected values are read from Tryton over its own JSON-RPC (``TrytonServer.rpc()``), not
written down here. JSON-RPC calls are counted by a transport wrapped around httpx's real one.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from erp_gateway.adapters.tryton import TrytonGateway, idempotent_code
from erp_gateway.adapters.tryton_records import ARCHIVED, OVER_LIMIT, CreditHoldRule
from erp_gateway.errors import ErpConflict, ErpNotFound, ErpRejected, ErpUnavailable
from erp_gateway.port import ErpGateway
from erp_gateway.records import Address, AddressRole, CustomerQuery, NewCustomer
from tests.support.tryton_rpc import TrytonRpcError

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Callable, Iterator

    from tests.support.tryton import TrytonServer
    from tests.support.tryton_rpc import TrytonRpc

pytestmark = pytest.mark.tryton


class RecordingTransport(httpx.AsyncBaseTransport):
    """httpx's real transport, noting each JSON-RPC method and the session it was sent with."""

    def __init__(self) -> None:
        self._inner = httpx.AsyncHTTPTransport()
        self.calls: list[tuple[str, str | None]] = []

    @property
    def methods(self) -> list[str]:
        return [method for method, _auth in self.calls]

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        method = json.loads(request.content)["method"]
        self.calls.append((method, request.headers.get("Authorization")))
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


@pytest.fixture
def recorder() -> RecordingTransport:
    return RecordingTransport()


def make_gateway(
    tryton: TrytonServer, transport: httpx.AsyncBaseTransport | None = None, **options: Any
) -> TrytonGateway:
    return TrytonGateway(
        base_url=tryton.url,
        database=tryton.database,
        username=tryton.username,
        password=tryton.password,
        timeout=60,
        transport=transport,
        **options,
    )


@pytest.fixture
async def gateway(
    tryton: TrytonServer, recorder: RecordingTransport
) -> AsyncIterator[TrytonGateway]:
    adapter = make_gateway(tryton, recorder)
    yield adapter
    await adapter.close()


@pytest.fixture
def rpc(tryton: TrytonServer) -> Iterator[TrytonRpc]:
    client = tryton.rpc()
    yield client
    client.close()


def party(rpc: TrytonRpc, code: str) -> dict[str, Any]:
    """The party as Tryton's JSON-RPC returns it, with its addresses."""
    (row,) = rpc.search_read(
        "party.party",
        [["code", "=", code]],
        [
            "name",
            "credit_limit_amount",
            "receivable",
            "customer_payment_term.name",
            "identifiers.type",
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
        context={"active_test": False},
    )
    return row


def address_where(row: dict[str, Any], flag: str) -> Address:
    (found,) = [a for a in row["addresses."] if a[flag]]
    return Address(
        street=found["street"],
        city=found["city"],
        postal_code=found["postal_code"],
        region=(found["subdivision."] or {}).get("name"),
        country=found["country."]["code"],
    )


def party_count(rpc: TrytonRpc) -> int:
    count: int = rpc.call("model.party.party.search_count", [], context={"active_test": False})
    return count


async def test_the_adapter_implements_the_port(gateway: TrytonGateway) -> None:
    assert isinstance(gateway, ErpGateway)


async def test_a_batch_is_one_json_rpc_call_and_missing_numbers_are_absent(
    gateway: TrytonGateway, recorder: RecordingTransport
) -> None:
    await gateway.get_customers(["C1003"])  # logs in and learns the company's currency
    recorder.calls.clear()

    customers = await gateway.get_customers(["C1001", "C1002", "C1005", "C2001", "NOPE-404"])

    assert sorted(customers) == ["C1001", "C1002", "C1005", "C2001"]
    assert recorder.methods == ["model.party.party.search_read"]


async def test_a_customer_matches_what_tryton_returns(
    gateway: TrytonGateway, rpc: TrytonRpc
) -> None:
    customer = (await gateway.get_customers(["C1001"]))["C1001"]
    row = party(rpc, "C1001")

    assert customer.name == row["name"]
    (vat,) = [i["code"] for i in row["identifiers."] if i["type"] == "eu_vat"]
    assert customer.tax_id == vat
    (email,) = [m["value"] for m in row["contact_mechanisms."] if m["type"] == "email"]
    assert customer.email == email
    assert customer.credit_limit is not None
    assert customer.credit_limit.amount == row["credit_limit_amount"]
    assert customer.credit_limit.currency == "EUR"
    assert customer.balance is not None
    assert customer.balance.amount == row["receivable"]
    assert customer.payment_terms == row["customer_payment_term."]["name"]
    assert customer.billing_address == address_where(row, "invoice")
    assert customer.shipping_address == address_where(row, "delivery")
    assert customer.shipping_address != customer.billing_address
    assert (customer.credit_hold, customer.credit_hold_reason) == (False, None)


async def test_search_pages_by_number_through_every_match(
    gateway: TrytonGateway, rpc: TrytonRpc
) -> None:
    expected = [
        r["code"]
        for r in rpc.search_read(
            "party.party",
            [["name", "ilike", "%paging customer%"]],
            ["code"],
            order=[["code", "ASC"]],
        )
    ]
    seen: list[str] = []
    after = None
    pages = 0
    while True:
        page = await gateway.search_customers(
            CustomerQuery(text="Paging Customer", limit=3, after=after)
        )
        pages += 1
        seen += [c.number for c in page.items]
        assert page.total == len(expected)
        if not page.has_next:
            break
        after = page.items[-1].number

    assert len(expected) == 7
    assert seen == expected
    assert pages == 3


async def test_search_finds_by_tax_id_and_within_numbers(gateway: TrytonGateway) -> None:
    by_vat = await gateway.search_customers(CustomerQuery(text="136695"))
    within = await gateway.search_customers(
        CustomerQuery(numbers=("C1002", "C2003", "C9999"), limit=10)
    )

    assert [c.number for c in by_vat.items] == ["C1001"]
    assert [c.number for c in within.items] == ["C1002", "C2003"]


async def test_credit_hold_flags_archived_and_over_limit_customers(
    gateway: TrytonGateway, rpc: TrytonRpc
) -> None:
    customers = await gateway.get_customers(["C1002", "C1004", "C1005"])
    overdrawn = party(rpc, "C1005")
    held = await gateway.search_customers(CustomerQuery(credit_hold=True, limit=10))
    not_held = await gateway.search_customers(CustomerQuery(credit_hold=False, limit=50))

    assert overdrawn["receivable"] > overdrawn["credit_limit_amount"]
    assert (customers["C1004"].credit_hold, customers["C1004"].credit_hold_reason) == (
        True,
        ARCHIVED,
    )
    assert (customers["C1005"].credit_hold, customers["C1005"].credit_hold_reason) == (
        True,
        OVER_LIMIT,
    )
    assert (customers["C1002"].credit_hold, customers["C1002"].credit_hold_reason) == (False, None)
    assert {"C1004", "C1005"} <= {c.number for c in held.items}
    assert all(c.credit_hold for c in held.items)
    assert {"C1004", "C1005"}.isdisjoint({c.number for c in not_held.items})
    assert "C1002" in {c.number for c in not_held.items}


async def test_the_credit_hold_rule_is_configurable(tryton: TrytonServer) -> None:
    lenient = make_gateway(
        tryton, credit_hold=CreditHoldRule(hold_archived=False, tolerance=Decimal("10000"))
    )
    try:
        customers = await lenient.get_customers(["C1004", "C1005"])
    finally:
        await lenient.close()

    assert not customers["C1004"].credit_hold
    assert not customers["C1005"].credit_hold


async def test_an_address_update_is_in_tryton_immediately(
    gateway: TrytonGateway, rpc: TrytonRpc
) -> None:
    before = (await gateway.get_customers(["C2001"]))["C2001"]
    new = Address(
        street="Odeonsplatz 3", city="Munich", postal_code="80539", region="Bavaria", country="DE"
    )

    updated = await gateway.update_address(
        "C2001", AddressRole.BILLING, new, expected_version=before.version
    )

    assert address_where(party(rpc, "C2001"), "invoice") == new
    assert updated.billing_address == new
    assert updated.version != before.version


async def test_updating_a_shared_address_for_one_role_keeps_the_other(
    gateway: TrytonGateway, rpc: TrytonRpc
) -> None:
    before = (await gateway.get_customers(["C1002"]))["C1002"]
    new = Address(street="5 quai des Docks", city="Marseille", postal_code="13002", country="FR")

    updated = await gateway.update_address("C1002", AddressRole.SHIPPING, new)

    row = party(rpc, "C1002")
    assert address_where(row, "delivery") == new
    assert address_where(row, "invoice") == before.billing_address
    assert (updated.billing_address, updated.shipping_address) == (before.billing_address, new)


async def test_a_stale_version_is_a_conflict_and_writes_nothing(
    gateway: TrytonGateway, rpc: TrytonRpc
) -> None:
    stale = (await gateway.get_customers(["C2002"]))["C2002"].version
    first = Address(street="Erste Strasse 1", city="Hamburg", postal_code="20095", country="DE")
    second = Address(street="Zweite Strasse 2", city="Bremen", postal_code="28195", country="DE")
    await gateway.update_address("C2002", AddressRole.BILLING, first, expected_version=stale)

    with pytest.raises(ErpConflict):
        await gateway.update_address("C2002", AddressRole.BILLING, second, expected_version=stale)

    assert address_where(party(rpc, "C2002"), "invoice") == first


class InterleavingTransport(RecordingTransport):
    """Runs ``before_write`` just before the adapter's ``party.party.write`` leaves."""

    def __init__(self, before_write: Callable[[], Awaitable[None]]) -> None:
        super().__init__()
        self._before_write = before_write

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if json.loads(request.content)["method"] == "model.party.party.write":
            await self._before_write()
        return await super().handle_async_request(request)


async def test_a_write_racing_another_writer_is_a_conflict(
    tryton: TrytonServer, rpc: TrytonRpc
) -> None:
    theirs = Address(street="Fremder Weg 9", city="Kiel", postal_code="24103", country="DE")
    ours = Address(street="Eigener Weg 1", city="Lübeck", postal_code="23552", country="DE")

    async def another_writer() -> None:
        (row,) = rpc.search_read("party.party", [["code", "=", "C2004"]], ["addresses"])
        (address_id,) = row["addresses"]
        rpc.call(
            "model.party.address.write",
            [address_id],
            {"street": theirs.street, "city": theirs.city, "postal_code": theirs.postal_code},
        )

    racing = make_gateway(tryton, InterleavingTransport(another_writer))
    try:
        version = (await racing.get_customers(["C2004"]))["C2004"].version
        with pytest.raises(ErpConflict):
            await racing.update_address(
                "C2004", AddressRole.BILLING, ours, expected_version=version
            )
    finally:
        await racing.close()

    assert address_where(party(rpc, "C2004"), "invoice") == theirs


async def test_updating_an_unknown_customer_is_not_found(gateway: TrytonGateway) -> None:
    with pytest.raises(ErpNotFound):
        await gateway.update_address("NOPE-404", AddressRole.BILLING, Address(city="Berlin"))


async def test_create_customer_twice_with_one_key_creates_one_party(
    tryton: TrytonServer, gateway: TrytonGateway, rpc: TrytonRpc
) -> None:
    draft = NewCustomer(
        name="Zeta Converted GmbH",
        tax_id="DE136695976",
        billing_address=Address(
            street="Neuer Weg 1", city="Berlin", postal_code="10117", country="DE"
        ),
    )
    count = party_count(rpc)

    created = await gateway.create_customer(draft, idempotency_key="lead-42-convert")
    retry_gateway = make_gateway(tryton)  # a retry from another process, after a crash
    try:
        retried = await retry_gateway.create_customer(draft, idempotency_key="lead-42-convert")
    finally:
        await retry_gateway.close()

    assert party_count(rpc) == count + 1
    assert retried.number == created.number == idempotent_code("lead-42-convert")
    row = party(rpc, created.number)
    assert row["name"] == "Zeta Converted GmbH"
    assert address_where(row, "invoice") == draft.billing_address
    assert created.tax_id == "DE136695976"


async def test_an_invalid_vat_number_is_rejected_with_trytons_message(
    gateway: TrytonGateway, rpc: TrytonRpc
) -> None:
    draft = NewCustomer(name="Bad Vat Ltd", tax_id="DE123456789")
    with pytest.raises(TrytonRpcError) as direct:
        rpc.create(
            "party.party",
            [
                {
                    "name": draft.name,
                    "identifiers": [["create", [{"type": "eu_vat", "code": draft.tax_id}]]],
                }
            ],
        )
    trytons_message = direct.value.error[1][0]
    count = party_count(rpc)

    with pytest.raises(ErpRejected) as rejected:
        await gateway.create_customer(draft, idempotency_key="bad-vat")

    assert trytons_message in rejected.value.message
    assert "DE123456789" in rejected.value.message
    assert party_count(rpc) == count


async def test_an_expired_session_is_renewed_by_logging_in_again(
    gateway: TrytonGateway, recorder: RecordingTransport, tryton: TrytonServer
) -> None:
    await gateway.get_customers(["C1001"])
    (session,) = {auth for _method, auth in recorder.calls if auth}
    async with httpx.AsyncClient(timeout=60) as http:
        logout = await http.post(
            f"{tryton.url}/{tryton.database}/rpc/",
            json={"id": 1, "method": "common.db.logout", "params": []},
            headers={"Authorization": session},
        )
    assert logout.status_code == 200
    recorder.calls.clear()

    customers = await gateway.get_customers(["C1001"])

    assert "C1001" in customers
    assert "common.db.login" in recorder.methods
    assert recorder.calls[-1][1] not in (None, session)


async def test_a_stopped_server_is_unavailable_and_a_restarted_one_answers(
    gateway: TrytonGateway, tryton: TrytonServer
) -> None:
    await gateway.get_customers(["C1001"])
    tryton.stop()
    try:
        with pytest.raises(ErpUnavailable) as unavailable:
            await gateway.get_customers(["C1001"])
        with pytest.raises(ErpUnavailable):
            await gateway.ping()
    finally:
        tryton.start()

    assert isinstance(unavailable.value.__cause__, httpx.HTTPError)
    await gateway.ping()
    assert "C1001" in await gateway.get_customers(["C1001"])


async def test_refused_credentials_make_the_erp_unavailable(tryton: TrytonServer) -> None:
    wrong = TrytonGateway(
        base_url=tryton.url,
        database=tryton.database,
        username="frontdesk-nobody",
        password="wrong",
        timeout=60,
    )
    try:
        with pytest.raises(ErpUnavailable) as refused:
            await wrong.get_customers(["C1001"])
    finally:
        await wrong.close()

    assert "frontdesk-nobody" in refused.value.message

"""updateCustomerAddress over HTTP on the demo ERP (the sql adapter)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from api.settings import Settings
from erp_gateway.records import Address
from tests.support.erp import running_app
from tests.support.erp_writes import read_customer, update_address
from tests.support.graphql import gql

if TYPE_CHECKING:
    from pathlib import Path

    import httpx

    from tests.support.databases import Store
    from tests.support.erp import DemoErp
    from tests.support.security import ClientFor

NUMBER = "C10007"
NEW = {"street": "Marienplatz 1", "city": "München", "postalCode": "80331", "country": "de"}
STORED = {
    "street": "Marienplatz 1",
    "city": "München",
    "postalCode": "80331",
    "region": None,
    "country": "DE",
}


async def erp_record_address(demo_erp: DemoErp, number: str) -> Address | None:
    adapter = demo_erp.adapter()
    try:
        return (await adapter.get_customers([number]))[number].billing_address
    finally:
        await adapter.close()


async def test_an_address_update_reaches_the_erp_and_the_next_read(
    client: httpx.AsyncClient, demo_erp: DemoErp
) -> None:
    before = await read_customer(client, NUMBER)  # now cached
    payload = await update_address(
        client,
        customerNumber=NUMBER,
        role="BILLING",
        address=NEW,
        expectedVersion=before["erpVersion"],
    )

    assert payload["userErrors"] == []
    customer = payload["customer"]
    assert customer["billingAddress"] == STORED
    assert customer["erpVersion"] != before["erpVersion"]
    assert customer["erpStale"] is False
    assert await erp_record_address(demo_erp, NUMBER) == Address(
        street="Marienplatz 1", city="München", postal_code="80331", country="DE"
    )
    after = await read_customer(client, NUMBER)
    assert after["billingAddress"] == STORED
    assert after["erpVersion"] == customer["erpVersion"]
    (note,) = [e["node"] for e in after["interactions"]["edges"]]
    assert (note["kind"], note["subject"], note["owner"]) == (
        "NOTE",
        "address changed",
        "test admin",
    )
    old = before["billingAddress"]
    assert f"old: {old['street']}, {old['postalCode']} {old['city']}" in note["body"]
    assert "new: Marienplatz 1, 80331 München, DE" in note["body"]


async def test_a_stale_version_is_a_conflict_and_writes_nothing(
    client: httpx.AsyncClient, demo_erp: DemoErp
) -> None:
    before = await read_customer(client, NUMBER)
    first = await update_address(
        client,
        customerNumber=NUMBER,
        role="BILLING",
        address=NEW,
        expectedVersion=before["erpVersion"],
    )
    assert first["userErrors"] == []
    elsewhere = {**NEW, "street": "Elsewhere 9"}
    payload = await update_address(
        client,
        customerNumber=NUMBER,
        role="BILLING",
        address=elsewhere,
        expectedVersion=before["erpVersion"],
    )
    assert payload["customer"] is None
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
        ("CONFLICT", ["input", "expectedVersion"])
    ]
    record = await erp_record_address(demo_erp, NUMBER)
    assert record is not None
    assert record.street == "Marienplatz 1"
    history = (await read_customer(client, NUMBER))["interactions"]
    assert history["totalCount"] == 1  # only the first change is noted


async def test_the_address_is_validated_before_anything_is_written(
    client: httpx.AsyncClient, demo_erp: DemoErp
) -> None:
    before = await erp_record_address(demo_erp, NUMBER)
    payload = await update_address(
        client,
        customerNumber=NUMBER,
        role="SHIPPING",
        address={"street": "x" * 201, "postalCode": "ABC", "country": "DE"},
    )
    assert payload["customer"] is None
    assert sorted((tuple(e["field"]), e["code"]) for e in payload["userErrors"]) == [
        (("input", "address", "postalCode"), "INVALID"),
        (("input", "address", "street"), "INVALID"),
    ]
    unknown = await update_address(
        client, customerNumber=NUMBER, role="BILLING", address={"city": "Nowhere", "country": "XX"}
    )
    assert [(e["field"], e["code"]) for e in unknown["userErrors"]] == [
        (["input", "address", "country"], "INVALID")
    ]
    assert await erp_record_address(demo_erp, NUMBER) == before
    assert (await read_customer(client, NUMBER))["interactions"]["totalCount"] == 0


async def test_an_unknown_customer_is_not_found(client: httpx.AsyncClient) -> None:
    payload = await update_address(client, customerNumber="C99999", role="BILLING", address=NEW)
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["input", "customerNumber"], "NOT_FOUND")
    ]


async def test_who_may_change_addresses(client_for: ClientFor) -> None:
    for role, allowed in (
        ("sales", True),
        ("service", True),
        ("marketing", False),
        ("partner", False),
    ):
        http = await client_for(role, partner="P1" if role == "partner" else None)
        body = await gql(
            http,
            "mutation($input: UpdateCustomerAddressInput!) { updateCustomerAddress(input: $input)"
            " { customer { number } userErrors { code } } }",
            {"input": {"customerNumber": NUMBER, "role": "SHIPPING", "address": NEW}},
            expect_errors=True,
        )
        if allowed:
            assert "errors" not in body, (role, body)
            assert body["data"]["updateCustomerAddress"]["customer"]["number"] == NUMBER
        else:
            assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", role
            assert body["errors"][0]["extensions"]["needs"] == "write:customers"


async def test_an_unreachable_erp_is_reported_and_nothing_is_noted(
    tmp_path: Path, demo_erp: DemoErp, store: Store
) -> None:
    settings = Settings(data_dir=tmp_path / "data", erp_sql_url=demo_erp.url, erp_retries=0)
    async with running_app(settings, store) as (client, _):
        await read_customer(client, NUMBER)
        demo_erp.take_down()
        payload = await update_address(client, customerNumber=NUMBER, role="BILLING", address=NEW)
        demo_erp.bring_back()
        assert payload["customer"] is None
        assert [e["code"] for e in payload["userErrors"]] == ["ERP_UNAVAILABLE"]
        assert (await read_customer(client, NUMBER))["interactions"]["totalCount"] == 0


async def test_the_change_is_seen_at_once_by_another_instance_sharing_redis(
    tmp_path: Path, demo_erp: DemoErp, store: Store, redis_url: str, cache_namespace: str
) -> None:
    settings = Settings(
        data_dir=tmp_path / "data",
        erp_sql_url=demo_erp.url,
        cache_url=redis_url,
        cache_namespace=cache_namespace,
        erp_cache_ttl=3600,
    )
    async with running_app(settings, store) as (a, _), running_app(settings, store) as (b, b_app):
        before = await read_customer(b, NUMBER)  # b caches the old address
        payload = await update_address(a, customerNumber=NUMBER, role="BILLING", address=NEW)
        assert payload["userErrors"] == []
        gateway = b_app.state.frontdesk.erp.gateway
        for _ in range(100):  # the invalidation travels over Redis pub/sub
            if NUMBER in gateway.dropped_by_others:
                break
            await asyncio.sleep(0.02)
        after = await read_customer(b, NUMBER)
    assert before["billingAddress"] != STORED
    assert after["billingAddress"] == STORED

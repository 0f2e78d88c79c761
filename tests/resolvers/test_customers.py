"""``customer``, ``customers`` and the Customer's ERP fields, over HTTP, on the demo ERP."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any

import pytest

from api.settings import Settings
from tests.support.erp import CountingGateway, running_app
from tests.support.graphql import gql

if TYPE_CHECKING:
    from pathlib import Path

    import httpx

    from tests.support.databases import Store
    from tests.support.erp import DemoErp

pytestmark = pytest.mark.parametrize("store", ["sqlite"], indirect=True)

ISSUE_QUERY = """
{ customers(first: 20) { edges { node { number name creditHold
  billingAddress { city country } } } } }
"""

ALL_ERP_FIELDS = """
  id number name taxId creditHold creditHoldReason creditLimit { amount currency }
  paymentTerms balance { amount currency } email
  billingAddress { street city postalCode region country }
  shippingAddress { street city postalCode region country }
  erpFetchedAt erpStale erpVersion
"""


def erp_settings(tmp_path: Path, demo_erp: DemoErp, **values: Any) -> Settings:
    return Settings(data_dir=tmp_path / "data", erp_sql_url=demo_erp.url, erp_retries=0, **values)


def db_rows(demo_erp: DemoErp, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(demo_erp.path) as db:
        return db.execute(sql).fetchall()


def errors_by_path(body: dict[str, Any]) -> dict[tuple[Any, ...], str]:
    return {tuple(e["path"]): e["extensions"]["code"] for e in body.get("errors", [])}


async def test_the_issues_query_answers_from_the_demo_erp(
    client: httpx.AsyncClient, demo_erp: DemoErp
) -> None:
    body = await gql(client, ISSUE_QUERY)
    nodes = [edge["node"] for edge in body["data"]["customers"]["edges"]]
    expected = db_rows(
        demo_erp,
        "SELECT d.number, d.name, d.blocked, a.city, a.country FROM debtor d "
        "JOIN debtor_address a ON a.debtor = d.number AND a.kind = 'INV' "
        "ORDER BY d.number LIMIT 20",
    )
    assert [
        (
            n["number"],
            n["name"],
            n["creditHold"],
            n["billingAddress"]["city"],
            n["billingAddress"]["country"],
        )
        for n in nodes
    ] == [(num, name, bool(b), city, country) for num, name, b, city, country in expected]
    assert body["extensions"]["erp"]["stale"] is False
    assert body["extensions"]["erp"]["circuit"] == "closed"


async def test_paging_with_cursors_walks_every_customer_once(client: httpx.AsyncClient) -> None:
    query = """query Page($after: String) { customers(first: 120, after: $after) {
      totalCount edges { cursor node { number } } pageInfo { hasNextPage endCursor } } }"""
    seen: list[str] = []
    after = None
    pages = 0
    while True:
        page = (await gql(client, query, {"after": after}))["data"]["customers"]
        assert page["totalCount"] == 300
        seen += [edge["node"]["number"] for edge in page["edges"]]
        pages += 1
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert pages == 3
    assert seen == [f"C{n}" for n in range(10001, 10301)]


@pytest.mark.parametrize("first", [0, -1, 201])
async def test_first_out_of_range_is_refused(client: httpx.AsyncClient, first: int) -> None:
    body = await gql(
        client,
        "query($f: Int) { customers(first: $f) { totalCount } }",
        {"f": first},
        expect_errors=True,
    )
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_a_cursor_from_elsewhere_is_refused(client: httpx.AsyncClient) -> None:
    body = await gql(
        client, '{ customers(after: "bm90LWEtY3Vyc29y") { totalCount } }', expect_errors=True
    )
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_first_defaults_to_fifty(client: httpx.AsyncClient) -> None:
    body = await gql(client, "{ customers { edges { node { number } } } }")
    assert len(body["data"]["customers"]["edges"]) == 50


async def test_credit_hold_and_search_filter(client: httpx.AsyncClient, demo_erp: DemoErp) -> None:
    held = db_rows(
        demo_erp, "SELECT number, block_reason FROM debtor WHERE blocked = 1 ORDER BY number"
    )
    body = await gql(
        client,
        "{ customers(creditHold: true, first: 200) { totalCount edges { node { number "
        "creditHold creditHoldReason } } } }",
    )
    page = body["data"]["customers"]
    assert page["totalCount"] == len(held)
    assert [(e["node"]["number"], e["node"]["creditHoldReason"]) for e in page["edges"]] == held
    [(name,)] = db_rows(demo_erp, "SELECT name FROM debtor WHERE number = 'C10123'")
    found = await gql(
        client,
        "query($s: String) { customers(search: $s) { edges { node { number name } } } }",
        {"s": name.split()[0].lower()},
    )
    names = [e["node"]["name"] for e in found["data"]["customers"]["edges"]]
    assert name in names
    assert all(name.split()[0] in n for n in names)


async def test_a_customer_by_number_with_every_erp_field(
    client: httpx.AsyncClient, demo_erp: DemoErp
) -> None:
    body = await gql(
        client,
        f'{{ customer(number: "C10001") {{ {ALL_ERP_FIELDS} }} missing: '
        'customer(number: "C99999") { number } }',
    )
    customer = body["data"]["customer"]
    [(vat, limit, currency, revision)] = db_rows(
        demo_erp, "SELECT vat, credit_limit, currency, revision FROM debtor WHERE number='C10001'"
    )
    assert customer["taxId"] == vat
    assert customer["creditLimit"] == {"amount": limit, "currency": currency}
    assert customer["erpVersion"] == str(revision)
    assert customer["erpStale"] is False
    assert customer["erpFetchedAt"] is not None
    assert body["data"]["missing"] is None
    node = await gql(
        client,
        "query($id: ID!) { node(id: $id) { ... on Customer { number name } } }",
        {"id": customer["id"]},
    )
    assert node["data"]["node"] == {"number": "C10001", "name": customer["name"]}


async def test_with_the_erp_down_and_nothing_cached_only_erp_fields_fail(
    tmp_path: Path, demo_erp: DemoErp, store: Store
) -> None:
    async with running_app(erp_settings(tmp_path, demo_erp), store) as (client, _):
        demo_erp.take_down()
        body = await gql(
            client,
            '{ customer(number: "C10001") { id number name creditHold billingAddress '
            "{ city } erpStale } }",
            expect_errors=True,
        )
    customer = body["data"]["customer"]
    assert customer["number"] == "C10001"
    assert customer["id"]
    assert customer["name"] is None
    assert customer["erpStale"] is False
    assert errors_by_path(body) == {
        ("customer", "name"): "ERP_UNAVAILABLE",
        ("customer", "creditHold"): "ERP_UNAVAILABLE",
        ("customer", "billingAddress"): "ERP_UNAVAILABLE",
    }


async def test_stale_if_error_and_the_no_cache_header(
    tmp_path: Path, demo_erp: DemoErp, store: Store
) -> None:
    settings = erp_settings(tmp_path, demo_erp, erp_cache_ttl=0)
    query = """{ a: customer(number: "C10001") { number name erpStale erpFetchedAt }
                 b: customer(number: "C10002") { number name erpStale } }"""
    async with running_app(settings, store) as (client, _):
        warm = await gql(client, '{ customer(number: "C10001") { name erpFetchedAt } }')
        demo_erp.take_down()
        body = await gql(client, query, expect_errors=True)
        live = await gql(client, query, headers={"Cache-Control": "no-cache"}, expect_errors=True)
    a, b = body["data"]["a"], body["data"]["b"]
    assert a["name"] == warm["data"]["customer"]["name"]
    assert a["erpStale"] is True
    assert a["erpFetchedAt"] == warm["data"]["customer"]["erpFetchedAt"]
    assert (b["number"], b["name"], b["erpStale"]) == ("C10002", None, False)
    assert errors_by_path(body) == {("b", "name"): "ERP_UNAVAILABLE"}
    assert body["extensions"]["erp"]["stale"] is True
    assert body["extensions"]["erp"]["oldestFetchedAt"] is not None
    assert live["data"]["a"]["name"] is None  # the client asked for live data: no stale copy
    assert live["data"]["a"]["erpStale"] is False
    assert errors_by_path(live) == {
        ("a", "name"): "ERP_UNAVAILABLE",
        ("a", "erpFetchedAt"): "ERP_UNAVAILABLE",
        ("b", "name"): "ERP_UNAVAILABLE",
    }


async def test_no_cache_reads_live_and_refreshes_the_cache(
    tmp_path: Path, demo_erp: DemoErp, store: Store
) -> None:
    counting = CountingGateway(demo_erp.adapter())
    query = '{ customer(number: "C10001") { name } }'
    async with running_app(erp_settings(tmp_path, demo_erp), store, counting) as (client, _):
        await gql(client, query)
        await gql(client, query)
        assert counting.calls["get_customers"] == 1
        await gql(client, query, headers={"Cache-Control": "no-cache"})
        assert counting.calls["get_customers"] == 2
        await gql(client, query)
        assert counting.calls["get_customers"] == 2


async def test_the_circuit_opens_and_the_response_says_so(
    tmp_path: Path, demo_erp: DemoErp, store: Store
) -> None:
    counting = CountingGateway(demo_erp.adapter())
    settings = erp_settings(tmp_path, demo_erp, erp_breaker_threshold=2)
    query = '{ customer(number: "C10001") { number name } }'
    async with running_app(settings, store, counting) as (client, _):
        demo_erp.take_down()
        for _ in range(2):
            await gql(client, query, expect_errors=True)
        body = await gql(client, query, expect_errors=True)
    assert counting.calls["get_customers"] == 2  # the third never reached the ERP
    assert body["extensions"]["erp"]["circuit"] == "open"
    assert body["data"]["customer"]["number"] == "C10001"
    assert errors_by_path(body) == {("customer", "name"): "ERP_UNAVAILABLE"}


async def test_listing_customers_with_the_erp_down_says_erp_unavailable(
    tmp_path: Path, demo_erp: DemoErp, store: Store
) -> None:
    async with running_app(erp_settings(tmp_path, demo_erp), store) as (client, _):
        demo_erp.take_down()
        body = await gql(client, "{ customers(first: 5) { totalCount } }", expect_errors=True)
    assert body["data"] is None
    assert errors_by_path(body) == {("customers",): "ERP_UNAVAILABLE"}
    assert "sqlite" not in body["errors"][0]["message"].lower()  # no driver details leak

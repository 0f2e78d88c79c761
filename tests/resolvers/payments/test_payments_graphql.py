"""Payments over GraphQL: the import mutation (multipart), lists, filters, paging, the
Customer.payments loader's query count, and who may do what."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from tests.support.graphql import gql
from tests.support.notices import HEADER, demo_payments_csv, import_file, upload
from tests.support.security import http_client, make_api_key

if TYPE_CHECKING:
    import httpx
    from starlette.applications import Starlette

    from tests.support.databases import Store
    from tests.support.security import ClientFor

PAYMENTS = """
query($customerNumber: String, $search: String, $status: NoticeStatus, $first: Int,
      $after: String) {
  payments(customerNumber: $customerNumber, search: $search, status: $status, first: $first,
           after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node {
      id reference customerNumber valueDate remittance method noticeStatus source
      amount { amount currency }
      customer { number name }
    } }
  }
}"""

PAYMENT = "query($id: ID!) { payment(id: $id) { reference amount { amount currency } } }"
NODE = "query($id: ID!) { node(id: $id) { id ... on Payment { reference } } }"


async def _payments(client: httpx.AsyncClient, **variables: Any) -> dict[str, Any]:
    body = await gql(client, PAYMENTS, variables)
    result: dict[str, Any] = body["data"]["payments"]
    return result


async def test_a_file_with_bad_rows_is_refused_whole_and_every_bad_row_is_named(
    client: httpx.AsyncClient,
) -> None:
    data = (
        HEADER
        + "OK-1,C10001,10.00,EUR,transfer,2026-10-01,fine\n"
        + "BAD-1,C10002,12.5.0,EUR,transfer,2026-10-01,amount\n"
        + "BAD-2,C10003,10.00,EUR,pigeon,2026-10-01,method\n"
        + "OK-2,C10004,11.00,EUR,cheque,2026-10-02,fine\n"
        + "BAD-3,C10005,10.00,EUR,wire,2026-13-40,date\n"
    ).encode()
    payload = await import_file(client, data)
    assert payload["imported"] == 0
    assert payload["written"] is False
    assert payload["invalidRows"] == 3
    assert [(e["row"], e["column"]) for e in payload["invalid"]] == [
        (3, "amount"),
        (4, "method"),
        (6, "value_date"),
    ]
    assert all(e["reason"] for e in payload["invalid"])
    assert [e["field"] for e in payload["userErrors"]] == [["input", "file"]]
    assert (await _payments(client))["totalCount"] == 0

    skipped = await import_file(client, data, skipInvalid=True)
    assert skipped["imported"] == 2
    assert skipped["userErrors"] == []
    listed = await _payments(client)
    assert sorted(e["node"]["reference"] for e in listed["edges"]) == ["OK-1", "OK-2"]


async def test_a_dry_run_counts_and_writes_nothing(client: httpx.AsyncClient) -> None:
    payload = await import_file(client, demo_payments_csv(4), dryRun=True)
    assert (payload["imported"], payload["dryRun"], payload["written"]) == (4, True, False)
    assert (await _payments(client))["totalCount"] == 0


async def test_a_mapping_reads_another_erp_s_export(client: httpx.AsyncClient) -> None:
    data = (
        b"Belegnr;Kunde;Betrag;Waehrung;Art;Valuta;Zweck\n"
        b"DE-1;C10007;1.234,50;EUR;Scheck;2026-10-03;Rechnung 7\n"
    )
    mapping = {
        "columns": {
            "reference": "Belegnr",
            "customer_number": "Kunde",
            "amount": "Betrag",
            "currency": "Waehrung",
            "method": "Art",
            "value_date": "Valuta",
            "remittance": "Zweck",
        },
        "methods": {"Scheck": "cheque"},
        "delimiter": ";",
        "decimal_separator": ",",
        "thousands_separator": ".",
    }
    payload = await import_file(client, data, mapping=mapping, source="sap")
    assert payload["imported"] == 1, payload
    node = (await _payments(client))["edges"][0]["node"]
    assert node["amount"] == {"amount": "1234.50", "currency": "EUR"}
    assert node["method"] == "CHEQUE"
    assert node["source"] == "sap"


async def test_an_upload_needs_a_preflight_header_and_a_file_within_the_limit(
    client: httpx.AsyncClient,
) -> None:
    refused = await upload(client, demo_payments_csv(1), preflight=False)
    assert refused.status_code == 400
    assert "GraphQL-Preflight" in refused.text
    assert (await _payments(client))["totalCount"] == 0


async def test_payments_filter_search_and_page(client: httpx.AsyncClient) -> None:
    await import_file(client, demo_payments_csv(30))
    everything = await _payments(client, first=200)
    assert everything["totalCount"] == 30
    dates = [e["node"]["valueDate"] for e in everything["edges"]]
    assert dates == sorted(dates, reverse=True)

    seen: list[str] = []
    after = None
    while True:
        page = await _payments(client, first=7, after=after)
        assert page["totalCount"] == 30
        seen += [e["node"]["reference"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == [e["node"]["reference"] for e in everything["edges"]]
    assert len(set(seen)) == 30

    one = await _payments(client, customerNumber="C10005")
    assert [e["node"]["reference"] for e in one["edges"]] == ["PN-0004"]
    assert one["edges"][0]["node"]["customer"]["name"]

    found = await _payments(client, search="invoice 1")
    assert found["totalCount"] == 11  # Invoice 1, 10..19
    assert (await _payments(client, status="QUEUED"))["totalCount"] == 30
    assert (await _payments(client, status="SENT"))["totalCount"] == 0

    node = everything["edges"][0]["node"]
    body = await gql(client, PAYMENT, {"id": node["id"]})
    assert body["data"]["payment"]["amount"] == node["amount"]
    body = await gql(client, NODE, {"id": node["id"]})
    assert body["data"]["node"]["reference"] == node["reference"]


CUSTOMERS_PAYMENTS = """
query {
  customers(first: 20) {
    edges { node { number payments(first: 2) { totalCount edges { node { reference } } } } }
  }
}"""


async def test_customer_payments_load_in_one_query_for_a_page_of_customers(
    client: httpx.AsyncClient, store: Store
) -> None:
    # Two payments each for C10001..C10010, none for C10011..C10020.
    await import_file(client, demo_payments_csv(10, prefix="A"))
    await import_file(client, demo_payments_csv(10, prefix="B"))
    with store.count_queries() as counter:
        body = await gql(client, CUSTOMERS_PAYMENTS)
    assert counter.count == 1, counter.statements
    nodes = [e["node"] for e in body["data"]["customers"]["edges"]]
    totals = {n["number"]: n["payments"]["totalCount"] for n in nodes}
    assert totals == {f"C{10001 + i}": 2 if i < 10 else 0 for i in range(20)}
    first = nodes[0]["payments"]["edges"]
    assert sorted(e["node"]["reference"] for e in first) == ["A-0000", "B-0000"]


async def test_who_may_read_and_import_payments(client_for: ClientFor) -> None:
    sales = await client_for("sales")
    body = await gql(sales, "query { payments { totalCount } }", expect_errors=True)
    assert body["errors"][0]["extensions"] == {"code": "FORBIDDEN", "needs": "read:payments"}

    service = await client_for("service")
    assert (await _payments(service))["totalCount"] == 0
    response = await upload(service, demo_payments_csv(1))
    assert response.json()["errors"][0]["extensions"]["needs"] == "write:payments"

    manager = await client_for("manager")
    assert (await import_file(manager, demo_payments_csv(2)))["imported"] == 2
    assert (await _payments(service))["totalCount"] == 2


async def test_uploads_may_exceed_the_json_body_limit_up_to_the_import_limit(
    app_with: Callable[..., Awaitable[Starlette]], store: Store
) -> None:
    rows = "".join(
        f"BIG-{n},C{10001 + n % 300},1.00,EUR,transfer,2026-10-01,{'x' * 900}\n"
        for n in range(1500)
    )
    big = (HEADER + rows).encode()
    assert len(big) > 1_000_000  # FRONTDESK_MAX_BODY_BYTES's default
    app = await app_with(payments_import_max_bytes=2_000_000)
    async with http_client(app, await make_api_key(store, "admin")) as client:
        accepted = await import_file(client, big, dryRun=True)
        assert accepted["imported"] == 1500
        assert accepted["userErrors"] == []
    small = await app_with(payments_import_max_bytes=10_000)
    async with http_client(small, await make_api_key(store, "admin")) as client:
        refused = await import_file(client, demo_payments_csv(200))
        assert refused["imported"] == 0
        assert refused["userErrors"][0]["message"] == "the file is larger than 10000 bytes"
        response = await upload(client, big)
        assert response.status_code == 413


CUSTOMER_PAYMENTS = """
query($after: String) {
  customer(number: "C10001") {
    payments(first: 2, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } edges { node { reference } }
    }
  }
}"""


async def test_customer_payments_page_to_the_end_and_keep_their_total(
    client: httpx.AsyncClient,
) -> None:
    for prefix in ("A", "B", "C"):
        await import_file(client, demo_payments_csv(1, prefix=prefix))
    seen: list[str] = []
    after = None
    while True:
        body = await gql(client, CUSTOMER_PAYMENTS, {"after": after})
        page = body["data"]["customer"]["payments"]
        assert page["totalCount"] == 3
        seen += [e["node"]["reference"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert sorted(seen) == ["A-0000", "B-0000", "C-0000"]
    body = await gql(client, CUSTOMER_PAYMENTS, {"after": page["pageInfo"]["endCursor"]})
    past_the_end = body["data"]["customer"]["payments"]
    assert (past_the_end["totalCount"], past_the_end["edges"]) == (3, [])

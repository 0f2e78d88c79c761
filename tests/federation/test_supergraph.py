"""Frontdesk as an Apollo Federation 2 subgraph: composition, and a live gateway."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from api.app import create_app
from api.lifespan import Overrides
from api.settings import Settings
from resolvers.schema import export_subgraph_sdl
from tests.support.erp import CountingGateway
from tests.support.federation import compose, supergraph
from tests.support.orders_subgraph import orders_app
from tests.support.security import make_api_key

if TYPE_CHECKING:
    from tests.support.databases import Store
    from tests.support.erp import DemoErp

SQLITE_ONLY = pytest.mark.parametrize("store", ["sqlite"], indirect=True)

JOINED = """
query Joined { customers(first: 4) { edges { node { number name orders { id total } } } } }
"""
ORDERS = "query Recent { recentOrders { id customer { number name } } }"


async def ask(url: str, key: str, query: str) -> dict[str, Any]:
    async with httpx.AsyncClient(timeout=30) as http:
        response = await http.post(
            url, json={"query": query}, headers={"Authorization": f"Bearer {key}"}
        )
    body: dict[str, Any] = response.json()
    return body


def orders_sdl() -> str:
    from strawberry.printer import print_schema

    return print_schema(orders_app().routes[0].endpoint.schema)  # type: ignore[attr-defined]


def test_export_schema_federation_prints_the_subgraph_sdl() -> None:
    frontdesk = Path(sys.executable).with_name("frontdesk")
    printed = subprocess.run(
        [str(frontdesk), "export-schema", "--federation"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    assert printed == export_subgraph_sdl()
    assert 'type Customer implements Node @key(fields: "number"' in printed
    assert '@link(url: "https://specs.apollo.dev/federation/v2' in printed


def test_the_subgraph_composes_with_a_service_extending_customer(tmp_path: Path) -> None:
    (tmp_path / "frontdesk.graphql").write_text(export_subgraph_sdl())
    (tmp_path / "orders.graphql").write_text(orders_sdl())
    result = compose(
        {"frontdesk": tmp_path / "frontdesk.graphql", "orders": tmp_path / "orders.graphql"}
    )
    assert result.get("errors") is None
    assert result["ok"] is True
    supergraph_sdl = str(result["supergraphSdl"])
    customer = supergraph_sdl[supergraph_sdl.index("type Customer") :]
    customer = customer[: customer.index("\n}")]
    assert "orders: [Order!]!" in customer
    assert "creditLimit" in customer  # Frontdesk's own fields are there too


def frontdesk_app(store: Store, demo_erp: DemoErp, tmp_path: Path, erp: CountingGateway) -> Any:
    settings = Settings(data_dir=tmp_path / "data", erp_sql_url=demo_erp.url)
    return create_app(
        settings, overrides=Overrides(sessionmaker=store.sessionmaker, erp_adapter=erp)
    )


@SQLITE_ONLY
async def test_a_query_through_the_gateway_joins_both_subgraphs_with_one_erp_call(
    store: Store, demo_erp: DemoErp, tmp_path: Path
) -> None:
    erp = CountingGateway(demo_erp.adapter())
    admin = await make_api_key(store, "admin", name="gateway")
    async with supergraph(frontdesk_app(store, demo_erp, tmp_path, erp), admin) as url:
        recent = await ask(url, admin, ORDERS)
        assert "errors" not in recent, recent
        names = {
            o["customer"]["number"]: o["customer"]["name"] for o in recent["data"]["recentOrders"]
        }
        assert set(names) == {"C10001", "C10002", "C10003", "C10005"}
        assert all(names.values())
        # _entities for four customers (one of them twice, none cached): one ERP call.
        assert dict(erp.calls) == {"get_customers": 1}
        assert sorted(erp.batches[-1]) == ["C10001", "C10002", "C10003", "C10005"]

        erp.calls.clear()
        joined = await ask(url, admin, JOINED)
        assert "errors" not in joined, joined
        nodes = [edge["node"] for edge in joined["data"]["customers"]["edges"]]
        assert [n["number"] for n in nodes] == ["C10001", "C10002", "C10003", "C10004"]
        assert all(n["name"] for n in nodes)
        assert [o["id"] for o in nodes[0]["orders"]] == ["O-1", "O-2"]
        assert nodes[3]["orders"] == []
        assert dict(erp.calls) == {"search_customers": 1}  # Customer.orders costs none


@SQLITE_ONLY
async def test_a_partner_through_the_gateway_sees_only_its_customers(
    store: Store, demo_erp: DemoErp, tmp_path: Path
) -> None:
    erp = CountingGateway(demo_erp.adapter())
    admin = await make_api_key(store, "admin", name="gateway")
    partner = await make_api_key(store, "partner", partner="P1", name="portal")
    async with supergraph(frontdesk_app(store, demo_erp, tmp_path, erp), admin) as url:
        for number in ("C10001", "C10003"):
            assigned = await ask(
                url,
                admin,
                f'mutation {{ assignCustomerToPartner(input: {{customerNumber: "{number}", '
                'partnerId: "P1"}) { userErrors { message } } }',
            )
            assert assigned["data"]["assignCustomerToPartner"]["userErrors"] == [], assigned
        recent = await ask(url, partner, ORDERS)
    seen = {o["customer"]["number"]: o["customer"]["name"] for o in recent["data"]["recentOrders"]}
    assert {n for n, name in seen.items() if name is not None} == {"C10001", "C10003"}
    assert seen["C10002"] is None
    assert seen["C10005"] is None

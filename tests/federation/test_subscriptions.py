"""Subscriptions over WebSocket (graphql-transport-ws), across instances sharing Redis."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from contextlib import AsyncExitStack
from typing import TYPE_CHECKING, Any

import httpx
import orjson
import pytest

from api.app import create_app
from api.auth.api_keys import prefix_of
from api.erp import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign
from api.lifespan import Overrides
from api.settings import Settings
from crm_store.repositories.api_keys import ApiKeyRepository
from tests.support.live import served
from tests.support.security import make_api_key
from tests.support.subscriptions import subscriber, until

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from pathlib import Path

    from starlette.applications import Starlette

    from tests.support.databases import Store
    from tests.support.erp import DemoErp

pytestmark = pytest.mark.parametrize("store", ["sqlite"], indirect=True)

SECRET = "webhook-secret"
CHANGED = """
subscription Changed($numbers: [String!]) { customerChanged(numbers: $numbers) { number name } }
"""


def make_settings(tmp_path: Path, demo_erp: DemoErp, **values: Any) -> Settings:
    return Settings(
        data_dir=tmp_path / "data", erp_sql_url=demo_erp.url, erp_webhook_secret=SECRET, **values
    )


class Instances:
    """Apps served by uvicorn on loopback ports, all on the test's store."""

    def __init__(self, stack: AsyncExitStack, store: Store) -> None:
        self.stack = stack
        self.store = store

    async def start(self, settings: Settings) -> tuple[str, Starlette]:
        app = create_app(settings, overrides=Overrides(sessionmaker=self.store.sessionmaker))
        url = await self.stack.enter_async_context(served(app))
        return url, app


@pytest.fixture
async def instances(store: Store) -> AsyncIterator[Instances]:
    async with AsyncExitStack() as stack:
        yield Instances(stack, store)


async def webhook(url: str, numbers: list[str]) -> None:
    body = orjson.dumps({"customers": numbers})
    timestamp = str(int(time.time()))
    headers = {TIMESTAMP_HEADER: timestamp, SIGNATURE_HEADER: sign(SECRET, timestamp, body)}
    async with httpx.AsyncClient(timeout=10) as http:
        response = await http.post(f"{url}/erp/events", content=body, headers=headers)
    assert response.status_code == 202, response.text


def rename(demo_erp: DemoErp, number: str, name: str) -> None:
    with sqlite3.connect(demo_erp.path) as db:
        db.execute(
            "UPDATE debtor SET name = ?, revision = revision + 1 WHERE number = ?", (name, number)
        )


def subscriptions_of(app: Starlette) -> int:
    return int(app.state.frontdesk.events.subscriber_count)


async def test_a_webhook_on_b_reaches_a_subscriber_on_a_once(
    tmp_path: Path,
    demo_erp: DemoErp,
    store: Store,
    instances: Instances,
    redis_url: str,
    cache_namespace: str,
) -> None:
    settings = make_settings(
        tmp_path, demo_erp, cache_url=redis_url, cache_namespace=cache_namespace
    )
    a_url, a_app = await instances.start(settings)
    b_url, _ = await instances.start(settings)
    key = await make_api_key(store, "sales")
    async with subscriber(a_url, {"Authorization": f"Bearer {key}"}) as client:
        await client.subscribe("1", CHANGED, {"numbers": ["C10001"]})
        await until(lambda: subscriptions_of(a_app) == 1)
        rename(demo_erp, "C10001", "Renamed SE")
        await webhook(b_url, ["C10002", "C10001"])
        event = await client.next(within=1.0)  # within a second of the webhook
        assert event["type"] == "next", event
        assert event["payload"]["data"]["customerChanged"] == {
            "number": "C10001",
            "name": "Renamed SE",
        }
        assert await client.nothing_within(0.5)  # once, and nothing for C10002


UPDATE_ADDRESS = """
mutation($input: UpdateCustomerAddressInput!) {
  updateCustomerAddress(input: $input) {
    customer { number billingAddress { city } }
    userErrors { code message }
  }
}"""


@pytest.mark.parametrize("shared", ["redis", "in-process"])
async def test_an_address_update_produces_exactly_one_event(
    tmp_path: Path,
    demo_erp: DemoErp,
    store: Store,
    instances: Instances,
    redis_url: str,
    cache_namespace: str,
    shared: str,
) -> None:
    redis = (
        {"cache_url": redis_url, "cache_namespace": cache_namespace} if shared == "redis" else {}
    )
    url, app = await instances.start(make_settings(tmp_path, demo_erp, **redis))
    key = await make_api_key(store, "sales")
    async with subscriber(url, {"apiKey": key}) as client:
        await client.subscribe("1", CHANGED)
        await until(lambda: subscriptions_of(app) == 1)
        async with httpx.AsyncClient(timeout=30, headers={"X-API-Key": key}) as http:
            response = await http.post(
                f"{url}/graphql",
                json={
                    "query": UPDATE_ADDRESS,
                    "variables": {
                        "input": {
                            "customerNumber": "C10002",
                            "role": "BILLING",
                            "address": {
                                "street": "Neue Str. 1",
                                "city": "Berlin",
                                "postalCode": "10115",
                                "country": "DE",
                            },
                        }
                    },
                },
            )
        payload = response.json()["data"]["updateCustomerAddress"]
        assert payload["userErrors"] == []
        assert payload["customer"]["billingAddress"]["city"] == "Berlin"
        event = await client.next()
        assert event["payload"]["data"]["customerChanged"]["number"] == "C10002"
        assert await client.nothing_within(0.5)


async def test_a_partner_hears_only_of_its_own_customers(
    tmp_path: Path, demo_erp: DemoErp, store: Store, instances: Instances
) -> None:
    url, app = await instances.start(make_settings(tmp_path, demo_erp))
    admin = await make_api_key(store, "admin")
    async with httpx.AsyncClient(timeout=10, headers={"Authorization": f"Bearer {admin}"}) as http:
        response = await http.post(
            f"{url}/graphql",
            json={
                "query": "mutation { assignCustomerToPartner(input: "
                '{customerNumber: "C10003", partnerId: "P9"}) { userErrors { message } } }'
            },
        )
    assert response.json()["data"]["assignCustomerToPartner"]["userErrors"] == []
    partner = await make_api_key(store, "partner", partner="P9")
    async with subscriber(url, {"Authorization": f"Bearer {partner}"}) as client:
        await client.subscribe("1", CHANGED)
        await until(lambda: subscriptions_of(app) == 1)
        await webhook(url, ["C10001", "C10002", "C10003"])
        event = await client.next()
        assert event["payload"]["data"]["customerChanged"]["number"] == "C10003"
        assert await client.nothing_within(0.5)


async def test_a_revoked_keys_subscription_is_closed(
    tmp_path: Path, demo_erp: DemoErp, store: Store, instances: Instances
) -> None:
    url, app = await instances.start(
        make_settings(tmp_path, demo_erp, subscription_auth_recheck=0.1)
    )
    key = await make_api_key(store, "sales")
    async with subscriber(url, {"Authorization": f"Bearer {key}"}) as client:
        await client.subscribe("1", CHANGED)
        await until(lambda: subscriptions_of(app) == 1)
        await asyncio.sleep(0.3)
        assert not client.ws.close_code  # still open while the key is valid
        async with store.sessionmaker() as session:
            repository = ApiKeyRepository(session)
            row = await repository.by_prefix(prefix_of(key) or "")
            assert row is not None
            await repository.revoke(row.id)
            await session.commit()
        assert await client.closed_with() == 4403
    await until(lambda: subscriptions_of(app) == 0)


async def test_subscriptions_per_connection_are_limited(
    tmp_path: Path, demo_erp: DemoErp, store: Store, instances: Instances
) -> None:
    url, app = await instances.start(
        make_settings(tmp_path, demo_erp, subscriptions_per_connection=2)
    )
    key = await make_api_key(store, "sales")
    async with subscriber(url, {"apiKey": key}) as client:
        for op_id in ("1", "2", "3"):
            await client.subscribe(op_id, CHANGED, {"numbers": ["C10001"]})
        refused = await client.next()
        assert (refused["id"], refused["type"]) == ("3", "error")
        assert refused["payload"][0]["message"] == "Subscription limit reached"
        assert subscriptions_of(app) <= 2


async def test_a_socket_without_valid_credentials_in_connection_init_is_refused(
    tmp_path: Path, demo_erp: DemoErp, instances: Instances
) -> None:
    from websockets.asyncio.client import connect
    from websockets.exceptions import ConnectionClosed

    url, _ = await instances.start(make_settings(tmp_path, demo_erp))
    for payload in ({}, {"apiKey": "fd_unknown"}):
        async with asyncio.timeout(10):
            ws = await connect(
                url.replace("http", "ws") + "/graphql", subprotocols=["graphql-transport-ws"]
            )  # type: ignore[list-item]
            await ws.send(orjson.dumps({"type": "connection_init", "payload": payload}).decode())
            with pytest.raises(ConnectionClosed) as closed:
                await ws.recv()
        assert closed.value.rcvd is not None
        assert closed.value.rcvd.code == 4403


async def test_interactions_and_leads_are_announced(
    tmp_path: Path, demo_erp: DemoErp, store: Store, instances: Instances
) -> None:
    url, app = await instances.start(make_settings(tmp_path, demo_erp))
    key = await make_api_key(store, "admin")
    headers = {"Authorization": f"Bearer {key}"}

    async def post(query: str, variables: dict[str, Any]) -> dict[str, Any]:
        async with httpx.AsyncClient(timeout=10, headers=headers) as http:
            response = await http.post(
                f"{url}/graphql", json={"query": query, "variables": variables}
            )
        body: dict[str, Any] = response.json()
        assert "errors" not in body, body
        return body["data"]

    created = await post(
        "mutation($i: CreateLeadInput!) { createLead(input: $i) { lead { id } } }",
        {"i": {"name": "Ada", "company": "Engines Ltd", "email": "ada@example.com"}},
    )
    lead_id = created["createLead"]["lead"]["id"]
    async with subscriber(url, headers) as client:
        await client.subscribe(
            "i",
            'subscription { interactionLogged(customerNumber: "C10001") '
            "{ subject customerNumber } }",
        )
        await client.subscribe(
            "l", "subscription($id: ID!) { leadChanged(id: $id) { id name } }", {"id": lead_id}
        )
        await until(lambda: subscriptions_of(app) == 2)
        await post(
            "mutation($i: LogInteractionInput!) "
            "{ logInteraction(input: $i) { userErrors { message } } }",
            {
                "i": {
                    "kind": "CALL",
                    "direction": "OUTBOUND",
                    "subject": "Renewal",
                    "customerNumber": "C10001",
                }
            },
        )
        logged = await client.next()
        assert logged["payload"]["data"]["interactionLogged"] == {
            "subject": "Renewal",
            "customerNumber": "C10001",
        }
        await post(
            "mutation($i: UpdateLeadInput!) { updateLead(input: $i) { userErrors { message } } }",
            {"i": {"leadId": lead_id, "name": "Ada Lovelace"}},
        )
        changed = await client.next()
        assert changed["id"] == "l"
        assert changed["payload"]["data"]["leadChanged"] == {"id": lead_id, "name": "Ada Lovelace"}
        assert await client.nothing_within(0.3)


async def test_the_older_graphql_ws_protocol_is_spoken_too(
    tmp_path: Path, demo_erp: DemoErp, store: Store, instances: Instances
) -> None:
    url, app = await instances.start(make_settings(tmp_path, demo_erp))
    key = await make_api_key(store, "sales")
    async with subscriber(url, {"apiKey": key}, protocol="graphql-ws") as client:
        payload = {"query": CHANGED, "variables": {"numbers": ["C10004"]}}
        await client.ws.send(
            orjson.dumps({"id": "1", "type": "start", "payload": payload}).decode()
        )
        await until(lambda: subscriptions_of(app) == 1)
        await webhook(url, ["C10004"])
        event = await client.next()
        assert event["type"] == "data", event
        assert event["payload"]["data"]["customerChanged"]["number"] == "C10004"


async def test_a_partner_subscribes_to_none_of_another_partners_customers_nor_leads(
    tmp_path: Path, demo_erp: DemoErp, store: Store, instances: Instances
) -> None:
    # The subscription half of tests/resolvers/test_scoping.py (a subscription cannot be
    # asked over HTTP POST): leadChanged is FORBIDDEN (partners lack read:leads);
    # interactionLogged on another partner's customer ends at once and delivers nothing, while
    # on the partner's own customer it delivers the interaction.
    url, app = await instances.start(make_settings(tmp_path, demo_erp))
    admin = await make_api_key(store, "admin")
    headers = {"Authorization": f"Bearer {admin}"}

    async def post(query: str, variables: dict[str, Any]) -> dict[str, Any]:
        async with httpx.AsyncClient(timeout=10, headers=headers) as http:
            response = await http.post(
                f"{url}/graphql", json={"query": query, "variables": variables}
            )
        body: dict[str, Any] = response.json()
        assert "errors" not in body, body
        return body["data"]

    assign = (
        "mutation($i: AssignCustomerToPartnerInput!) "
        "{ assignCustomerToPartner(input: $i) { userErrors { message } } }"
    )
    await post(assign, {"i": {"customerNumber": "C10001", "partnerId": "P9"}})
    await post(assign, {"i": {"customerNumber": "C10003", "partnerId": "P8"}})
    created = await post(
        "mutation($i: CreateLeadInput!) { createLead(input: $i) { lead { id } } }",
        {"i": {"name": "Ada"}},
    )
    lead_id = created["createLead"]["lead"]["id"]
    partner = await make_api_key(store, "partner", partner="P9")
    async with subscriber(url, {"Authorization": f"Bearer {partner}"}) as client:
        await client.subscribe(
            "l", "subscription($id: ID!) { leadChanged(id: $id) { id } }", {"id": lead_id}
        )
        refused = await client.next()
        assert refused["id"] == "l"
        assert refused["type"] in ("error", "next"), refused
        errors = refused["payload"] if refused["type"] == "error" else refused["payload"]["errors"]
        assert [(e["extensions"]["code"], e["extensions"]["needs"]) for e in errors] == [
            ("FORBIDDEN", "read:leads")
        ]
        theirs = 'subscription { interactionLogged(customerNumber: "C10003") { id } }'
        await client.subscribe("t", theirs)
        ended = await client.next()
        assert ended == {"id": "t", "type": "complete"}
        await client.subscribe(
            "m", 'subscription { interactionLogged(customerNumber: "C10001") { subject } }'
        )
        await until(lambda: subscriptions_of(app) == 1)
        log = (
            "mutation($i: LogInteractionInput!) "
            "{ logInteraction(input: $i) { userErrors { message } } }"
        )
        for number in ("C10003", "C10001"):
            await post(
                log,
                {
                    "i": {
                        "kind": "NOTE",
                        "direction": "OUTBOUND",
                        "subject": f"On {number}",
                        "customerNumber": number,
                    }
                },
            )
        heard = await client.next()
        assert heard["payload"]["data"]["interactionLogged"] == {"subject": "On C10001"}
        assert await client.nothing_within(0.3)

import httpx
import pytest
from asgi_lifespan import LifespanManager

from api.app import create_app
from api.lifespan import Overrides
from api.settings import Settings
from tests.support.databases import Store
from tests.support.graphql import gql


async def test_graphql_answers_post(client: httpx.AsyncClient) -> None:
    body = await gql(client, "{ __typename }")
    assert body["data"] == {"__typename": "Query"}


async def test_graphql_answers_get(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", params={"query": "{ __typename }"})
    assert response.status_code == 200
    assert response.json() == {"data": {"__typename": "Query"}}


async def test_every_response_carries_a_request_id(client: httpx.AsyncClient) -> None:
    first = await client.get("/healthz")
    second = await client.get("/healthz")
    assert len(first.headers["x-request-id"]) >= 16
    assert first.headers["x-request-id"] != second.headers["x-request-id"]


async def test_the_clients_request_id_is_kept(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql", json={"query": "{ __typename }"}, headers={"X-Request-ID": "abc-123"}
    )
    assert response.headers["x-request-id"] == "abc-123"


async def test_a_malformed_request_id_is_replaced(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz", headers={"X-Request-ID": "bad id\twith spaces"})
    assert response.headers["x-request-id"] != "bad id\twith spaces"


async def test_health_and_readiness(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"]["database"] == "ok"


async def test_graphiql_is_served_to_browsers_in_the_embedded_default(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert "graphiql" in response.text.lower()


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
async def test_graphiql_is_off_outside_the_embedded_default(store: Store) -> None:
    settings = Settings(database_url=store.url)
    app = create_app(settings, overrides=Overrides(sessionmaker=store.sessionmaker))
    async with (
        LifespanManager(app) as manager,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=manager.app), base_url="http://t"
        ) as http,
    ):
        response = await http.get("/graphql", headers={"Accept": "text/html"})
    assert "graphiql" not in response.text.lower()


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
async def test_a_query_gives_its_database_connection_back_once_answered(
    client: httpx.AsyncClient, store: Store
) -> None:
    pool = store.engine.pool
    before = pool.checkedout()  # type: ignore[attr-defined]
    body = await gql(client, "{ leads(first: 1) { totalCount } }")
    assert "errors" not in body
    assert pool.checkedout() == before  # type: ignore[attr-defined]

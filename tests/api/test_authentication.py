"""Every /graphql request needs credentials: API keys (Bearer or X-API-Key) and their states."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.support.graphql import gql
from tests.support.security import make_api_key

if TYPE_CHECKING:
    import httpx

    from tests.support.databases import Store
    from tests.support.security import ClientFor

QUERY = {"query": "{ apiVersion }"}


async def test_no_credentials_is_401_with_a_graphql_error(
    anonymous_client: httpx.AsyncClient,
) -> None:
    response = await anonymous_client.post("/graphql", json=QUERY)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    body = response.json()
    assert "data" not in body
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_get_without_credentials_is_401(anonymous_client: httpx.AsyncClient) -> None:
    response = await anonymous_client.get("/graphql", params=QUERY)
    assert response.status_code == 401


@pytest.mark.parametrize(
    "header",
    [
        {"Authorization": "Bearer fd_000000000000_not-a-key"},
        {"Authorization": "Bearer nonsense"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"X-API-Key": "fd_123456789abc_wrong"},
    ],
)
async def test_bad_credentials_are_401(
    anonymous_client: httpx.AsyncClient, header: dict[str, str]
) -> None:
    response = await anonymous_client.post("/graphql", json=QUERY, headers=header)
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_key_with_a_wrong_secret_is_refused(
    anonymous_client: httpx.AsyncClient, store: Store
) -> None:
    key = await make_api_key(store, "sales")
    forged = key[:-4] + ("AAAA" if not key.endswith("AAAA") else "BBBB")
    response = await anonymous_client.post(
        "/graphql", json=QUERY, headers={"Authorization": f"Bearer {forged}"}
    )
    assert response.status_code == 401


async def test_bearer_and_x_api_key_both_work(
    anonymous_client: httpx.AsyncClient, store: Store
) -> None:
    key = await make_api_key(store, "sales")
    for headers in ({"Authorization": f"Bearer {key}"}, {"X-API-Key": key}):
        response = await anonymous_client.post("/graphql", json=QUERY, headers=headers)
        assert response.status_code == 200, response.text
        assert isinstance(response.json()["data"]["apiVersion"], str)


async def test_a_revoked_key_is_401(anonymous_client: httpx.AsyncClient, store: Store) -> None:
    from crm_store.repositories.api_keys import ApiKeyRepository

    key = await make_api_key(store, "service", name="to revoke")
    headers = {"X-API-Key": key}
    assert (await anonymous_client.post("/graphql", json=QUERY, headers=headers)).status_code == 200
    async with store.sessionmaker() as session:
        repository = ApiKeyRepository(session)
        (row,) = [r for r in await repository.all() if r.name == "to revoke"]
        await repository.revoke(row.id)
        await session.commit()
    response = await anonymous_client.post("/graphql", json=QUERY, headers=headers)
    assert response.status_code == 401


async def test_use_of_a_key_is_recorded_and_only_its_hash_is_stored(
    client_for: ClientFor, store: Store
) -> None:
    from crm_store.repositories.api_keys import ApiKeyRepository

    marketing = await client_for("marketing")
    await gql(marketing, "{ apiVersion }")
    key = marketing.headers["authorization"].removeprefix("Bearer ")
    async with store.sessionmaker() as session:
        rows = await ApiKeyRepository(session).all()
    (row,) = [r for r in rows if r.role == "marketing"]
    assert row.last_used_at is not None
    assert key not in {row.key_hash, row.prefix, row.name}
    assert len(row.key_hash) == 64


async def test_health_probes_are_public(anonymous_client: httpx.AsyncClient) -> None:
    assert (await anonymous_client.get("/healthz")).status_code == 200
    assert (await anonymous_client.get("/readyz")).status_code == 200


async def test_the_graphiql_page_loads_without_credentials_but_queries_do_not(
    anonymous_client: httpx.AsyncClient,
) -> None:
    page = await anonymous_client.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "graphiql" in page.text.lower()
    response = await anonymous_client.get("/graphql", params=QUERY, headers={"Accept": "text/html"})
    assert response.status_code == 401

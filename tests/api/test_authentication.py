"""Every /graphql request needs credentials: API keys (Bearer or X-API-Key) and their states."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.support.graphql import gql
from tests.support.security import http_client, make_api_key

if TYPE_CHECKING:
    import httpx

    from tests.support.databases import Store
    from tests.support.security import AppWith, ClientFor

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


async def revoke(store: Store, name: str) -> None:
    from crm_store.repositories.api_keys import ApiKeyRepository

    async with store.sessionmaker() as session:
        repository = ApiKeyRepository(session)
        (row,) = [r for r in await repository.all() if r.name == name]
        await repository.revoke(row.id)
        await session.commit()


async def test_a_revoked_key_is_401_on_its_next_request_without_the_key_cache(
    app_with: AppWith, store: Store
) -> None:
    app = await app_with(api_key_cache_seconds=0)
    key = await make_api_key(store, "service", name="to revoke")
    async with http_client(app, key) as http:
        assert (await http.post("/graphql", json=QUERY)).status_code == 200
        await revoke(store, "to revoke")
        assert (await http.post("/graphql", json=QUERY)).status_code == 401


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_a_valid_key_is_remembered_for_the_cache_window_only(store: Store) -> None:
    """Within the window a revoked key still authenticates without a store round trip;
    once it passes, and for a fresh check (open subscriptions), the key is refused."""
    from api.auth.authenticator import Authenticator
    from api.auth.jwt import JwtSettings

    clock = Clock()
    authenticator = Authenticator(
        lambda: store.sessionmaker, JwtSettings(), key_cache_seconds=5, clock=clock
    )
    key = await make_api_key(store, "sales", name="remembered")
    first = await authenticator.authenticate(key)
    assert first is not None
    assert first.name == "remembered"
    await revoke(store, "remembered")
    clock.now += 4
    assert await authenticator.authenticate(key) == first
    assert await authenticator.authenticate(key, fresh=True) is None
    clock.now += 2
    assert await authenticator.authenticate(key) is None


async def test_a_refused_key_is_not_remembered(store: Store) -> None:
    """Only valid keys are cached: a wrong secret for a real prefix stays wrong, the real key
    works at once."""
    from api.auth.authenticator import Authenticator
    from api.auth.jwt import JwtSettings

    authenticator = Authenticator(lambda: store.sessionmaker, JwtSettings(), key_cache_seconds=60)
    key = await make_api_key(store, "sales", name="right one")
    wrong = key[:-4] + ("AAAA" if not key.endswith("AAAA") else "BBBB")
    assert await authenticator.authenticate(wrong) is None
    assert await authenticator.authenticate(wrong) is None
    assert (await authenticator.authenticate(key)) is not None


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

"""GraphQL over HTTP: media types and status codes, batching refused, limits over HTTP."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.support.security import http_client, make_api_key

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    import httpx
    from starlette.applications import Starlette

    from tests.support.databases import Store

NEW = {"Accept": "application/graphql-response+json"}
OLD = {"Accept": "application/json"}


async def test_the_graphql_response_media_type_is_honoured(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": "{ apiVersion }"}, headers=NEW)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/graphql-response+json")
    assert "apiVersion" in response.json()["data"]


async def test_request_errors_are_400_without_data_for_the_new_media_type(
    client: httpx.AsyncClient,
) -> None:
    for body in (
        {"query": "{ apiVersion "},  # parse error
        {"query": "{ noSuchField }"},  # validation error
        {"query": "query($id: ID!) { node(id: $id) { id } }", "variables": {"id": None}},
    ):
        response = await client.post("/graphql", json=body, headers=NEW)
        assert response.status_code == 400, body
        assert response.headers["content-type"].startswith("application/graphql-response+json")
        payload = response.json()
        assert "data" not in payload
        assert payload["errors"]


async def test_request_errors_stay_200_with_data_null_for_application_json(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/graphql", json={"query": "{ noSuchField }"}, headers=OLD)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["data"] is None


async def test_batched_requests_are_refused(client: httpx.AsyncClient) -> None:
    batch = [{"query": "{ apiVersion }"}, {"query": "{ __typename }"}]
    response = await client.post("/graphql", json=batch)
    assert response.status_code == 400
    assert "Batching is not enabled" in response.text


async def test_a_limit_over_http_is_query_too_complex(
    app_with: Callable[..., Awaitable[Starlette]], store: Store
) -> None:
    app = await app_with(query_max_depth=1)
    async with http_client(app, await make_api_key(store, "sales")) as http:
        under = await http.post("/graphql", json={"query": "{ apiVersion }"})
        over = await http.post("/graphql", json={"query": '{ node(id: "x") { id } }'}, headers=NEW)
    assert under.status_code == 200
    assert over.status_code == 400
    (error,) = over.json()["errors"]
    assert error["extensions"] == {
        "code": "QUERY_TOO_COMPLEX",
        "limit": "depth",
        "maximum": 1,
        "value": 2,
    }


async def test_introspection_can_be_turned_off(
    app_with: Callable[..., Awaitable[Starlette]], store: Store
) -> None:
    app = await app_with(introspection=False)
    async with http_client(app, await make_api_key(store, "admin")) as http:
        refused = await http.post("/graphql", json={"query": "{ __schema { types { name } } }"})
        allowed = await http.post("/graphql", json={"query": "{ __typename }"})
    assert refused.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert allowed.json() == {"data": {"__typename": "Query"}}


async def test_a_subscription_over_http_is_refused_with_a_pointer_to_the_websocket(
    client: httpx.AsyncClient,
) -> None:
    document = 'subscription { customerChanged(numbers: ["C10001"]) { number } }'
    for accept in (NEW, OLD):
        response = await client.post("/graphql", json={"query": document}, headers=accept)
        assert response.status_code == 400, response.text
        (error,) = response.json()["errors"]
        assert error["extensions"]["code"] == "BAD_REQUEST"
        assert "WebSocket" in error["message"]
    response = await client.get("/graphql", params={"query": document}, headers=NEW)
    assert response.status_code == 400, response.text

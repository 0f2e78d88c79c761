"""The plain query path (``api/plain_queries.py``) answers exactly as strawberry's standard
path: status, headers and body, for every query document of the suite, the benchmark and
the README, as every kind of principal, with the ERP up and down."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from resolvers.schema import build_schema
from tests.support.documents import served_query_documents
from tests.support.generated import first_values

if TYPE_CHECKING:
    from collections.abc import Mapping

    import httpx

    from tests.resolvers.execution.conftest import Seeded

SCHEMA = build_schema()._schema
DOCUMENTS = served_query_documents()
REQUEST_ID = "plain-queries-0001"


async def _answer(
    client: httpx.AsyncClient, payload: Mapping[str, Any], headers: Mapping[str, str]
) -> tuple[int, list[tuple[str, str]], bytes]:
    response = await client.post(
        "/graphql", json=dict(payload), headers={"X-Request-ID": REQUEST_ID, **headers}
    )
    return response.status_code, sorted(response.headers.multi_items()), response.content


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
async def test_every_known_document_answers_as_the_standard_path(seeded: Seeded) -> None:
    answered = 0
    mismatches: list[str] = []
    for differential, principals in (
        (seeded.up, ("admin", "sales", "partner")),
        (seeded.down, ("admin",)),
    ):
        assert differential.view is not None
        plain = differential.view.plain_queries
        run = plain._run

        async def counted(*args: Any, run: Any = run) -> Any:
            nonlocal answered
            answered += 1
            return await run(*args)

        plain._run = counted  # type: ignore[method-assign]
        try:
            for document in DOCUMENTS:
                variables = first_values(document.operation(), SCHEMA, seeded.ids)
                payload: dict[str, Any] = {"query": document.text, "variables": variables}
                if document.operation_name is not None:
                    payload["operationName"] = document.operation_name
                for principal in principals:
                    client = differential.clients[principal]
                    for headers in ({}, {"Accept": "application/json"}):
                        plain.usable = False
                        await _answer(client, payload, headers)  # warm: the ERP cache
                        standard = await _answer(client, payload, headers)
                        plain.usable = True
                        answer = await _answer(client, payload, headers)
                        if answer != standard:
                            mismatches.append(
                                f"{document.label} as {principal} ({headers}):\n"
                                f"standard {standard}\nplain    {answer}"
                            )
        finally:
            plain.usable = True
            plain._run = run  # type: ignore[method-assign]
    assert not mismatches, "\n\n".join(mismatches[:5])
    # worth something only if the plain path answered most of them
    assert answered >= 0.8 * len(DOCUMENTS) * 4 * 2

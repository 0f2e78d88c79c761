"""Every query document of the suite, the benchmark and the README answers through the
planned executor exactly as through graphql-core's: for every kind of principal, with the
ERP up and with the ERP down and nothing cached."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from resolvers.schema import build_schema
from tests.support.documents import served_query_documents
from tests.support.generated import first_values, variables_for

if TYPE_CHECKING:
    from tests.resolvers.execution.conftest import Seeded

ON_SQLITE = pytest.mark.parametrize("store", ["sqlite"], indirect=True)
"""The executor does not depend on the store: one backend is enough."""

SCHEMA = build_schema()._schema
DOCUMENTS = served_query_documents()


def test_the_scan_finds_the_documents_of_tests_benchmark_and_readme() -> None:
    origins = {document.origin for document in DOCUMENTS}
    assert "bench/queries/customers_page.graphql" in origins
    assert "README.md" in origins
    assert "tests/resolvers/test_scoping.py" in origins
    assert len(DOCUMENTS) >= 100


@ON_SQLITE
async def test_every_known_document_answers_as_graphql_core(seeded: Seeded) -> None:
    for document in DOCUMENTS:
        variables = first_values(document.operation(), SCHEMA, seeded.ids)
        for principal in ("admin", "sales", "partner"):
            await seeded.up.compare(
                document.text,
                variables,
                principal=principal,
                operation_name=document.operation_name,
                label=document.label,
            )
        await seeded.down.compare(
            document.text, variables, operation_name=document.operation_name, label=document.label
        )
    seeded.assert_no_mismatch()
    # the comparison is worth something only if the planned path answered
    assert seeded.up.planned_runs >= 0.9 * (seeded.up.planned_runs + seeded.up.fallback_runs)


@ON_SQLITE
@settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
async def test_known_documents_with_drawn_variables_and_principals(
    seeded: Seeded, data: st.DataObject
) -> None:
    document = data.draw(st.sampled_from(DOCUMENTS), label="document")
    variables = data.draw(variables_for(document.operation(), SCHEMA, seeded.ids), "variables")
    principal = data.draw(st.sampled_from(sorted(seeded.up.clients)), label="principal")
    differential = seeded.by_erp(data.draw(st.sampled_from([True, True, False]), label="erp up"))
    await differential.assert_same(
        document.text,
        variables,
        principal=principal,
        operation_name=document.operation_name,
        label=document.label,
    )

"""Generated query documents answer through the planned executor exactly as through
graphql-core's: random selections over customers, contacts, leads and interactions (and
what they lead to) with aliases, merged fields, fragments, directives and variables, asked
by every kind of principal (credit fields FORBIDDEN for some, partner scoping for one),
with the ERP up or down."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from resolvers.schema import build_schema
from tests.support.generated import query_documents

if TYPE_CHECKING:
    from tests.resolvers.execution.conftest import Seeded

SCHEMA = build_schema()._schema


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
@settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
async def test_generated_documents_answer_as_graphql_core(
    seeded: Seeded, data: st.DataObject
) -> None:
    document = data.draw(query_documents(SCHEMA, seeded.ids), label="document")
    note(document.text)
    principal = data.draw(st.sampled_from(sorted(seeded.up.clients)), label="principal")
    differential = seeded.by_erp(data.draw(st.sampled_from([True, True, False]), label="erp up"))
    planned = await differential.assert_same(
        document.text, document.variables, principal=principal, label=document.text
    )
    assert planned.planned

"""The benchmark's query files: they parse, the baselines answer them, skips say why."""

from __future__ import annotations

import pytest
from graphql import parse, validate

from bench.baselines import naive, stock
from bench.client import QUERIES, body, frontdesk_problem

CUSTOMER_QUERIES = ["customer_realistic", "customers_page", "customer_numbers"]


def test_every_query_file_parses() -> None:
    names = sorted(path.stem for path in QUERIES.glob("*.graphql"))
    assert names == [
        "customer_numbers",
        "customer_realistic",
        "customers_page",
        "frontdesk_trivial",
        "trivial_customer",
    ]
    for name in names:
        parse((QUERIES / f"{name}.graphql").read_text())


@pytest.mark.parametrize("name", [*CUSTOMER_QUERIES, "trivial_customer"])
def test_the_naive_baseline_answers_the_customer_queries(name: str) -> None:
    schema = naive.create().routes[0].endpoint.schema._schema  # type: ignore[attr-defined]
    assert validate(schema, parse((QUERIES / f"{name}.graphql").read_text())) == []


def test_the_stock_baseline_answers_the_trivial_query() -> None:
    schema = stock.create().routes[0].endpoint.schema._schema  # type: ignore[attr-defined]
    assert validate(schema, parse((QUERIES / "trivial_customer.graphql").read_text())) == []


def test_frontdesk_problem_is_none_for_what_the_schema_answers() -> None:
    assert frontdesk_problem("frontdesk_trivial") is None


def test_bodies_always_carry_variables() -> None:
    assert body("frontdesk_trivial", {}).endswith(',"variables":{}}')

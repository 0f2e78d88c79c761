"""The contact data checks behind every CRM mutation and the CSV import."""

from __future__ import annotations

import pytest

from workflows.validation import Checker, ContactRules, postal_code_problem


@pytest.mark.parametrize(
    ("code", "country"),
    [
        ("10117", "DE"),
        ("1010", "AT"),
        ("8001", "CH"),
        ("75008", "FR"),
        ("1012 AB", "NL"),
        ("00-950", "PL"),
        ("SW1A 1AA", "GB"),
        ("K1A 0B1", "CA"),
        ("94105-1234", "US"),
        ("D02 X285", "IE"),
        ("100-0001", "JP"),
    ],
)
def test_plausible_postal_codes(code: str, country: str) -> None:
    assert postal_code_problem(code, country) is None


@pytest.mark.parametrize(
    ("code", "country"),
    [
        ("1011", "DE"),
        ("101170", "DE"),
        ("ABCDE", "FR"),
        ("1012", "NL"),
        ("12345", "GB"),
        ("!", "JP"),
    ],
)
def test_implausible_postal_codes(code: str, country: str) -> None:
    assert postal_code_problem(code, country) is not None


def test_the_checker_normalises_and_collects_every_problem() -> None:
    checker = Checker(rules=ContactRules(default_phone_region="GB"), prefix=("input",))
    assert checker.phone("phone", " 020 7946 0958 ") == "+442079460958"
    assert checker.email("email", "Someone@EXAMPLE.com") == "Someone@example.com"
    assert checker.country("country", "gb") == "GB"
    assert checker.text("name", "   ") is None
    assert checker.problems == []
    checker.text("name", "x" * 201)
    checker.email("email", "two@@example.com")
    checker.phone("phone", "+1 555")
    checker.country("country", "ZZ")
    assert [problem.field for problem in checker.problems] == [
        ("input", "name"),
        ("input", "email"),
        ("input", "phone"),
        ("input", "country"),
    ]

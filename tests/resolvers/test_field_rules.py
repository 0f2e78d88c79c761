"""Field-level rules and capabilities by role, over HTTP.

- Credit fields: ``creditHold`` needs read:credit-hold (sales, service, manager, admin); the
  rest of the credit standing needs read:credit (service, manager, admin). A role without
  it gets null and a ``FORBIDDEN`` error at that field's path; the rest of the answer stands.
- Every root field but ``apiVersion`` and ``node`` declares the capability it needs, and every
  role without it is refused with ``FORBIDDEN`` naming it (enumerated from the schema).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from resolvers.permissions import PERMISSIONS, Capability, can
from resolvers.principal import Principal, PrincipalKind, Role
from tests.resolvers.test_scoping import ROOT_FIELDS
from tests.support.graphql import gql
from tests.support.schema_fields import root_fields
from tests.support.scoping import MINE, PARTNER, World

if TYPE_CHECKING:
    from tests.support.security import ClientFor

CREDIT_FIELDS = ("creditHold", "creditHoldReason", "creditLimit", "paymentTerms", "balance")
DENIED_CREDIT_FIELDS: dict[Role, set[str]] = {
    Role.SALES: {"creditHoldReason", "creditLimit", "paymentTerms", "balance"},
    Role.SERVICE: set(),
    Role.MARKETING: set(CREDIT_FIELDS),
    Role.MANAGER: set(),
    Role.ADMIN: set(),
    Role.PARTNER: set(CREDIT_FIELDS),
}
"""The README's credit rules, written out: a change to the table must change this too."""

CUSTOMER = """query($n: String!) { customer(number: $n) {
  number name creditHold creditHoldReason creditLimit { amount currency } paymentTerms
  balance { amount currency } } }"""

UNGUARDED = {"apiVersion", "node"}
"""Root fields without a capability of their own (``node`` checks each type's inside)."""


def _client_args(role: Role) -> dict[str, Any]:
    return {"partner": PARTNER} if role is Role.PARTNER else {}


@pytest.mark.parametrize("role", list(Role))
async def test_credit_fields_follow_the_permission_table(
    role: Role, world: World, client_for: ClientFor
) -> None:
    http = await client_for(role, **_client_args(role))
    body = await gql(http, CUSTOMER, {"n": MINE[0]}, expect_errors=True)
    customer = body["data"]["customer"]
    denied = DENIED_CREDIT_FIELDS[role]
    errors = {tuple(e["path"]): e["extensions"] for e in body.get("errors", [])}
    assert errors == {
        ("customer", name): {
            "code": "FORBIDDEN",
            "needs": "read:credit-hold" if name == "creditHold" else "read:credit",
        }
        for name in denied
    }
    assert customer["number"] == MINE[0]
    assert customer["name"]  # the rest of the answer stands
    for name in CREDIT_FIELDS:
        if name in denied:
            assert customer[name] is None
        elif name != "creditHoldReason":  # null unless on hold
            assert customer[name] is not None, name


async def test_a_sales_key_reads_credit_hold_but_no_other_credit_field_in_lists(
    world: World, client_for: ClientFor
) -> None:
    sales = await client_for("sales")
    body = await gql(
        sales,
        "{ customers(first: 3, creditHold: false) { edges { node { creditHold balance { amount } "
        "creditLimit { amount } } } } }",
        expect_errors=True,
    )
    nodes = [edge["node"] for edge in body["data"]["customers"]["edges"]]
    assert [n["creditHold"] for n in nodes] == [False, False, False]
    assert all(n["balance"] is None and n["creditLimit"] is None for n in nodes)
    paths = sorted((e["path"][2], e["path"][4]) for e in body["errors"])
    assert paths == sorted((i, f) for i in range(3) for f in ("balance", "creditLimit"))


@pytest.mark.parametrize("role", [Role.MARKETING, Role.PARTNER])
async def test_filtering_on_credit_hold_needs_to_be_allowed_to_see_it(
    role: Role, world: World, client_for: ClientFor
) -> None:
    http = await client_for(role, **_client_args(role))
    body = await gql(http, "{ customers(creditHold: true) { totalCount } }", expect_errors=True)
    assert body["data"] is None
    assert body["errors"][0]["extensions"] == {"code": "FORBIDDEN", "needs": "read:credit-hold"}


def _capabilities(permission_classes: tuple[str, ...]) -> list[Capability]:
    """What a field needs, in the order it checks (``convertLead`` needs two capabilities)."""
    names = [p.removeprefix("Requires_") for p in permission_classes if p.startswith("Requires_")]
    assert names, permission_classes
    return [Capability[name] for name in names]


def _principal(role: Role) -> Principal:
    return Principal(
        kind=PrincipalKind.SERVICE,
        subject="t",
        name="t",
        roles=frozenset({role}),
        partner_id=PARTNER if role is Role.PARTNER else None,
    )


def test_every_root_field_declares_the_capability_it_needs() -> None:
    undeclared = [
        f.name
        for f in root_fields()
        if f.name not in UNGUARDED
        and not any(p.startswith("Requires_") for p in f.permission_classes)
    ]
    assert undeclared == [], f"add permission_classes=[requires(Capability.X)] to {undeclared}"


@pytest.mark.parametrize(
    "field",
    # Subscriptions cannot be asked over HTTP POST: checked over WebSocket (see
    # SUBSCRIPTIONS_PROVED_IN in test_scoping.py), declared capabilities above.
    [f for f in root_fields() if f.name not in UNGUARDED and f.operation != "subscription"],
    ids=lambda f: f.name,
)
async def test_each_root_field_is_refused_to_the_roles_without_its_capability(
    field: Any, world: World, client_for: ClientFor
) -> None:
    capabilities = _capabilities(field.permission_classes)
    case = ROOT_FIELDS[field.name]
    for role in Role:
        http = await client_for(role, **_client_args(role))
        body = await gql(http, case.document, case.variables(world), expect_errors=True)
        top_level = [e for e in body.get("errors", []) if e.get("path") == [field.name]]
        missing = [c for c in capabilities if not can(_principal(role), c)]
        if not missing:
            assert top_level == [], (role, body)
            assert body["data"][field.name] is not None or field.operation == "query", role
        else:
            assert (body["data"] or {}).get(field.name) is None, (role, body)
            # Refused once, naming the first capability the role lacks.
            assert [e["extensions"] for e in top_level] == [
                {"code": "FORBIDDEN", "needs": missing[0].value}
            ], role


def test_the_readme_permission_table_is_the_code_s() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    section = readme[readme.index("### Authorization") : readme.index("### Partner scoping")]
    header = next(line for line in section.splitlines() if line.startswith("| capability"))
    roles = [Role(cell.strip()) for cell in header.strip("|").split("|")[1:]]
    documented: dict[Role, set[Capability]] = {role: set() for role in roles}
    for line in section.splitlines():
        match = re.match(r"\| `([a-z:-]+)`", line)
        if match is None:
            continue
        cells = line.strip().strip("|").split("|")[1:]
        for role, cell in zip(roles, cells, strict=True):
            if "✓" in cell:
                documented[role].add(Capability(match.group(1)))
    assert documented == {role: set(PERMISSIONS[role]) for role in Role}

"""The permission table, the declarative permission classes and partner assignments."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
import strawberry

from crm_store.repositories.partner_assignments import PartnerAssignmentRepository
from crm_store.unit_of_work import UnitOfWork
from resolvers.context import Context, Info
from resolvers.loaders import Loaders
from resolvers.permissions import (
    PERMISSIONS,
    Capability,
    can,
    capabilities_of,
    customer_visible,
    partner_scope,
    require,
)
from resolvers.principal import Principal, PrincipalKind, Role
from tests.support.graphql import gql
from tests.support.schema_fields import root_fields

if TYPE_CHECKING:
    from tests.support.databases import Store
    from tests.support.security import ClientFor

ASSIGN = """mutation($input: AssignCustomerToPartnerInput!) {
  assignCustomerToPartner(input: $input) {
    customerNumber partnerId userErrors { field code message }
  }
}"""


def principal(*roles: Role, partner: str | None = None) -> Principal:
    return Principal(
        kind=PrincipalKind.PARTNER if partner else PrincipalKind.SERVICE,
        subject="t",
        name="t",
        roles=frozenset(roles),
        partner_id=partner,
    )


def test_every_role_has_a_row_and_admin_may_do_everything() -> None:
    assert set(PERMISSIONS) == set(Role)
    assert capabilities_of(principal(Role.ADMIN)) == frozenset(Capability)


def test_credit_fields_are_for_service_manager_and_admin_only() -> None:
    allowed = {role for role in Role if can(principal(role), Capability.READ_CREDIT)}
    assert allowed == {Role.SERVICE, Role.MANAGER, Role.ADMIN}


def test_a_partner_never_gets_more_than_the_partner_role() -> None:
    claimed = principal(Role.ADMIN, Role.MANAGER, partner="P-1")
    assert capabilities_of(claimed) == PERMISSIONS[Role.PARTNER]
    assert not can(claimed, Capability.MANAGE_PARTNERS)


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("sales", False),
        ("service", False),
        ("marketing", False),
        ("partner", False),
        ("manager", True),
        ("admin", True),
    ],
)
async def test_only_managers_and_admins_assign_customers_to_partners(
    client_for: ClientFor, store: Store, role: str, allowed: bool
) -> None:
    http = await client_for(role, partner="P-1" if role == "partner" else None)
    variables = {"input": {"customerNumber": "C-100", "partnerId": "P-2"}}
    body = await gql(http, ASSIGN, variables, expect_errors=not allowed)
    async with store.sessionmaker() as session:
        stored = await PartnerAssignmentRepository(session).partners_of(["C-100"])
    if allowed:
        assert body["data"]["assignCustomerToPartner"] == {
            "customerNumber": "C-100",
            "partnerId": "P-2",
            "userErrors": [],
        }
        assert stored == {"C-100": "P-2"}
    else:
        assert body["data"] is None
        error = body["errors"][0]
        assert error["extensions"] == {"code": "FORBIDDEN", "needs": "manage:partners"}
        assert stored == {}


async def test_reassigning_moves_the_customer_and_bad_input_is_a_user_error(
    client_for: ClientFor, store: Store
) -> None:
    manager = await client_for("manager")
    for partner in ("P-1", "P-2"):
        variables = {"input": {"customerNumber": "C-7", "partnerId": partner}}
        await gql(manager, ASSIGN, variables)
    bad = await gql(manager, ASSIGN, {"input": {"customerNumber": " ", "partnerId": ""}})
    errors = bad["data"]["assignCustomerToPartner"]["userErrors"]
    assert [e["field"] for e in errors] == [["customerNumber"], ["partnerId"]]
    async with store.sessionmaker() as session:
        repository = PartnerAssignmentRepository(session)
        assert await repository.partners_of(["C-7", " "]) == {"C-7": "P-2"}
        assert await repository.customers_of("P-1") == []
        assert await repository.customers_of("P-2") == ["C-7"]


async def test_partner_by_customer_loads_many_customers_in_one_query(store: Store) -> None:
    async with store.sessionmaker() as session:
        repository = PartnerAssignmentRepository(session)
        await repository.assign("C-1", "P-1")
        await repository.assign("C-2", "P-2")
        await session.commit()
    uow = UnitOfWork(store.sessionmaker)
    loader = Loaders.create(uow=uow).partner_by_customer
    with store.count_queries() as counter:
        found = [await f for f in [loader.load(n) for n in ("C-1", "C-2", "C-3")]]
    await uow.close()
    assert found == ["P-1", "P-2", None]
    assert len(counter.statements) == 1


def test_root_fields_are_enumerated_with_their_permissions() -> None:
    by_name = {field.name: field for field in root_fields()}
    assign = by_name["assignCustomerToPartner"]
    assert assign.operation == "mutation"
    assert assign.required_arguments == {"input": "AssignCustomerToPartnerInput!"}
    assert assign.permission_classes == ("Requires_MANAGE_PARTNERS",)
    assert by_name["node"].required_arguments == {"id": "ID!"}


@strawberry.type
class ScopedQuery:
    @strawberry.field
    async def visible(self, info: Info, number: str) -> bool:
        return await customer_visible(info, number)

    @strawberry.field
    def scope(self, info: Info) -> str | None:
        return partner_scope(info)

    @strawberry.field
    def credit_limit(self, info: Info) -> int:
        require(info, Capability.READ_CREDIT)
        return 5000


scoped_schema = strawberry.Schema(query=ScopedQuery)


async def run_as(store: Store, who: Principal, document: str) -> Any:
    uow = UnitOfWork(store.sessionmaker)
    context = Context(
        request=None,  # type: ignore[arg-type]
        response=None,
        request_id="test",
        uow=uow,
        loaders=Loaders.create(uow=uow),
        principal=who,
    )
    try:
        return await scoped_schema.execute(document, context_value=context)
    finally:
        await uow.close()


async def test_partner_scoping_helpers(store: Store) -> None:
    async with store.sessionmaker() as session:
        await PartnerAssignmentRepository(session).assign("C-1", "P-1")
        await PartnerAssignmentRepository(session).assign("C-2", "P-2")
        await session.commit()
    document = '{ scope mine: visible(number: "C-1") theirs: visible(number: "C-2") }'
    partner = await run_as(store, principal(Role.PARTNER, partner="P-1"), document)
    assert partner.data == {"scope": "P-1", "mine": True, "theirs": False}
    staff = await run_as(store, principal(Role.SALES), document)
    assert staff.data == {"scope": None, "mine": True, "theirs": True}
    # A partner role without a partner id sees nothing rather than everything.
    orphan = await run_as(store, principal(Role.PARTNER), document)
    assert orphan.data == {"scope": "", "mine": False, "theirs": False}


async def test_require_inside_a_resolver(store: Store) -> None:
    denied = await run_as(store, principal(Role.SALES), "{ creditLimit }")
    assert denied.errors[0].extensions == {"code": "FORBIDDEN", "needs": "read:credit"}
    allowed = await run_as(store, principal(Role.SERVICE), "{ creditLimit }")
    assert allowed.data == {"creditLimit": 5000}

"""``assignCustomerToPartner``: which partner portal may see a customer (managers, admins)."""

from __future__ import annotations

import strawberry

from crm_store.repositories.partner_assignments import PartnerAssignmentRepository
from resolvers.context import Info
from resolvers.errors import ErrorCode, UserError, user_error
from resolvers.permissions import Capability, requires

MAX_KEY_LENGTH = 64


@strawberry.input(description="Assign a customer to a partner (a customer has at most one).")
class AssignCustomerToPartnerInput:
    customer_number: str = strawberry.field(description="The ERP customer number.")
    partner_id: str = strawberry.field(description="The partner that may see the customer.")


@strawberry.type
class AssignCustomerToPartnerPayload:
    customer_number: str | None
    partner_id: str | None
    user_errors: list[UserError]


def _validate(data: AssignCustomerToPartnerInput) -> list[UserError]:
    errors: list[UserError] = []
    if not data.customer_number.strip():
        errors.append(user_error(ErrorCode.INVALID, "Give a customer number.", "customerNumber"))
    elif len(data.customer_number) > MAX_KEY_LENGTH:
        errors.append(
            user_error(
                ErrorCode.INVALID,
                f"A customer number has at most {MAX_KEY_LENGTH} characters.",
                "customerNumber",
            )
        )
    if not data.partner_id.strip() or len(data.partner_id) > MAX_KEY_LENGTH:
        errors.append(
            user_error(
                ErrorCode.INVALID,
                f"A partner id has 1 to {MAX_KEY_LENGTH} characters.",
                "partnerId",
            )
        )
    return errors


@strawberry.type
class SecurityMutation:
    @strawberry.mutation(
        description="Let a partner portal see a customer (managers and admins only).",
        permission_classes=[requires(Capability.MANAGE_PARTNERS)],
    )
    async def assign_customer_to_partner(
        self, info: Info, input: AssignCustomerToPartnerInput
    ) -> AssignCustomerToPartnerPayload:
        errors = _validate(input)
        if errors:
            return AssignCustomerToPartnerPayload(
                customer_number=None, partner_id=None, user_errors=errors
            )
        number = input.customer_number.strip()
        partner = input.partner_id.strip()
        async with info.context.uow.session() as session:
            await PartnerAssignmentRepository(session).assign(number, partner)
        return AssignCustomerToPartnerPayload(
            customer_number=number, partner_id=partner, user_errors=[]
        )

"""updateCustomerAddress: change a customer's address in the ERP (workflows/customer_address)."""

from __future__ import annotations

import strawberry

from resolvers.context import Info
from resolvers.crm.actor import actor_of
from resolvers.crm.problems import user_errors
from resolvers.customers.erp_types import AddressRole
from resolvers.customers.types import Customer
from resolvers.errors import ErrorCode, UserError, user_error
from resolvers.permissions import Capability, requires
from resolvers.scoping import scope_errors
from workflows.customer_address import AddressChange, update_customer_address


@strawberry.input(description="A postal address; the country is an ISO 3166-1 alpha-2 code.")
class AddressInput:
    street: str | None = None
    city: str | None = None
    postal_code: str | None = None
    region: str | None = None
    country: str | None = None


@strawberry.input(description="Replace one of a customer's addresses in the ERP.")
class UpdateCustomerAddressInput:
    customer_number: str
    role: AddressRole
    address: AddressInput
    expected_version: str | None = strawberry.field(
        default=None,
        description="The customer's erpVersion as read; a changed customer gives CONFLICT.",
    )


@strawberry.type
class UpdateCustomerAddressPayload:
    customer: Customer | None
    user_errors: list[UserError]


@strawberry.type
class CustomerMutation:
    @strawberry.mutation(
        description=(
            "Write a customer's billing or shipping address to the ERP, note the change on the "
            "customer's history, and return the customer as the ERP now has it. userErrors: "
            "INVALID, NOT_FOUND, CONFLICT (stale expectedVersion; nothing written), "
            "ERP_REJECTED (the ERP's message), ERP_UNAVAILABLE (nothing written)."
        ),
        permission_classes=[requires(Capability.WRITE_CUSTOMERS)],
    )
    async def update_customer_address(
        self, info: Info, input: UpdateCustomerAddressInput
    ) -> UpdateCustomerAddressPayload:
        refused = await scope_errors(info, input.customer_number, "customerNumber")
        if refused:  # a partner (were it granted write:customers) only on its own customers
            return UpdateCustomerAddressPayload(customer=None, user_errors=refused)
        erp = info.context.erp
        if erp is None:
            problem = user_error(ErrorCode.ERP_UNAVAILABLE, "no ERP is configured")
            return UpdateCustomerAddressPayload(customer=None, user_errors=[problem])
        change = AddressChange(
            customer_number=input.customer_number,
            role=input.role.to_erp(),
            street=input.address.street,
            city=input.address.city,
            postal_code=input.address.postal_code,
            region=input.address.region,
            country=input.address.country,
            expected_version=input.expected_version,
        )
        outcome = await update_customer_address(
            info.context.uow, erp.gateway, change, actor=actor_of(info)
        )
        customer = Customer.from_erp(outcome.value) if outcome.value is not None else None
        return UpdateCustomerAddressPayload(
            customer=customer, user_errors=user_errors(outcome.problems)
        )

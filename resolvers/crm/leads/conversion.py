"""convertLead: a QUALIFIED lead becomes an ERP customer, once per idempotency key."""

from __future__ import annotations

import strawberry

from resolvers.context import Info
from resolvers.crm.actor import actor_of
from resolvers.crm.ids import row_id
from resolvers.crm.leads.types import Lead
from resolvers.crm.problems import not_found, user_errors
from resolvers.customers.types import Customer
from resolvers.errors import ErrorCode, UserError, user_error
from resolvers.permissions import Capability, requires
from workflows.lead_conversion import convert_lead


@strawberry.input(description="Convert a lead; retry with the same key after any failure.")
class ConvertLeadInput:
    lead_id: strawberry.ID
    idempotency_key: str = strawberry.field(
        description=(
            "Chosen by the client, unique per conversion (a UUID). A retry with the same key "
            "returns the same customer and never creates a second one."
        )
    )


@strawberry.type
class ConvertLeadPayload:
    lead: Lead | None
    customer: Customer | None
    user_errors: list[UserError]


@strawberry.type
class LeadConversionMutation:
    @strawberry.mutation(
        description=(
            "Create the ERP customer for a QUALIFIED lead (INVALID_TRANSITION otherwise), move "
            "the lead to CONVERTED and put its interactions on the customer. ERP_REJECTED "
            "carries the ERP's message; ERP_UNAVAILABLE leaves everything as it was."
        ),
        permission_classes=[requires(Capability.WRITE_LEADS), requires(Capability.WRITE_CUSTOMERS)],
    )
    async def convert_lead(self, info: Info, input: ConvertLeadInput) -> ConvertLeadPayload:
        key = row_id(input.lead_id, "Lead")
        if key is None:
            return ConvertLeadPayload(
                lead=None, customer=None, user_errors=not_found("lead", "leadId")
            )
        erp = info.context.erp
        if erp is None:
            problem = user_error(ErrorCode.ERP_UNAVAILABLE, "no ERP is configured")
            return ConvertLeadPayload(lead=None, customer=None, user_errors=[problem])
        outcome = await convert_lead(
            info.context.uow, erp.gateway, key, input.idempotency_key, actor=actor_of(info)
        )
        done = outcome.value
        if done is None:
            return ConvertLeadPayload(
                lead=None, customer=None, user_errors=user_errors(outcome.problems)
            )
        customer = (
            Customer.from_erp(done.customer)
            if done.customer is not None
            else Customer.from_number(done.customer_number)
        )
        return ConvertLeadPayload(lead=Lead.from_row(done.lead), customer=customer, user_errors=[])

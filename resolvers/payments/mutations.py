"""importPayments (GraphQL multipart upload), notice templates, and notice e-mail overrides."""

from __future__ import annotations

import strawberry
from email_validator import EmailNotValidError

from resolvers.context import Info
from resolvers.errors import ErrorCode, UserError, user_error
from resolvers.payments.imports import ImportPaymentsInput, ImportPaymentsPayload, run_import
from resolvers.payments.types import NoticeTemplate, uuid_of
from resolvers.permissions import Capability, requires
from resolvers.scoping import scope_errors
from workflows.payments.notices import clear_email_override, set_email_override
from workflows.payments.templates import TemplateInvalid, create_template, update_template


@strawberry.input(description="A new notice template; Jinja2 with `payment` and `customer`.")
class CreateNoticeTemplateInput:
    name: str
    subject: str
    body_text: str
    body_html: str | None = None
    is_default: bool = strawberry.field(
        default=False, description="Make it the template the sender uses."
    )


@strawberry.input(description="Changes to a notice template; parts left out stay as they are.")
class UpdateNoticeTemplateInput:
    id: strawberry.ID
    name: str | None = None
    subject: str | None = None
    body_text: str | None = None
    body_html: str | None = strawberry.field(
        default=None, description="An empty string removes the HTML part."
    )
    make_default: bool = False


@strawberry.type
class NoticeTemplatePayload:
    template: NoticeTemplate | None
    user_errors: list[UserError]


@strawberry.input(description="Where a customer's payment notices go instead of the ERP's address.")
class SetCustomerNoticeEmailInput:
    customer_number: str
    email: str | None = strawberry.field(
        description="The address; null sends notices to the ERP's address again."
    )


@strawberry.type
class SetCustomerNoticeEmailPayload:
    customer_number: str
    email: str | None = strawberry.field(description="The override now in force, normalised.")
    user_errors: list[UserError]


def _template_errors(exc: TemplateInvalid) -> list[UserError]:
    return [user_error(ErrorCode.INVALID, p.message, "input", p.field) for p in exc.problems]


@strawberry.type
class PaymentMutation:
    @strawberry.mutation(
        description=(
            "Import a payments CSV (GraphQL multipart request) and queue a notice for each new "
            "payment. A file with bad rows writes nothing unless skipInvalid; every bad row is "
            "named."
        ),
        permission_classes=[requires(Capability.WRITE_PAYMENTS)],
    )
    async def import_payments(
        self, info: Info, input: ImportPaymentsInput
    ) -> ImportPaymentsPayload:
        return await run_import(info, input)

    @strawberry.mutation(
        description="Create a notice template (checked: sizes and Jinja2 syntax).",
        permission_classes=[requires(Capability.MANAGE_TEMPLATES)],
    )
    async def create_notice_template(
        self, info: Info, input: CreateNoticeTemplateInput
    ) -> NoticeTemplatePayload:
        try:
            async with info.context.uow.session() as session:
                row = await create_template(
                    session,
                    name=input.name,
                    subject=input.subject,
                    body_text=input.body_text,
                    body_html=input.body_html,
                    is_default=input.is_default,
                )
        except TemplateInvalid as exc:
            return NoticeTemplatePayload(template=None, user_errors=_template_errors(exc))
        return NoticeTemplatePayload(template=NoticeTemplate.from_row(row), user_errors=[])

    @strawberry.mutation(
        description="Change a notice template (checked like a new one).",
        permission_classes=[requires(Capability.MANAGE_TEMPLATES)],
    )
    async def update_notice_template(
        self, info: Info, input: UpdateNoticeTemplateInput
    ) -> NoticeTemplatePayload:
        template_id = uuid_of(input.id, "NoticeTemplate")
        missing = [user_error(ErrorCode.NOT_FOUND, "no such notice template", "input", "id")]
        if template_id is None:
            return NoticeTemplatePayload(template=None, user_errors=missing)
        try:
            async with info.context.uow.session() as session:
                row = await update_template(
                    session,
                    template_id,
                    name=input.name,
                    subject=input.subject,
                    body_text=input.body_text,
                    body_html=input.body_html,
                    make_default=input.make_default,
                )
        except TemplateInvalid as exc:
            return NoticeTemplatePayload(template=None, user_errors=_template_errors(exc))
        if row is None:
            return NoticeTemplatePayload(template=None, user_errors=missing)
        return NoticeTemplatePayload(template=NoticeTemplate.from_row(row), user_errors=[])

    @strawberry.mutation(
        description="Send a customer's payment notices to this address instead of the ERP's.",
        permission_classes=[requires(Capability.WRITE_PAYMENTS)],
    )
    async def set_customer_notice_email(
        self, info: Info, input: SetCustomerNoticeEmailInput
    ) -> SetCustomerNoticeEmailPayload:
        number = input.customer_number.strip()
        refused = await scope_errors(info, number, "customerNumber")
        if refused:  # partners hold no write:payments; refused all the same
            return SetCustomerNoticeEmailPayload(
                customer_number=number, email=None, user_errors=refused
            )
        fetched = None
        if number and len(number) <= 64:
            fetched = await info.context.loaders.customer_by_number.load(number)
        if fetched is None:
            return SetCustomerNoticeEmailPayload(
                customer_number=number,
                email=None,
                user_errors=[
                    user_error(ErrorCode.NOT_FOUND, "no such customer", "input", "customerNumber")
                ],
            )
        if input.email is None or not input.email.strip():
            async with info.context.uow.session() as session:
                await clear_email_override(session, number)
            return SetCustomerNoticeEmailPayload(customer_number=number, email=None, user_errors=[])
        try:
            async with info.context.uow.session() as session:
                email = await set_email_override(session, number, input.email.strip())
        except EmailNotValidError as exc:
            return SetCustomerNoticeEmailPayload(
                customer_number=number,
                email=None,
                user_errors=[user_error(ErrorCode.INVALID, str(exc), "input", "email")],
            )
        return SetCustomerNoticeEmailPayload(customer_number=number, email=email, user_errors=[])

"""Reading payments, notice templates, and previewing a notice without sending it."""

from __future__ import annotations

import uuid
from dataclasses import replace

import strawberry

from crm_store.models.payments import NoticeStatus as StoredStatus
from crm_store.repositories.payments import PaymentFilter, PaymentRepository
from crm_store.repositories.templates import NoticeTemplateRepository
from erp_gateway.errors import ErpUnavailable
from resolvers.context import Info
from resolvers.errors import BadUserInput, ErrorCode, FrontdeskError, NotFound
from resolvers.node import Node
from resolvers.pagination import Connection, connection, decode_cursor, page_size
from resolvers.payments.paging import payment_connection, payment_key
from resolvers.payments.types import NoticePreview, NoticeStatus, NoticeTemplate, Payment, uuid_of
from resolvers.permissions import Capability, require, requires, visible_customers
from resolvers.scoping import only_visible
from workflows.payments.notices import NoticeNotPreviewable, preview_with_recipient
from workflows.payments.templates import NoticeRenderError, list_templates

SEARCH_LIMIT = 100


async def load_payment_node(info: Info, key: str) -> Node | None:
    """``node(id)`` for ``Payment:<uuid>`` (needs read:payments)."""
    require(info, Capability.READ_PAYMENTS)
    payment_id = uuid_of_key(key)
    if payment_id is None:
        return None
    row = await info.context.loaders.payment_by_id.load(payment_id)
    return Payment.from_row(row) if row is not None else None


def uuid_of_key(key: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(key)
    except ValueError:
        return None


@strawberry.type
class PaymentQuery:
    @strawberry.field(
        description="A payment by id; null when there is none.",
        permission_classes=[requires(Capability.READ_PAYMENTS)],
    )
    async def payment(self, info: Info, id: strawberry.ID) -> Payment | None:
        payment_id = uuid_of(id, "Payment")
        if payment_id is None:
            return None
        row = await info.context.loaders.payment_by_id.load(payment_id)
        return await only_visible(info, Payment.from_row(row) if row is not None else None)

    @strawberry.field(
        description=(
            "Payments, newest value date first: of one customer, whose reference or remittance "
            "contains `search`, whose notice has `status`."
        ),
        permission_classes=[requires(Capability.READ_PAYMENTS)],
    )
    async def payments(
        self,
        info: Info,
        customer_number: str | None = None,
        search: str | None = None,
        status: NoticeStatus | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Payment]:
        size = page_size(first)
        if search is not None and len(search) > SEARCH_LIMIT:
            raise BadUserInput(f"`search` is longer than {SEARCH_LIMIT} characters")
        where = PaymentFilter(
            customer_number=customer_number,
            search=search or None,
            notice_status=StoredStatus(status.value) if status is not None else None,
        )
        key = payment_key(after)
        scope = await visible_customers(info)
        if scope is not None:  # partners hold no read:payments; filtered all the same
            where = replace(where, customer_numbers=scope)
        async with info.context.uow.session() as session:
            rows, total = await PaymentRepository(session).page(where, limit=size, after=key)
        return payment_connection(rows, first=size, after=after, total=total)

    @strawberry.field(
        description="The notice templates, by name.",
        permission_classes=[requires(Capability.READ_PAYMENTS)],
    )
    async def notice_templates(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[NoticeTemplate]:
        size = page_size(first)
        values = decode_cursor(after, arity=1)
        offset = 0
        if values is not None:
            if not isinstance(values[0], int) or values[0] < 0:
                raise BadUserInput("`after` is not a cursor this list gave out")
            offset = values[0] + 1
        async with info.context.uow.session() as session:
            rows = list(await list_templates(session))
        numbered = list(enumerate(rows))[offset : offset + size + 1]
        return connection(
            numbered,
            first=size,
            after=after,
            total_count=len(rows),
            cursor_of=lambda item: [item[0]],
            node_of=lambda item: NoticeTemplate.from_row(item[1]),
        )

    @strawberry.field(
        description=(
            "Render a payment's notice with a template (the default one unless named) for its "
            "customer as the ERP knows it now; nothing is sent."
        ),
        permission_classes=[requires(Capability.READ_PAYMENTS)],
    )
    async def preview_payment_notice(
        self, info: Info, payment_id: strawberry.ID, template_id: strawberry.ID | None = None
    ) -> NoticePreview:
        payment_uuid = uuid_of(payment_id, "Payment")
        if payment_uuid is None:
            raise NotFound("no such payment")
        template_uuid = uuid_of(template_id, "NoticeTemplate")
        if template_id is not None and template_uuid is None:
            raise NotFound("no such notice template")
        erp = info.context.erp
        if erp is None:
            raise FrontdeskError("no ERP is configured", code=ErrorCode.ERP_UNAVAILABLE)
        try:
            async with info.context.uow.session() as session:
                preview = await preview_with_recipient(
                    session, erp.gateway, payment_uuid, template_uuid
                )
        except NoticeNotPreviewable as exc:
            raise NotFound(str(exc)) from exc
        except NoticeRenderError as exc:
            raise FrontdeskError(
                f"the template does not render: {exc}", code=ErrorCode.INVALID
            ) from exc
        except ErpUnavailable as exc:
            raise FrontdeskError("the ERP is unavailable", code=ErrorCode.ERP_UNAVAILABLE) from exc
        return NoticePreview(
            subject=preview.notice.subject,
            text=preview.notice.text,
            html=preview.notice.html,
            recipient=preview.recipient,
            recipient_problem=preview.recipient_problem,
        )


async def load_notice_template_node(info: Info, key: str) -> Node | None:
    """``node(id)`` for ``NoticeTemplate:<uuid>`` (needs read:payments, as the list)."""
    require(info, Capability.READ_PAYMENTS)
    template_id = uuid_of_key(key)
    if template_id is None:
        return None
    async with info.context.uow.session() as session:
        row = await NoticeTemplateRepository(session).get(template_id)
    return NoticeTemplate.from_row(row) if row is not None else None

"""Payment notice templates: sandboxed Jinja2 rendering, validation, create/update/list.

Templates are written by users, so they render in Jinja2's ``ImmutableSandboxedEnvironment``
(the sandbox, which also forbids changing lists and dicts): the context holds plain dicts and
strings only (never ORM rows or ERP records), attributes that start with an underscore raise
``SecurityError``, and an unknown variable raises instead of rendering as nothing
(``StrictUndefined``). Whatever a template raises while rendering becomes
``NoticeRenderError``. The HTML part autoescapes; the subject and the text
part do not (they are not HTML).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from crm_store.models.payments import NoticeTemplateRow
from crm_store.repositories.templates import NoticeTemplateRepository
from workflows.payments.money import format_amount, plain_amount

if TYPE_CHECKING:
    import uuid
    from collections.abc import Sequence

    from jinja2 import Template
    from sqlalchemy.ext.asyncio import AsyncSession

    from crm_store.models.payments import PaymentRow
    from erp_gateway.records import Address, ErpCustomer

NAME_LIMIT = 100
SUBJECT_LIMIT = 500
BODY_LIMIT = 100_000
OUTPUT_LIMIT = 1_000_000
"""Characters one rendered part may reach; a runaway loop stops there instead of filling memory."""
RANGE_LIMIT = 10_000
"""The largest ``range()`` a template may build (the sandbox's own limit is 100,000)."""


class NoticeRenderError(Exception):
    """A template cannot render (syntax, unknown variable, sandbox refusal): permanent."""


@dataclass(frozen=True, slots=True)
class TemplateProblem:
    """One field of a template that is not acceptable, and why."""

    field: str
    message: str


class TemplateInvalid(Exception):
    def __init__(self, problems: Sequence[TemplateProblem]) -> None:
        super().__init__("; ".join(f"{p.field}: {p.message}" for p in problems))
        self.problems = list(problems)


@dataclass(frozen=True, slots=True)
class RenderedNotice:
    subject: str
    text: str
    html: str | None


def _range(*args: int) -> range:
    numbers = range(*args)
    if len(numbers) > RANGE_LIMIT:
        raise OverflowError(f"range() of more than {RANGE_LIMIT} numbers")
    return numbers


@functools.cache
def _environment(*, html: bool) -> ImmutableSandboxedEnvironment:
    environment = ImmutableSandboxedEnvironment(
        autoescape=html,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    environment.globals["range"] = _range
    return environment


def _render_limited(template: Template, context: dict[str, Any]) -> str:
    parts: list[str] = []
    size = 0
    for chunk in template.generate(context):
        size += len(chunk)
        if size > OUTPUT_LIMIT:
            raise OverflowError(f"output longer than {OUTPUT_LIMIT} characters")
        parts.append(chunk)
    return "".join(parts)


@functools.lru_cache(maxsize=256)
def _compile(source: str, *, html: bool) -> Template:
    return _environment(html=html).from_string(source)


def _address(address: Address | None) -> dict[str, str | None]:
    keys = ("street", "city", "postal_code", "region", "country")
    return {key: getattr(address, key) if address else None for key in keys}


def _address_lines(address: Address | None) -> list[str]:
    if address is None:
        return []
    town = " ".join(p for p in (address.postal_code, address.city) if p)
    parts = (address.street, town, address.region, address.country)
    return [p for p in parts if p]


def customer_context(customer: ErpCustomer) -> dict[str, Any]:
    """The ERP record as the template sees it: plain values, billing address first."""
    address = customer.billing_address or customer.shipping_address
    return {
        "number": customer.number,
        "name": customer.name,
        "tax_id": customer.tax_id,
        "email": customer.email,
        "address": _address(address),
        "address_lines": _address_lines(address),
    }


def payment_context(payment: PaymentRow) -> dict[str, Any]:
    """The payment as the template sees it; ``amount`` is formatted for its currency."""
    return {
        "reference": payment.reference,
        "amount": format_amount(payment.amount, payment.currency),
        "amount_value": plain_amount(payment.amount, payment.currency),
        "currency": payment.currency,
        "method": payment.method.value.lower(),
        "value_date": payment.value_date.isoformat(),
        "remittance": payment.remittance or "",
        "customer_number": payment.customer_number,
    }


def render(
    template: NoticeTemplateRow, *, payment: dict[str, Any], customer: dict[str, Any]
) -> RenderedNotice:
    """Render the three parts; ``NoticeRenderError`` says which part failed and why."""
    context = {"payment": payment, "customer": customer}

    def part(name: str, source: str, *, html: bool) -> str:
        try:
            return _render_limited(_compile(source, html=html), context)
        except Exception as exc:  # a user's template may raise anything: it is their error
            raise NoticeRenderError(f"{name}: {type(exc).__name__}: {exc}") from exc

    subject = " ".join(part("subject", template.subject, html=False).split())
    text = part("body_text", template.body_text, html=False)
    html = part("body_html", template.body_html, html=True) if template.body_html else None
    return RenderedNotice(subject=subject, text=text, html=html)


def check_template(
    *, name: str, subject: str, body_text: str, body_html: str | None
) -> list[TemplateProblem]:
    """Every problem a template would have before it is stored (sizes and syntax)."""
    problems: list[TemplateProblem] = []
    limits = {"name": (name, NAME_LIMIT), "subject": (subject, SUBJECT_LIMIT)}
    limits |= {"bodyText": (body_text, BODY_LIMIT), "bodyHtml": (body_html or "", BODY_LIMIT)}
    for field, (value, limit) in limits.items():
        if len(value) > limit:
            problems.append(TemplateProblem(field, f"longer than {limit} characters"))
    for field, value in (("name", name), ("subject", subject), ("bodyText", body_text)):
        if not value.strip():
            problems.append(TemplateProblem(field, "is empty"))
    if re.search(r"[\r\n]", name):
        problems.append(TemplateProblem("name", "has a line break"))
    sources = {"subject": subject, "bodyText": body_text, "bodyHtml": body_html or ""}
    for field, source in sources.items():
        try:
            _environment(html=field == "bodyHtml").parse(source)
        except TemplateError as exc:
            problems.append(TemplateProblem(field, f"template syntax: {exc}"))
    return problems


async def list_templates(session: AsyncSession) -> Sequence[NoticeTemplateRow]:
    return await NoticeTemplateRepository(session).all()


async def create_template(
    session: AsyncSession,
    *,
    name: str,
    subject: str,
    body_text: str,
    body_html: str | None = None,
    is_default: bool = False,
) -> NoticeTemplateRow:
    """Validate and store a template; ``TemplateInvalid`` lists every problem."""
    repository = NoticeTemplateRepository(session)
    problems = check_template(name=name, subject=subject, body_text=body_text, body_html=body_html)
    if await repository.by_name(name) is not None:
        problems.append(TemplateProblem("name", f"a template named {name!r} exists"))
    if problems:
        raise TemplateInvalid(problems)
    row = NoticeTemplateRow(
        name=name,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        is_default=is_default,
    )
    return await repository.add(row)


async def update_template(
    session: AsyncSession,
    template_id: uuid.UUID,
    *,
    name: str | None = None,
    subject: str | None = None,
    body_text: str | None = None,
    body_html: str | None = None,
    make_default: bool = False,
) -> NoticeTemplateRow | None:
    """Change the given parts of a template; None when there is no such template."""
    repository = NoticeTemplateRepository(session)
    row = await repository.get(template_id)
    if row is None:
        return None
    new_name = row.name if name is None else name
    new_subject = row.subject if subject is None else subject
    new_text = row.body_text if body_text is None else body_text
    new_html = row.body_html if body_html is None else (body_html or None)
    problems = check_template(
        name=new_name, subject=new_subject, body_text=new_text, body_html=new_html
    )
    if new_name != row.name and await repository.by_name(new_name) is not None:
        problems.append(TemplateProblem("name", f"a template named {new_name!r} exists"))
    if problems:
        raise TemplateInvalid(problems)
    row.name, row.subject, row.body_text, row.body_html = (
        new_name,
        new_subject,
        new_text,
        new_html,
    )
    if make_default:
        await repository.make_default(row)
    await session.flush()
    return row

import datetime as dt
import re
import uuid
from decimal import Decimal

import pytest

from crm_store.models.payments import NoticeTemplateRow, PaymentMethod, PaymentRow
from tests.support.databases import Store
from tests.support.static_erp import customer
from workflows.payments.templates import (
    NoticeRenderError,
    TemplateInvalid,
    create_template,
    customer_context,
    list_templates,
    payment_context,
    render,
    update_template,
)


def a_payment(**changes: object) -> PaymentRow:
    values: dict[str, object] = {
        "id": uuid.uuid4(),
        "source": "acme",
        "reference": "PAY-7",
        "customer_number": "C001",
        "amount": Decimal("1234.5"),
        "currency": "EUR",
        "method": PaymentMethod.WIRE,
        "value_date": dt.date(2026, 11, 20),
        "remittance": "Invoice 42",
    }
    values.update(changes)
    return PaymentRow(**values)


def render_text(body: str, *, name: str = "Dupont SA", html: str | None = None) -> str:
    template = NoticeTemplateRow(name="t", subject="s", body_text=body, body_html=html)
    notice = render(
        template,
        payment=payment_context(a_payment()),
        customer=customer_context(customer("C001", name, "ap@dupont.example")),
    )
    return notice.html if html is not None else notice.text  # type: ignore[return-value]


def test_the_context_offers_the_payment_and_the_customer() -> None:
    body = (
        "{{ customer.name }} ({{ customer.number }}), {{ customer.address_lines|join(', ') }}: "
        "{{ payment.reference }} {{ payment.amount }} by {{ payment.method }} "
        "on {{ payment.value_date }} for {{ payment.remittance }}"
    )
    assert render_text(body) == (
        "Dupont SA (C001), 1 rue de la Paix, 69001 Lyon, FR: "
        "PAY-7 1,234.50 EUR by wire on 2026-11-20 for Invoice 42"
    )


@pytest.mark.parametrize(
    ("amount", "currency", "shown"),
    [
        ("5", "JPY", "5 JPY"),
        ("10.125", "KWD", "10.125 KWD"),
        ("1000000", "USD", "1,000,000.00 USD"),
    ],
)
def test_amounts_show_the_currency_s_decimals(amount: str, currency: str, shown: str) -> None:
    context = payment_context(a_payment(amount=Decimal(amount), currency=currency))
    assert context["amount"] == shown
    assert context["amount_value"] == shown.split()[0].replace(",", "")


@pytest.mark.parametrize(
    ("trick", "error"),
    [
        ("{{ payment.__class__.__mro__ }}", "SecurityError: access to attribute '__class__'"),
        ("{{ ''.__class__.__subclasses__() }}", "SecurityError: access to attribute '__class__'"),
        ("{{ payment|attr('__class__') }}", "SecurityError: access to attribute '__class__'"),
        ("{{ '{0.__class__}'.format(payment) }}", "SecurityError: access to attribute '__class__'"),
        ("{{ lipsum.__globals__ }}", "SecurityError: access to attribute '__globals__'"),
        ("{{ cycler.__init__.__globals__.os }}", "SecurityError: access to attribute '__init__'"),
        ("{{ self.__init__.__globals__ }}", "SecurityError: access to attribute '__init__'"),
        ("{{ customer.name.__len__() }}", "SecurityError: access to attribute '__len__'"),
        ("{{ payment.update(reference='x') }}", "SecurityError: access to attribute 'update'"),
        ("{{ config }}", "UndefinedError: 'config' is undefined"),
        ("{{ request.environ }}", "UndefinedError: 'request' is undefined"),
        ("{{ payment._sa_instance_state }}", "UndefinedError: 'dict object' has no attribute"),
        ("{{ customer.balance }}", "UndefinedError: 'dict object' has no attribute 'balance'"),
        ("{{ range(10**9)|list }}", "OverflowError: range() of more than 10000 numbers"),
        (
            "{% for i in range(9999) %}{% for j in range(9999) %}xxxxxxxx{% endfor %}{% endfor %}",
            "OverflowError: output longer than 1000000 characters",
        ),
    ],
)
def test_template_tricks_cannot_read_outside_the_context(trick: str, error: str) -> None:
    with pytest.raises(NoticeRenderError, match="^body_text: " + re.escape(error)):
        render_text(f"Hello {trick}")


def test_the_html_part_escapes_the_customer_s_name_and_the_text_part_does_not() -> None:
    name = '<script>alert("x")</script> & Co'
    html = render_text("", name=name, html="<p>Dear {{ customer.name }}</p>")
    assert html == "<p>Dear &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; Co</p>"
    assert render_text("Dear {{ customer.name }}", name=name) == f"Dear {name}"


async def test_the_default_template_ships_with_the_store(store: Store) -> None:
    async with store.sessionmaker() as session:
        (default,) = await list_templates(session)
    assert default.is_default
    notice = render(
        default,
        payment=payment_context(a_payment()),
        customer=customer_context(customer("C001", "Dupont <SA>", "ap@dupont.example")),
    )
    assert notice.subject == "Payment PAY-7: 1,234.50 EUR is on its way"
    assert "Dear Dupont <SA>," in notice.text
    assert "Remittance: Invoice 42" in notice.text
    assert notice.html is not None
    assert "Dear Dupont &lt;SA&gt;," in notice.html


async def test_templates_are_created_listed_updated_and_one_is_the_default(store: Store) -> None:
    async with store.sessionmaker() as session, session.begin():
        created = await create_template(
            session,
            name="Short",
            subject="Paid: {{ payment.amount }}",
            body_text="{{ payment.reference }}",
            is_default=True,
        )
    async with store.sessionmaker() as session, session.begin():
        names = [(t.name, t.is_default) for t in await list_templates(session)]
        assert names == [("Default payment notice", False), ("Short", True)]
        updated = await update_template(
            session, created.id, body_html="<b>{{ payment.amount }}</b>"
        )
        assert updated is not None
        assert updated.body_html == "<b>{{ payment.amount }}</b>"
        (first,) = [t for t in await list_templates(session) if t.name != "Short"]
        await update_template(session, first.id, make_default=True)
    async with store.sessionmaker() as session:
        defaults = [t.name for t in await list_templates(session) if t.is_default]
    assert defaults == ["Default payment notice"]


async def test_a_template_with_errors_is_refused_with_every_problem(store: Store) -> None:
    async with store.sessionmaker() as session, session.begin():
        with pytest.raises(TemplateInvalid) as caught:
            await create_template(
                session,
                name="Default payment notice",
                subject="{{ payment.amount",
                body_text=" ",
                body_html="{% if %}",
            )
        assert await update_template(session, uuid.uuid4(), name="x") is None
    assert [p.field for p in caught.value.problems] == ["bodyText", "subject", "bodyHtml", "name"]

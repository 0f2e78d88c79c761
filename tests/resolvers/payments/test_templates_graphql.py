"""Notice templates over GraphQL: create, update (checked), list, preview, e-mail override."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.support.crm import mutate
from tests.support.graphql import gql
from tests.support.notices import demo_amount, demo_payments_csv, import_file
from workflows.payments.money import format_amount

if TYPE_CHECKING:
    import httpx

    from tests.support.erp import DemoErp
    from tests.support.security import ClientFor

CREATE = """
mutation($input: CreateNoticeTemplateInput!) {
  createNoticeTemplate(input: $input) {
    template { id name subject isDefault }
    userErrors { field code message }
  }
}"""

UPDATE = """
mutation($input: UpdateNoticeTemplateInput!) {
  updateNoticeTemplate(input: $input) {
    template { id name subject bodyHtml isDefault }
    userErrors { field code message }
  }
}"""

TEMPLATES = """
query($first: Int, $after: String) {
  noticeTemplates(first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { name isDefault } }
  }
}"""

PREVIEW = """
query($paymentId: ID!, $templateId: ID) {
  previewPaymentNotice(paymentId: $paymentId, templateId: $templateId) {
    subject text html recipient recipientProblem
  }
}"""

SET_EMAIL = """
mutation($input: SetCustomerNoticeEmailInput!) {
  setCustomerNoticeEmail(input: $input) {
    customerNumber email userErrors { field code message }
  }
}"""

FIRST_PAYMENT = 'query { payments(customerNumber: "C10001") { edges { node { id } } } }'


async def _first_payment(client: httpx.AsyncClient) -> str:
    body = await gql(client, FIRST_PAYMENT)
    payment_id: str = body["data"]["payments"]["edges"][0]["node"]["id"]
    return payment_id


async def _create(client: httpx.AsyncClient, **fields: Any) -> dict[str, Any]:
    return await mutate(client, CREATE, "createNoticeTemplate", fields)


async def test_templates_are_checked_before_they_are_stored(client: httpx.AsyncClient) -> None:
    broken = await _create(
        client, name="Broken", subject="{{ payment.reference", bodyText="{% if %}"
    )
    assert broken["template"] is None
    fields = sorted(tuple(e["field"]) for e in broken["userErrors"])
    assert fields == [("input", "bodyText"), ("input", "subject")]
    assert {e["code"] for e in broken["userErrors"]} == {"INVALID"}

    made = await _create(
        client,
        name="Short",
        subject="Paid: {{ payment.amount }}",
        bodyText="Hi {{ customer.name }}",
    )
    assert made["userErrors"] == []
    again = await _create(client, name="Short", subject="x", bodyText="y")
    assert again["userErrors"][0]["field"] == ["input", "name"]

    template_id = made["template"]["id"]
    bad = await mutate(
        client, UPDATE, "updateNoticeTemplate", {"id": template_id, "bodyHtml": "{% for %}"}
    )
    assert bad["userErrors"][0]["field"] == ["input", "bodyHtml"]
    changed = await mutate(
        client,
        UPDATE,
        "updateNoticeTemplate",
        {"id": template_id, "bodyHtml": "<p>{{ customer.name }}</p>", "makeDefault": True},
    )
    assert changed["userErrors"] == []
    assert changed["template"]["isDefault"] is True

    listed = await gql(client, TEMPLATES, {"first": 1})
    page = listed["data"]["noticeTemplates"]
    assert page["totalCount"] == 2
    assert page["pageInfo"]["hasNextPage"] is True
    rest = await gql(client, TEMPLATES, {"first": 5, "after": page["pageInfo"]["endCursor"]})
    names = [e["node"]["name"] for e in page["edges"] + rest["data"]["noticeTemplates"]["edges"]]
    assert names == ["Default payment notice", "Short"]
    defaults = [
        e["node"]["isDefault"] for e in page["edges"] + rest["data"]["noticeTemplates"]["edges"]
    ]
    assert defaults == [False, True]


async def test_preview_renders_for_the_customer_and_sends_nothing(
    client: httpx.AsyncClient, demo_erp: DemoErp
) -> None:
    await import_file(client, demo_payments_csv(1))
    payment_id = await _first_payment(client)
    customer = (await demo_erp.adapter().get_customers(["C10001"]))["C10001"]

    body = await gql(client, PREVIEW, {"paymentId": payment_id})
    preview = body["data"]["previewPaymentNotice"]
    amount = format_amount(demo_amount(0), "EUR")
    assert preview["subject"] == f"Payment PN-0000: {amount} is on its way"
    assert f"Dear {customer.name}," in preview["text"]
    assert preview["recipient"] == customer.email
    assert preview["html"] is not None

    sneaky = await _create(
        client,
        name="Sneaky",
        subject="{{ payment.__class__ }}",
        bodyText="{{ customer.name }}",
    )
    body = await gql(
        client,
        PREVIEW,
        {"paymentId": payment_id, "templateId": sneaky["template"]["id"]},
        expect_errors=True,
    )
    assert body["errors"][0]["extensions"]["code"] == "INVALID"
    assert body["data"] is None

    status = await gql(client, "query { payments { edges { node { noticeStatus } } } }")
    assert status["data"]["payments"]["edges"][0]["node"]["noticeStatus"] == "QUEUED"


async def test_an_e_mail_override_redirects_the_customer_s_notices(
    client: httpx.AsyncClient,
) -> None:
    await import_file(client, demo_payments_csv(1))
    payment_id = await _first_payment(client)
    bad = await mutate(
        client,
        SET_EMAIL,
        "setCustomerNoticeEmail",
        {"customerNumber": "C10001", "email": "not an address"},
    )
    assert bad["userErrors"][0]["field"] == ["input", "email"]
    unknown = await mutate(
        client,
        SET_EMAIL,
        "setCustomerNoticeEmail",
        {"customerNumber": "C99999", "email": "ap@example.com"},
    )
    assert unknown["userErrors"][0]["code"] == "NOT_FOUND"
    done = await mutate(
        client,
        SET_EMAIL,
        "setCustomerNoticeEmail",
        {"customerNumber": "C10001", "email": "AP@Example.COM"},
    )
    assert done["userErrors"] == []
    assert done["email"] == "AP@example.com"
    body = await gql(client, PREVIEW, {"paymentId": payment_id})
    assert body["data"]["previewPaymentNotice"]["recipient"] == "AP@example.com"

    cleared = await mutate(
        client, SET_EMAIL, "setCustomerNoticeEmail", {"customerNumber": "C10001", "email": None}
    )
    assert cleared["email"] is None
    body = await gql(client, PREVIEW, {"paymentId": payment_id})
    assert body["data"]["previewPaymentNotice"]["recipient"].startswith("accounts@")


async def test_templates_need_manage_templates(client_for: ClientFor) -> None:
    service = await client_for("service")
    body = await gql(
        service,
        CREATE,
        {"input": {"name": "X", "subject": "x", "bodyText": "y"}},
        expect_errors=True,
    )
    assert body["errors"][0]["extensions"]["needs"] == "manage:templates"
    listed = await gql(service, TEMPLATES)
    assert listed["data"]["noticeTemplates"]["totalCount"] == 1

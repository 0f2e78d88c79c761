"""Payment notices end to end through the app: a CSV uploaded over GraphQL multipart becomes
e-mails on a real SMTP server and PAYMENT_NOTICE interactions on the customers' histories."""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any

from tests.support.erp import DemoErp
from tests.support.graphql import gql
from tests.support.notices import (
    NoticesApp,
    demo_amount,
    demo_payments_csv,
    eventually,
    import_file,
)
from workflows.payments.money import format_amount

COUNT = 200

HISTORY = """
query($after: String) {
  customers(first: 50, after: $after) {
    pageInfo { endCursor }
    edges { node {
      number
      interactions(kind: PAYMENT_NOTICE, first: 2) {
        totalCount edges { node { subject direction } }
      }
      payments(first: 2) {
        totalCount
        edges { node { reference noticeStatus noticeSentAt amount { amount currency } } }
      }
    } }
  }
}"""

QUEUED = "query { payments(status: QUEUED) { totalCount } }"


def _text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


async def _histories(app: NoticesApp, count: int) -> list[dict[str, Any]]:
    """The first ``count`` customers with their notice history and payments, 50 a page."""
    nodes: list[dict[str, Any]] = []
    after = None
    while len(nodes) < count:
        body = await gql(app.client, HISTORY, {"after": after})
        page = body["data"]["customers"]
        nodes += [edge["node"] for edge in page["edges"]]
        after = page["pageInfo"]["endCursor"]
    return nodes[:count]


async def _all_settled(app: NoticesApp) -> bool:
    body = await gql(app.client, QUEUED)
    return bool(body["data"]["payments"]["totalCount"] == 0)


async def test_a_csv_of_200_payments_becomes_200_e_mails_and_200_history_entries(
    notices_app: NoticesApp, demo_erp: DemoErp
) -> None:
    data = demo_payments_csv(COUNT)
    payload = await import_file(notices_app.client, data, source="bank")
    assert payload["imported"] == COUNT
    assert payload["alreadyThere"] == 0
    assert payload["userErrors"] == []

    inbox = notices_app.smtp.inbox
    await eventually(lambda: _all_settled(notices_app))
    assert len(inbox.messages) == COUNT

    numbers = [f"C{10001 + n}" for n in range(COUNT)]
    customers = await demo_erp.adapter().get_customers(numbers)
    by_recipient = {str(m["To"]): m for m in inbox.messages}
    for n, number in enumerate(numbers):
        customer = customers[number]
        assert customer.email is not None
        message = by_recipient[customer.email]
        text = _text(message)
        amount = format_amount(demo_amount(n), "EUR")
        assert f"PN-{n:04d}" in str(message["Subject"])
        assert amount in str(message["Subject"])
        assert f"Dear {customer.name}," in text
        assert amount in text

    nodes = await _histories(notices_app, COUNT)
    assert [node["number"] for node in nodes] == numbers
    for n, node in enumerate(nodes):
        assert node["interactions"]["totalCount"] == 1
        entry = node["interactions"]["edges"][0]["node"]
        assert entry["direction"] == "OUTBOUND"
        assert f"PN-{n:04d}" in entry["subject"]
        payments = node["payments"]
        assert payments["totalCount"] == 1
        payment = payments["edges"][0]["node"]
        assert payment["reference"] == f"PN-{n:04d}"
        assert payment["noticeStatus"] == "SENT"
        assert payment["noticeSentAt"] is not None
        assert payment["amount"] == {"amount": f"{demo_amount(n):.2f}", "currency": "EUR"}

    again = await import_file(notices_app.client, data, source="bank")
    assert again["imported"] == 0
    assert again["alreadyThere"] == COUNT
    # The sender has had many passes' time to send anything it would: nothing more goes out.
    await eventually(lambda: _all_settled(notices_app))
    totals = {node["interactions"]["totalCount"] for node in await _histories(notices_app, COUNT)}
    assert totals == {1}
    assert len(inbox.messages) == COUNT


async def test_notices_wait_while_the_smtp_server_is_down_and_none_is_lost(
    notices_app: NoticesApp,
) -> None:
    notices_app.smtp.stop()
    payload = await import_file(notices_app.client, demo_payments_csv(5), source="bank")
    assert payload["imported"] == 5

    async def retried() -> bool:
        body = await gql(
            notices_app.client,
            "query { payments(status: QUEUED) { edges { node { noticeError } } } }",
        )
        errors = [e["node"]["noticeError"] for e in body["data"]["payments"]["edges"]]
        return len(errors) == 5 and all(errors)

    await eventually(retried)
    assert notices_app.smtp.inbox.messages == []
    notices_app.smtp.start()
    await eventually(lambda: _all_settled(notices_app))
    assert len(notices_app.smtp.inbox.messages) == 5
    body = await gql(notices_app.client, "query { payments(status: SENT) { totalCount } }")
    assert body["data"]["payments"]["totalCount"] == 5


async def test_the_sender_s_counters_are_on_the_metrics_page(notices_app: NoticesApp) -> None:
    await import_file(notices_app.client, demo_payments_csv(3), source="bank")
    await eventually(lambda: _all_settled(notices_app))
    response = await notices_app.client.get("/metrics")
    assert response.status_code == 200
    lines = response.text.splitlines()
    assert "frontdesk_payment_notices_sent_total 3.0" in lines
    assert "frontdesk_payment_notices_queued 0.0" in lines
    assert any(line.startswith("frontdesk_payment_notices_outbox_age_seconds ") for line in lines)

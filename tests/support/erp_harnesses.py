"""Conformance harnesses for the sql adapter (a demo ERP copy) and the live Tryton.

Registered in ``tests/support/erp_adapters.py`` (``ADAPTERS``) like the others.

* ``sql``: the seed goes into this test's copy of the demo ERP (numbers ``S0001`` ...); the
  ERP's requests are the SQL statements the adapter's engine runs; cutting the ERP off takes
  the database file away; the demo ERP refuses a customer without a name.
* ``tryton``: the seed becomes parties of this test's own in the shared live server (unique
  codes; the seeded C1001 ... stay untouched); e-mails are written to the server's SQLite file
  directly, because Tryton checks an e-mail's domain in DNS, unreachable here, for the same
  reason the creation draft carries no e-mail; cutting the ERP off stops ``trytond`` (and starts
  it again); Tryton refuses an invalid EU VAT number.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
import uuid
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from sqlalchemy import event

from erp_gateway.adapters.tryton import TrytonGateway
from erp_gateway.records import Address, NewCustomer
from tests.support.erp_adapters import ON_HOLD, SEED, AdapterHarness

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

    from tests.support.erp import DemoErp
    from tests.support.tryton import TrytonServer

MUNICH = Address(street="Marienplatz 1", city="München", postal_code="80331", country="DE")


@pytest.fixture
async def erp_harness_sql(demo_erp: DemoErp) -> AsyncIterator[AdapterHarness]:
    numbers = [f"S{index + 1:04d}" for index in range(len(SEED))]
    with sqlite3.connect(demo_erp.path) as connection:
        connection.executemany(
            "INSERT INTO debtor (number, name, vat, email, blocked, block_reason, currency)"
            " VALUES (?, ?, ?, ?, ?, ?, 'EUR')",
            [
                (
                    number,
                    seed.name,
                    seed.tax_id,
                    seed.email,
                    int(index in ON_HOLD),
                    "blocked in the ERP" if index in ON_HOLD else None,
                )
                for index, (number, seed) in enumerate(zip(numbers, SEED, strict=True))
            ],
        )
    connection.close()
    gateway = demo_erp.adapter()
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    event.listen(gateway.engine.sync_engine, "before_cursor_execute", count)

    @contextlib.contextmanager
    def unreachable() -> Iterator[None]:
        demo_erp.take_down()
        try:
            yield
        finally:
            demo_erp.bring_back()

    yield AdapterHarness(
        name="sql",
        gateway=gateway,
        numbers=tuple(numbers),
        calls=lambda: len(statements),
        calls_per_batch=1,
        unreachable=unreachable,
        rejected_draft=NewCustomer(name=""),
        address=MUNICH,
    )
    await gateway.close()


class _CountingTransport(httpx.AsyncBaseTransport):
    """httpx's real transport, counting the requests that reached the server."""

    def __init__(self) -> None:
        self._inner = httpx.AsyncHTTPTransport()
        self.requests = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self._inner.handle_async_request(request)
        self.requests += 1
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()


def _add_emails(tryton: TrytonServer, emails: dict[str, str]) -> None:
    """Store e-mail contact mechanisms straight in the live server's SQLite file."""
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat(sep=" ")
    path = tryton.directory / f"{tryton.database}.sqlite"
    with sqlite3.connect(path, timeout=30) as connection:
        for code, email in emails.items():
            (party,) = connection.execute(
                "SELECT id FROM party_party WHERE code = ?", (code,)
            ).fetchone()
            connection.execute(
                "INSERT INTO party_contact_mechanism"
                " (party, type, value, value_compact, active, sequence, create_uid, create_date)"
                " VALUES (?, 'email', ?, ?, 1, 10, 0, ?)",
                (party, email, email, now),
            )
    connection.close()


@pytest.fixture
async def erp_harness_tryton(tryton: TrytonServer) -> AsyncIterator[AdapterHarness]:
    from tests.support.tryton_parties import make_party

    rpc = tryton.rpc()
    try:
        numbers = [
            make_party(rpc, seed.name, tax_id=seed.tax_id, active=index not in ON_HOLD)
            for index, seed in enumerate(SEED)
        ]
    finally:
        rpc.close()
    _add_emails(
        tryton, {n: s.email for n, s in zip(numbers, SEED, strict=True) if s.email is not None}
    )
    transport = _CountingTransport()
    gateway = TrytonGateway(
        base_url=tryton.url,
        database=tryton.database,
        username=tryton.username,
        password=tryton.password,
        timeout=60,
        transport=transport,
    )

    @contextlib.contextmanager
    def unreachable() -> Iterator[None]:
        tryton.stop()
        try:
            yield
        finally:
            tryton.start()

    yield AdapterHarness(
        name="tryton",
        gateway=gateway,
        numbers=tuple(numbers),
        calls=lambda: transport.requests,
        calls_per_batch=1,
        unreachable=unreachable,
        rejected_draft=NewCustomer(
            name=f"Invalid VAT {uuid.uuid4().hex[:8]} Ltd", tax_id="DE123456789"
        ),
        address=MUNICH,
        new_email=None,
    )
    await gateway.close()

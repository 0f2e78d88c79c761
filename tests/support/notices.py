"""Payment notices end to end: an app that runs its own notice sender over real SMTP, and the
GraphQL multipart upload a client sends to ``importPayments``.

``notices_app`` runs the app as production does (its own engine, the in-process sender, the
demo ERP through the sql adapter, SMTP to an aiosmtpd server), once on a committed PostgreSQL
database and once on a SQLite file.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from sqlalchemy import text

from api.app import create_app
from api.auth.api_keys import create_api_key
from api.settings import Settings
from crm_store.session import create_engine, create_sessionmaker
from resolvers.principal import Role
from tests.support.databases import copy_sqlite

if TYPE_CHECKING:
    from pathlib import Path

    from starlette.applications import Starlette

    from tests.support.erp import DemoErp
    from tests.support.payments import SmtpServer

IMPORT_PAYMENTS = """
mutation($input: ImportPaymentsInput!) {
  importPayments(input: $input) {
    totalRows imported alreadyThere invalidRows written dryRun
    invalid { row column reason }
    userErrors { field code message }
  }
}"""

HEADER = "reference,customer_number,amount,currency,method,value_date,remittance\n"
PAYMENT_TABLES = (
    "outbox_messages",
    "payments",
    "payment_import_batches",
    "customer_email_overrides",
    "interactions",
    "api_keys",
)


def demo_amount(n: int) -> Decimal:
    return Decimal(10_000 + n * 1_237) / 100


def demo_payments_csv(count: int, *, first: int = 10001, prefix: str = "PN") -> bytes:
    """``count`` payments, one each for demo customers C<first>.., with distinct amounts."""
    rows = [
        f"{prefix}-{n:04d},C{first + n},{demo_amount(n)},EUR,transfer,"
        f"2026-10-{1 + n % 28:02d},Invoice {n}\n"
        for n in range(count)
    ]
    return (HEADER + "".join(rows)).encode()


async def upload(
    client: httpx.AsyncClient,
    data: bytes,
    *,
    filename: str = "payments.csv",
    preflight: bool = True,
    **input: Any,
) -> httpx.Response:
    """POST ``importPayments`` as a GraphQL multipart request (the file in part "0")."""
    operations = {
        "query": IMPORT_PAYMENTS,
        "variables": {"input": {"file": None, **input}},
    }
    return await client.post(
        "/graphql",
        data={
            "operations": json.dumps(operations),
            "map": json.dumps({"0": ["variables.input.file"]}),
        },
        files={"0": (filename, data, "text/csv")},
        headers={"GraphQL-Preflight": "1"} if preflight else None,
    )


async def import_file(client: httpx.AsyncClient, data: bytes, **input: Any) -> dict[str, Any]:
    """Upload and return the payload, failing on GraphQL errors."""
    response = await upload(client, data, **input)
    body = response.json()
    assert response.status_code == 200, response.text
    assert "errors" not in body, body["errors"]
    payload: dict[str, Any] = body["data"]["importPayments"]
    return payload


async def eventually(check: Callable[[], Awaitable[bool]], *, seconds: float = 60) -> None:
    """Wait until ``check()`` holds (the background sender works at its own pace)."""
    for _ in range(int(seconds / 0.1)):
        if await check():
            return
        await asyncio.sleep(0.1)
    raise AssertionError("the condition did not come true in time")


@dataclass
class NoticesApp:
    app: Starlette
    client: httpx.AsyncClient
    settings: Settings
    smtp: SmtpServer
    dialect: str


@pytest.fixture(params=["postgresql", "sqlite"])
async def notices_app(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    sqlite_template: Path,
    postgres_url: str,
    demo_erp: DemoErp,
    smtp_server: SmtpServer,
    cache_namespace: str,
) -> AsyncIterator[NoticesApp]:
    dialect = request.param
    if dialect == "sqlite":
        url = copy_sqlite(sqlite_template, tmp_path / "crm.sqlite3")
    else:
        url = postgres_url
    settings = Settings(
        data_dir=tmp_path / "data",
        database_url=url,
        erp_sql_url=demo_erp.url,
        cache_namespace=cache_namespace,
        smtp_host=smtp_server.host,
        smtp_port=smtp_server.port,
        smtp_starttls=False,
        smtp_timeout_seconds=10,
        notice_from="Payments <payments@frontdesk.example>",
        notice_poll_interval_seconds=0.05,
        notice_retry_base_seconds=0.2,
        notice_retry_max_seconds=1,
    )
    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session:
            _, key = await create_api_key(session, role=Role.ADMIN, name="notices admin")
            await session.commit()
        application = create_app(settings)
        async with (
            LifespanManager(application) as manager,
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=manager.app),
                base_url="http://frontdesk.test",
                headers={"Authorization": f"Bearer {key}"},
                timeout=30,
            ) as client,
        ):
            yield NoticesApp(application, client, settings, smtp_server, dialect)
    finally:
        if dialect == "postgresql":
            async with engine.begin() as connection:
                await connection.execute(
                    text(f"TRUNCATE {', '.join(PAYMENT_TABLES)} RESTART IDENTITY CASCADE")
                )
        await engine.dispose()

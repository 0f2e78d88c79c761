"""Fixtures shared by the whole suite: real PostgreSQL, real SQLite, the app over HTTP."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import httpx
import pytest
from asgi_lifespan import LifespanManager
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from api.app import create_app
from api.lifespan import Overrides
from api.settings import Settings
from crm_store.session import create_engine
from tests.support.databases import (
    Store,
    copy_sqlite,
    migrated_sqlite_file,
    postgres_database,
    postgres_problem,
    sqlite_store,
)
from tests.support.erp_adapters import (  # noqa: F401  (fixtures)
    erp_harness,
    erp_harness_erpnext,
    erp_harness_odoo,
)
from tests.support.erp_harnesses import erp_harness_sql, erp_harness_tryton  # noqa: F401
from tests.support.tryton import tryton  # noqa: F401 - the live Tryton server fixture

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from pathlib import Path

    from starlette.applications import Starlette

    from tests.support.erp import DemoErp

BACKENDS = ["postgresql", "sqlite"]

pytest_plugins = [
    "tests.support.crm",
    "tests.support.erp",
    "tests.support.notices",
    "tests.support.payments",
    "tests.support.scoping",
    "tests.support.security",
]


def pytest_sessionstart(session: pytest.Session) -> None:
    problem = asyncio.run(postgres_problem())
    if problem:
        pytest.exit(problem, returncode=3)


@pytest.fixture(scope="session")
async def postgres_url() -> AsyncIterator[str]:
    async with postgres_database() as url:
        yield url


@pytest.fixture(scope="session")
async def postgres_engine(postgres_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(postgres_url, pool_size=5)
    yield engine
    await engine.dispose()


@pytest.fixture(scope="session")
async def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return await migrated_sqlite_file(tmp_path_factory.mktemp("sqlite") / "template.sqlite3")


@pytest.fixture(params=BACKENDS)
async def store(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    sqlite_template: Path,
    postgres_engine: AsyncEngine,
) -> AsyncIterator[Store]:
    """The CRM store, once on PostgreSQL (a rolled-back transaction) and once on SQLite."""
    if request.param == "postgresql":
        engine = postgres_engine
        async with engine.connect() as connection:
            transaction = await connection.begin()
            sessionmaker = async_sessionmaker(
                bind=connection,
                expire_on_commit=False,
                autoflush=False,
                join_transaction_mode="create_savepoint",
            )
            handle = Store("postgresql", engine, sessionmaker, str(engine.url))
            try:
                yield handle
            finally:
                handle.detach()
                await transaction.rollback()
        return
    handle = sqlite_store(copy_sqlite(sqlite_template, tmp_path / "crm.sqlite3"))
    try:
        yield handle
    finally:
        handle.detach()
        await handle.engine.dispose()


@pytest.fixture
def settings(tmp_path: Path, demo_erp: DemoErp) -> Settings:
    # CI shares 2 cores with the whole suite: an ERP call is a timeout only in the tests that
    # mean one (they set their own), never because the machine was busy for 2 s.
    return Settings(
        data_dir=tmp_path / "data", database_url=None, erp_sql_url=demo_erp.url, erp_timeout=30
    )


@pytest.fixture
async def app(settings: Settings, store: Store) -> AsyncIterator[Starlette]:
    application = create_app(settings, overrides=Overrides(sessionmaker=store.sessionmaker))
    async with LifespanManager(application) as manager:
        yield manager.app  # type: ignore[misc]


@pytest.fixture
async def client(app: Starlette, store: Store) -> AsyncIterator[httpx.AsyncClient]:
    """An admin: sends an admin API key made in the test's store (see tests/support/security)."""
    from tests.support.security import bearer, make_api_key

    key = await make_api_key(store, "admin", name="test admin")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://frontdesk.test", headers=bearer(key)
    ) as http:
        yield http

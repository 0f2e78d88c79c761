"""The ERP side of the tests: the seeded demo ERP, real Redis, and a call-counting wrapper.

Registered from ``tests/conftest.py`` with ``pytest_plugins``. Redis must be reachable at
``FRONTDESK_TEST_REDIS_URL`` (default ``redis://127.0.0.1:6379/0``); every test gets its own
key namespace so parallel runs never see each other's keys.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
from collections import Counter
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from redis.asyncio import Redis
from redis.exceptions import RedisError

from api.app import create_app
from api.lifespan import Overrides
from erp_gateway.adapters.sql import SqlGateway
from erp_gateway.demo import seed_demo

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Mapping, Sequence
    from pathlib import Path

    from starlette.applications import Starlette

    from api.settings import Settings
    from erp_gateway.port import ErpGateway
    from erp_gateway.records import (
        Address,
        AddressRole,
        CustomerQuery,
        ErpCustomer,
        NewCustomer,
        Page,
    )
    from tests.support.databases import Store

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


def redis_url_for_tests() -> str:
    return os.environ.get("FRONTDESK_TEST_REDIS_URL", DEFAULT_REDIS_URL)


async def redis_problem() -> str | None:
    """Why the test Redis cannot be used, or None when it can."""
    url = redis_url_for_tests()
    client: Redis[bytes] = Redis.from_url(url, socket_connect_timeout=3)
    try:
        await client.ping()
    except (RedisError, OSError) as exc:
        return (
            f"Redis is not reachable at {url} ({exc}). Start it (the tests need a real "
            "server) or point FRONTDESK_TEST_REDIS_URL at one: redis://HOST:PORT/DB."
        )
    finally:
        await client.aclose()  # type: ignore[attr-defined]
    return None


def pytest_sessionstart(session: pytest.Session) -> None:
    problem = asyncio.run(redis_problem())
    if problem:
        pytest.exit(problem, returncode=3)


@dataclass
class CountingGateway:
    """The real adapter, with every call it receives counted (operation -> calls)."""

    inner: ErpGateway
    calls: Counter[str] = field(default_factory=Counter)
    batches: list[tuple[str, ...]] = field(default_factory=list)

    async def get_customers(self, numbers: Sequence[str]) -> Mapping[str, ErpCustomer]:
        self.calls["get_customers"] += 1
        self.batches.append(tuple(numbers))
        return await self.inner.get_customers(numbers)

    async def search_customers(self, query: CustomerQuery) -> Page[ErpCustomer]:
        self.calls["search_customers"] += 1
        return await self.inner.search_customers(query)

    async def update_address(
        self,
        number: str,
        role: AddressRole,
        address: Address,
        *,
        expected_version: str | None = None,
    ) -> ErpCustomer:
        self.calls["update_address"] += 1
        return await self.inner.update_address(
            number, role, address, expected_version=expected_version
        )

    async def create_customer(self, draft: NewCustomer, *, idempotency_key: str) -> ErpCustomer:
        self.calls["create_customer"] += 1
        return await self.inner.create_customer(draft, idempotency_key=idempotency_key)

    async def ping(self) -> None:
        self.calls["ping"] += 1
        await self.inner.ping()

    async def close(self) -> None:
        await self.inner.close()


@dataclass
class DemoErp:
    """A private copy of the seeded demo ERP that a test may take down and bring back."""

    path: Path
    made: list[SqlGateway] = field(default_factory=list)
    """Every adapter handed out: closed when the test ends (their connections are pooled)."""

    @property
    def url(self) -> str:
        return f"sqlite+aiosqlite:///{self.path}"

    def adapter(self) -> SqlGateway:
        gateway = SqlGateway.from_config(url=self.url)
        self.made.append(gateway)
        return gateway

    def take_down(self) -> None:
        """The ERP's database disappears: every call now fails as a real outage would."""
        self.path.rename(self.path.with_suffix(".down"))

    def bring_back(self) -> None:
        self.path.with_suffix(".down").rename(self.path)


@pytest.fixture(scope="session")
async def demo_erp_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("erp") / "demo-erp.sqlite3"
    await seed_demo(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture
async def demo_erp(demo_erp_template: Path, tmp_path: Path) -> AsyncIterator[DemoErp]:
    target = tmp_path / "erp" / "demo-erp.sqlite3"
    target.parent.mkdir()
    shutil.copyfile(demo_erp_template, target)
    erp = DemoErp(target)
    yield erp
    for gateway in erp.made:
        await gateway.close()


@pytest.fixture
def redis_url() -> str:
    return redis_url_for_tests()


@pytest.fixture
async def cache_namespace(redis_url: str) -> AsyncIterator[str]:
    """A key namespace (and pub/sub channel prefix) of this test's own; cleaned up after."""
    namespace = f"frontdesk-test-{secrets.token_hex(6)}"
    yield namespace
    client: Redis[bytes] = Redis.from_url(redis_url)
    try:
        keys: list[Any] = [key async for key in client.scan_iter(f"{namespace}:*")]
        if keys:
            await client.delete(*keys)
    finally:
        await client.aclose()  # type: ignore[attr-defined]


@asynccontextmanager
async def running_app(
    settings: Settings, store: Store, adapter: ErpGateway | None = None
) -> AsyncIterator[tuple[httpx.AsyncClient, Starlette]]:
    """An app on ``settings`` (its ERP adapter optionally replaced), with an HTTP client."""
    app = create_app(
        settings, overrides=Overrides(sessionmaker=store.sessionmaker, erp_adapter=adapter)
    )
    from tests.support.security import bearer, make_api_key

    key = await make_api_key(store, "admin", name="test admin")
    async with (
        LifespanManager(app) as manager,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=manager.app),
            base_url="http://frontdesk.test",
            headers=bearer(key),
        ) as client,
    ):
        yield client, app

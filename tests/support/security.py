"""Principals for tests: API keys made in the test's store, and clients that send them.

``client`` (tests/conftest.py) sends an admin key made here; ``client_for(role, partner)``
gives a client for any other principal, and ``anonymous_client`` one without credentials.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx
import pytest

from api.auth.api_keys import create_api_key
from resolvers.principal import Role

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Callable

    from starlette.applications import Starlette

    from tests.support.databases import Store

    ClientFor = Callable[..., Awaitable[httpx.AsyncClient]]
    AppWith = Callable[..., Awaitable[Starlette]]

BASE_URL = "http://frontdesk.test"


async def make_api_key(
    store: Store, role: Role | str, *, partner: str | None = None, name: str = "test key"
) -> str:
    """Create an API key in the test's store and return it."""
    async with store.sessionmaker() as session:
        _, key = await create_api_key(session, role=Role(role), name=name, partner_id=partner)
        await session.commit()
    return key


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
async def client_for(app: Starlette, store: Store) -> AsyncIterator[ClientFor]:
    """``await client_for("sales")``, ``await client_for("partner", partner="P1")``, or
    ``await client_for("sales", name="maria")`` (the name is the actor recorded as "by")."""
    opened: list[httpx.AsyncClient] = []

    async def make(
        role: Role | str, partner: str | None = None, *, name: str = "test key"
    ) -> httpx.AsyncClient:
        key = await make_api_key(store, role, partner=partner, name=name)
        http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url=BASE_URL, headers=bearer(key)
        )
        opened.append(http)
        return http

    yield make
    for http in opened:
        await http.aclose()


@pytest.fixture
async def anonymous_client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE_URL) as http:
        yield http


@pytest.fixture
async def app_with(
    store: Store, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Callable[..., Awaitable[Starlette]]]:
    """``await app_with(query_max_depth=3)``: an app on the test's store with other settings.

    Its Redis keys (rate limits, persisted queries) live under a namespace of its own.
    """
    import secrets
    from contextlib import AsyncExitStack

    from asgi_lifespan import LifespanManager

    from api.app import create_app
    from api.lifespan import Overrides
    from api.settings import Settings

    async with AsyncExitStack() as stack:

        async def make(**overrides: object) -> Starlette:
            settings = Settings(
                data_dir=tmp_path_factory.mktemp("data"),
                **{"cache_namespace": f"frontdesk-test-{secrets.token_hex(6)}", **overrides},  # type: ignore[arg-type]
            )
            application = create_app(settings, overrides=Overrides(sessionmaker=store.sessionmaker))
            manager = await stack.enter_async_context(LifespanManager(application))
            return manager.app  # type: ignore[no-any-return]

        yield make


def http_client(app: Starlette, key: str | None = None) -> httpx.AsyncClient:
    """A client of ``app``, sending ``key`` as a bearer credential when given."""
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url=BASE_URL,
        headers=bearer(key) if key else None,
    )

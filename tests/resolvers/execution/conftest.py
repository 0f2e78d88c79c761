"""A seeded Frontdesk for differential tests: demo CRM data, the partner-scoping world, every
kind of principal, and a second app whose ERP is down with nothing cached."""

from __future__ import annotations

import shutil
from contextlib import AsyncExitStack
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from asgi_lifespan import LifespanManager

from api.app import create_app
from api.lifespan import Overrides
from api.settings import Settings
from crm_store.unit_of_work import UnitOfWork
from resolvers.node import to_global_id
from tests.support.differential import Differential, RecordingExecutor, schema_of, view_of
from tests.support.erp import DemoErp
from tests.support.graphql import gql
from tests.support.scoping import PARTNER, World, build_world
from tests.support.security import BASE_URL, bearer, make_api_key
from workflows.crm_demo import seed_crm_demo

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from pathlib import Path

    from tests.support.databases import Store

PRINCIPALS = ("admin", "sales", "marketing", "service", "partner")
"""``partner`` is partner P-1 of the scoping world (customers C10001 and C10002)."""

IDS = """{
  customers(first: 3) { edges { node { id
    contacts { id }
    interactions(first: 4) { edges { node { id } } }
    opportunities(first: 2) { edges { node { id } } } } } }
  leads(first: 3) { edges { node { id } } }
  campaigns(first: 2) { edges { node { id } } }
  complaints(first: 2) { edges { node { id } } }
  payments(first: 2) { edges { node { id } } }
  noticeTemplates(first: 1) { edges { node { id } } }
}"""


@dataclass(frozen=True)
class Seeded:
    """The same seeded store behind two apps: the ERP up, and the ERP down (cold cache)."""

    up: Differential
    down: Differential
    world: World
    ids: tuple[str, ...]
    """Global ids of every kind, plus one of nothing and one malformed."""

    def by_erp(self, erp_up: bool) -> Differential:
        return self.up if erp_up else self.down

    def assert_no_mismatch(self) -> None:
        self.up.assert_no_mismatch()
        self.down.assert_no_mismatch()


def _settings(data_dir: Path, erp: DemoErp) -> Settings:
    # No rate limit (hundreds of requests from one key), no retries and a breaker that never
    # opens (an unavailable ERP answers the same way every time).
    return Settings(
        data_dir=data_dir,
        database_url=None,
        erp_sql_url=erp.url,
        erp_timeout=30,
        erp_retries=0,
        erp_breaker_threshold=1000,
        rate_limit_per_minute=0,
    )


def _client(app: Any, key: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url=BASE_URL, headers=bearer(key)
    )


def _ids(body: dict[str, Any]) -> list[str]:
    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "id" and isinstance(item, str):
                    found.append(item)
                else:
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(body["data"])
    return list(dict.fromkeys(found))


@pytest.fixture
async def seeded(
    store: Store, demo_erp: DemoErp, demo_erp_template: Path, tmp_path: Path
) -> AsyncIterator[Seeded]:
    uow = UnitOfWork(store.sessionmaker)
    try:
        await seed_crm_demo(uow)
        await uow.commit()
    finally:
        await uow.close()
    down_erp = DemoErp(tmp_path / "erp-down" / "demo-erp.sqlite3")
    down_erp.path.parent.mkdir()
    shutil.copyfile(demo_erp_template, down_erp.path)
    down_erp.take_down()
    keys = {
        principal: await make_api_key(
            store, principal, partner=PARTNER if principal == "partner" else None
        )
        for principal in PRINCIPALS
    }
    async with AsyncExitStack() as stack:
        differentials: list[Differential] = []
        for name, erp in (("up", demo_erp), ("down", down_erp)):
            app = create_app(
                _settings(tmp_path / f"data-{name}", erp),
                overrides=Overrides(sessionmaker=store.sessionmaker),
            )
            started = (await stack.enter_async_context(LifespanManager(app))).app
            schema = schema_of(app)
            schema.execution_context_class = RecordingExecutor
            clients = {
                principal: await stack.enter_async_context(_client(started, key))
                for principal, key in keys.items()
            }
            differentials.append(Differential(schema, clients, view=view_of(app)))
        up, down = differentials
        world = await build_world(up.clients["admin"], store)
        listed = _ids(await gql(up.clients["admin"], IDS))
        unknown = to_global_id("Customer", "C99999")
        of_world = (
            world.mine.customer_id,
            world.mine.contact_id,
            world.mine.interaction_id,
            world.theirs.customer_id,
            world.theirs.contact_id,
            world.lead_id,
            world.lead_interaction_id,
            world.opportunity_id,
            world.campaign_id,
            world.complaint_id,
            world.payment_id,
            world.template_id,
        )
        ids = tuple(dict.fromkeys((*listed, *of_world, unknown, "not-an-id")))
        yield Seeded(up, down, world, ids)

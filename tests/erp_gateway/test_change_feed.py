"""The ERP change feed: the sql adapter's version column, polled."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

import pytest

from api.app import create_app
from api.lifespan import Overrides
from api.settings import Settings
from erp_gateway.change_feed import ChangePoller
from tests.support.live import served
from tests.support.security import make_api_key
from tests.support.subscriptions import subscriber, until

if TYPE_CHECKING:
    from pathlib import Path

    from tests.support.databases import Store
    from tests.support.erp import DemoErp


def bump(demo_erp: DemoErp, number: str, name: str) -> None:
    """What the ERP does on a change of its own: new data, next revision."""
    with sqlite3.connect(demo_erp.path) as db:
        db.execute(
            "UPDATE debtor SET name = ?, revision = revision + 1 WHERE number = ?", (name, number)
        )


async def test_the_poller_reports_changed_customers_once(demo_erp: DemoErp) -> None:
    adapter = demo_erp.adapter()
    reported: list[list[str]] = []

    async def on_changed(numbers: list[str]) -> None:
        reported.append(numbers)

    poller = ChangePoller(adapter, on_changed, interval=60)
    try:
        assert await poller.poll_once() == []  # the baseline
        bump(demo_erp, "C10007", "Seven AG")
        bump(demo_erp, "C10042", "Forty-Two GmbH")
        assert sorted(await poller.poll_once()) == ["C10007", "C10042"]
        assert await poller.poll_once() == []  # nothing new since
        with sqlite3.connect(demo_erp.path) as db:
            db.execute("DELETE FROM debtor_address WHERE debtor = 'C10300'")
            db.execute("DELETE FROM debtor WHERE number = 'C10300'")
        assert await poller.poll_once() == ["C10300"]
    finally:
        await adapter.close()
    assert [sorted(n) for n in reported] == [["C10007", "C10042"], ["C10300"]]


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
async def test_a_polled_change_reaches_subscribers_with_the_fresh_customer(
    tmp_path: Path, demo_erp: DemoErp, store: Store
) -> None:
    settings = Settings(
        data_dir=tmp_path / "data", erp_sql_url=demo_erp.url, erp_change_poll_interval=0.1
    )
    app = create_app(settings, overrides=Overrides(sessionmaker=store.sessionmaker))
    key = await make_api_key(store, "sales")
    async with served(app) as url, subscriber(url, {"apiKey": key}) as client:
        await client.subscribe(
            "1", 'subscription { customerChanged(numbers: ["C10005"]) { number name } }'
        )
        await until(lambda: app.state.frontdesk.events.subscriber_count == 1)
        bump(demo_erp, "C10005", "Polled & Sons")
        event = await client.next()
        assert event["payload"]["data"]["customerChanged"] == {
            "number": "C10005",
            "name": "Polled & Sons",
        }
        assert await client.nothing_within(0.4)  # later polls see nothing new


def test_the_change_feed_is_off_by_default() -> None:
    assert Settings().erp_change_poll_interval == 0

"""``FRONTDESK_ERP_LATENCY_MS`` and ``FRONTDESK_DEBUG_COUNTERS`` through the real ERP stack:
calls that reach the ERP are counted per operation (and delayed), cache hits are not;
``FRONTDESK_CUSTOMERS_MAX_PAGE`` caps ``customers(first:)``; the worker default."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import pytest

from api.erp import erp_config
from api.settings import Settings
from erp_gateway.factory import build_stack
from erp_gateway.latency import LatencyErpGateway
from tests.support.erp import running_app
from tests.support.graphql import gql

if TYPE_CHECKING:
    from pathlib import Path

    from tests.support.databases import Store
    from tests.support.erp import DemoErp

SQLITE = pytest.mark.parametrize("store", ["sqlite"], indirect=True)

QUERY = "query($n: String!) { customer(number: $n) { name } }"
PAGE = "query($first: Int!) { customers(first: $first) { edges { node { number } } } }"


def settings_for(tmp_path: Path, demo_erp: DemoErp, **values: object) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        erp_sql_url=demo_erp.url,
        erp_retries=0,
        **values,  # type: ignore[arg-type]
    )


@SQLITE
async def test_erp_calls_are_counted_behind_the_cache(
    tmp_path: Path, demo_erp: DemoErp, store: Store
) -> None:
    settings = settings_for(tmp_path, demo_erp, debug_counters=True, erp_latency_ms=1)
    async with running_app(settings, store) as (client, _):
        first = await gql(client, QUERY, {"n": "C10003"})
        again = await gql(client, QUERY, {"n": "C10003"})
    assert first["data"]["customer"]["name"]
    assert first["extensions"]["counters"]["erpCalls"] == 1
    assert again["extensions"]["counters"]["erpCalls"] == 0  # a cache hit never reaches it


def test_the_latency_layer_sits_under_resilience_only_when_asked(
    tmp_path: Path, demo_erp: DemoErp
) -> None:
    plain = build_stack(erp_config(settings_for(tmp_path, demo_erp)))
    delayed = build_stack(erp_config(settings_for(tmp_path, demo_erp, erp_latency_ms=20)))
    assert not isinstance(plain.resilient.inner, LatencyErpGateway)
    assert isinstance(delayed.resilient.inner, LatencyErpGateway)
    assert delayed.resilient.inner.latency_s == pytest.approx(0.020)


@SQLITE
async def test_the_customers_page_cap_is_a_setting(
    tmp_path: Path, demo_erp: DemoErp, store: Store
) -> None:
    async with running_app(settings_for(tmp_path, demo_erp), store) as (client, _):
        refused = await gql(client, PAGE, {"first": 250}, expect_errors=True)
    assert refused["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    settings = settings_for(tmp_path, demo_erp, customers_max_page=300)
    async with running_app(settings, store) as (client, _):
        body = await gql(client, PAGE, {"first": 250})
    assert len(body["data"]["customers"]["edges"]) == 250


def test_workers_default_to_the_number_of_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FRONTDESK_WORKERS", raising=False)
    assert Settings().workers == (os.cpu_count() or 1)

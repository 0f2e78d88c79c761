"""The one place that prepares Frontdesk for the benchmark: store, demo data, credentials.

``prepare_frontdesk`` creates and migrates a fresh CRM store, seeds the demo ERP with 1000
customers (``frontdesk seed-demo --customers 1000``) and the CRM demo data (``frontdesk
seed-crm-demo``), creates an admin API key (``frontdesk api-key create``), and returns the
environment and headers every Frontdesk server and request of the benchmark uses.
"""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from crm_store.migrate import upgrade
from crm_store.session import create_engine

if TYPE_CHECKING:
    from pathlib import Path

DEMO_CUSTOMERS = 1000
"""Enough for the 500-customer page and for the uncached runs to use each number once."""
ERP_LATENCY_MS = 20


@dataclass
class FrontdeskSetup:
    env: dict[str, str]
    """Environment for every Frontdesk server process (``FRONTDESK_*``)."""
    headers: dict[str, str] = field(default_factory=dict)
    """Headers for every request (``X-API-Key`` once authentication exists)."""
    customer_numbers: list[str] = field(default_factory=list)
    """Known customer numbers; empty means "discover them through ``customers``"."""
    notes: list[str] = field(default_factory=list)
    """What the setup could not do on this branch, for the report."""

    def server_env(self, *, erp_latency_ms: int, debug_counters: bool) -> dict[str, str]:
        return {
            **self.env,
            "FRONTDESK_ERP_LATENCY_MS": str(erp_latency_ms),
            "FRONTDESK_DEBUG_COUNTERS": "true" if debug_counters else "false",
        }


def prepare_frontdesk(workdir: Path) -> FrontdeskSetup:
    """A fresh, seeded Frontdesk under ``workdir`` (SQLite unless BENCH_DATABASE_URL is set)."""
    # No FRONTDESK_CACHE_URL: the ERP cache lives in the process, so "uncached" is a fresh
    # process (``Context.restart``).
    data_dir = workdir / "frontdesk"
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {
        "FRONTDESK_DATA_DIR": str(data_dir),
        "FRONTDESK_LOG_LEVEL": "warning",
        "FRONTDESK_GRAPHIQL": "false",
        "FRONTDESK_WORKERS": "1",
        # Scenario 1 and 4 ask pages of 500 customers; the production cap is 200.
        "FRONTDESK_CUSTOMERS_MAX_PAGE": "500",
        # One benchmark key sends thousands of requests a second: the per-principal rate
        # limit (600/min in production) would answer most of them 429.
        "FRONTDESK_RATE_LIMIT_PER_MINUTE": "0",
        # A 500-customer page with 5 interactions each costs about 30,500 (limit 10,000).
        "FRONTDESK_QUERY_MAX_COST": "100000",
    }
    database_url = os.environ.get("BENCH_DATABASE_URL")
    if database_url:
        env["FRONTDESK_DATABASE_URL"] = database_url
    url = database_url or f"sqlite+aiosqlite:///{(data_dir / 'crm.sqlite3').as_posix()}"
    asyncio.run(_migrate(url))
    setup = FrontdeskSetup(env=env)
    _seed_demo(setup)
    return setup


async def _migrate(url: str) -> None:
    engine = create_engine(url)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()


def _frontdesk(setup: FrontdeskSetup, *args: str) -> str:
    """Run ``frontdesk <args>`` (the real command, in this process: a new interpreter per
    command would cost seconds of imports each) with the setup's environment; its output."""
    from typer.testing import CliRunner

    from api.cli import app

    done = CliRunner().invoke(app, list(args), env=setup.env, catch_exceptions=False)
    if done.exit_code != 0:
        raise RuntimeError(f"frontdesk {' '.join(args)} failed: {done.output}")
    return done.stdout


def _seed_demo(setup: FrontdeskSetup) -> None:
    """Seed with the project's own commands: the demo ERP (``DEMO_CUSTOMERS`` customers,
    C10001..), the demo CRM data (contacts, interactions, leads of C10001..C10300) and an
    admin API key whose header every Frontdesk request carries."""
    _frontdesk(setup, "seed-demo", "--customers", str(DEMO_CUSTOMERS))
    _frontdesk(setup, "seed-crm-demo")
    created = _frontdesk(setup, "api-key", "create", "--role", "admin", "--name", "benchmark")
    _key_id, key = created.strip().splitlines()[-1].split("\t")
    setup.headers["X-API-Key"] = key
    setup.customer_numbers = [f"C{10001 + i}" for i in range(DEMO_CUSTOMERS)]

"""The one place that prepares Frontdesk for the benchmark: store, demo data, credentials.

``prepare_frontdesk`` is the only function to change when the real pieces land: it creates
and migrates a fresh CRM store, seeds the demo ERP and CRM data (``frontdesk seed-demo``
when that command exists), and returns the environment and headers every Frontdesk server
and request of the benchmark uses. Everything else in ``bench/`` is independent of them.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from crm_store.migrate import upgrade
from crm_store.session import create_engine

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
    data_dir = workdir / "frontdesk"
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {
        "FRONTDESK_DATA_DIR": str(data_dir),
        "FRONTDESK_LOG_LEVEL": "warning",
        "FRONTDESK_GRAPHIQL": "false",
        "FRONTDESK_WORKERS": "1",
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


def _seed_demo(setup: FrontdeskSetup) -> None:
    """Seed the demo ERP and CRM with the project's own seeder when it exists."""
    from api.cli import app

    commands = {command.name for command in app.registered_commands}
    commands |= {group.name for group in app.registered_groups}
    if "seed-demo" not in commands:
        setup.notes.append("no `frontdesk seed-demo` on this branch: the CRM store is empty")
        return
    subprocess.run(
        [
            str(Path(sys.executable).with_name("frontdesk")),
            "seed-demo",
            "--customers",
            str(DEMO_CUSTOMERS),
        ],
        env={**os.environ, **setup.env},
        check=True,
    )

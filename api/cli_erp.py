"""``frontdesk seed-demo``: create and seed the demo ERP (never over existing data)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from api.settings import Settings, SettingsError, load_settings
from erp_gateway.demo import DEMO_CUSTOMERS, seed_demo


async def ensure_demo_erp(settings: Settings) -> int:
    """On the demo ERP, create and seed its SQLite file; returns the customers added."""
    if not settings.erp_is_demo:
        return 0
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return await seed_demo(settings.erp_url)


def seed_demo_command(
    url: Annotated[
        str | None,
        typer.Option(
            help="SQLAlchemy URL of the demo ERP (default: FRONTDESK_ERP_SQL_URL or "
            "<data_dir>/demo-erp.sqlite3)."
        ),
    ] = None,
    customers: Annotated[
        int,
        typer.Option(
            min=1,
            max=100_000,
            help="How many customers (C10001, C10002, ...); other demo data uses the first 300.",
        ),
    ] = DEMO_CUSTOMERS,
) -> None:
    """Create the demo ERP's tables and seed customers (300 by default: C10001..C10300)
    when empty."""
    try:
        settings = load_settings()
    except SettingsError as exc:
        typer.echo(f"frontdesk: {exc}", err=True)
        raise typer.Exit(2) from exc
    target = url or settings.erp_url
    if url is None and settings.erp_sql_url is None:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    elif target.startswith("sqlite"):
        Path(target.split("///", 1)[-1]).parent.mkdir(parents=True, exist_ok=True)
    added = asyncio.run(seed_demo(target, count=customers))
    if added:
        typer.echo(f"demo ERP seeded with {added} customers: {target}")
    else:
        typer.echo(f"demo ERP already has data, left as it is: {target}")


def register(app: typer.Typer) -> None:
    app.command("seed-demo")(seed_demo_command)

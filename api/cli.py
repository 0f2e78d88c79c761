"""The ``frontdesk`` command."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import Annotated

import typer
import uvicorn

from api import cli_erp, cli_leads
from api.auth.demo_key import demo_banner, ensure_demo_key
from api.cli_payments import payments_app, run_seed_payment_demo, worker
from api.cli_security import api_key_app
from api.logs import configure_logging
from api.notices import describe_mail
from api.settings import Settings, SettingsError, load_settings
from crm_store.migrate import current_revision, head_revision, upgrade
from crm_store.session import create_engine

app = typer.Typer(
    name="frontdesk",
    help="Frontdesk: one GraphQL API over the CRM and the ERP.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(cli_leads.leads_app)
app.command("seed-crm-demo")(cli_leads.seed_crm_demo_command)
app.add_typer(api_key_app, name="api-key")


def _settings(**overrides: object) -> Settings:
    try:
        return load_settings(**{k: v for k, v in overrides.items() if v is not None})
    except SettingsError as exc:
        typer.echo(f"frontdesk: {exc}", err=True)
        raise typer.Exit(2) from exc


async def _migrate(settings: Settings) -> None:
    engine = create_engine(settings.crm_database_url)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()


async def _check_revision(settings: Settings) -> str | None:
    engine = create_engine(settings.crm_database_url)
    try:
        current = await current_revision(engine)
    finally:
        await engine.dispose()
    head = head_revision()
    if current != head:
        return (
            f"the CRM store is at revision {current}, the code needs {head}: "
            "run `frontdesk migrate`"
        )
    return None


async def prepare(settings: Settings) -> None:
    """What a first start needs: on the embedded default, create and migrate the store and
    seed the demo ERP and the demo CRM data once (never over existing data)."""
    from api.erp import erp_config  # the ERP gateway's modules load with the app, not the CLI

    erp_config(settings)  # a missing ERP setting stops the start with one line
    await cli_erp.ensure_demo_erp(settings)
    if settings.embedded:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        await _migrate(settings)
        if settings.erp_is_demo and await cli_leads.seed_crm_demo_into(settings) is not None:
            await run_seed_payment_demo(settings)
        return
    problem = await _check_revision(settings)
    if problem:
        raise SettingsError(problem)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to bind (FRONTDESK_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port to bind (FRONTDESK_PORT).")] = None,
    workers: Annotated[
        int | None, typer.Option(help="Worker processes (FRONTDESK_WORKERS).")
    ] = None,
) -> None:
    """Serve the GraphQL API (GraphiQL on GET /graphql in the embedded default)."""
    settings = _settings(host=host, port=port, workers=workers)
    configure_logging(level=settings.log_level, fmt=settings.log_format)
    try:
        asyncio.run(prepare(settings))
    except SettingsError as exc:
        typer.echo(f"frontdesk: {exc}", err=True)
        raise typer.Exit(2) from exc
    # Workers build their own settings from the environment: hand the overrides down.
    os.environ["FRONTDESK_HOST"] = settings.host
    os.environ["FRONTDESK_PORT"] = str(settings.port)
    url = f"http://{settings.host}:{settings.port}/graphql"
    typer.echo(f"Frontdesk serving {url}", err=True)
    typer.echo(f"  {describe_mail(settings)}", err=True)
    if settings.embedded:
        typer.echo(f"  embedded default: CRM store {settings.crm_database_url}", err=True)
        typer.echo(f"  GraphiQL: open {url} in a browser", err=True)
        typer.echo(demo_banner(url, asyncio.run(ensure_demo_key(settings))), err=True)
    uvicorn.run(
        "api.asgi:app_from_environment",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        loop="uvloop",
        http="httptools",
        log_config=None,
        proxy_headers=True,
        server_header=False,
    )


@app.command()
def migrate() -> None:
    """Apply the CRM store's migrations up to the newest."""
    settings = _settings()
    if settings.embedded:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    asyncio.run(_migrate(settings))
    typer.echo(f"CRM store at revision {head_revision()}")


@app.command("export-schema")
def export_schema(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to FILE instead of stdout.")
    ] = None,
    federation: Annotated[
        bool, typer.Option("--federation", help="The subgraph SDL a supergraph composes.")
    ] = False,
) -> None:
    """Print the GraphQL SDL of the live schema (``--federation``: the subgraph SDL)."""
    from resolvers.schema import export_sdl, export_subgraph_sdl

    sdl = export_subgraph_sdl() if federation else export_sdl()
    if output is None:
        sys.stdout.write(sdl)
    else:
        output.write_text(sdl, encoding="utf-8")
        typer.echo(f"wrote {output}", err=True)


cli_erp.register(app)
app.add_typer(payments_app, name="payments")
app.command()(worker)


def main() -> None:
    app()

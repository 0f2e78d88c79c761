"""CRM commands: ``frontdesk leads import FILE.csv`` and ``frontdesk seed-crm-demo``."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from api.cli_payments import print_payment_demo, run_seed_payment_demo
from api.settings import Settings, SettingsError, load_settings
from crm_store.session import create_engine, create_sessionmaker
from crm_store.unit_of_work import UnitOfWork
from workflows.crm_demo import DemoSummary, seed_crm_demo
from workflows.lead_import import ImportOptions, ImportReport, import_leads
from workflows.validation import ContactRules

leads_app = typer.Typer(name="leads", help="Leads in the CRM store.", no_args_is_help=True)


def _settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as exc:
        typer.echo(f"frontdesk: {exc}", err=True)
        raise typer.Exit(2) from exc


async def _ready(settings: Settings) -> None:
    from api.cli import prepare

    try:
        await prepare(settings)
    except SettingsError as exc:
        typer.echo(f"frontdesk: {exc}", err=True)
        raise typer.Exit(2) from exc


async def run_import(settings: Settings, text: str, options: ImportOptions) -> ImportReport:
    """Import ``text`` into the configured store in one transaction."""
    await _ready(settings)
    engine = create_engine(settings.crm_database_url)
    uow = UnitOfWork(create_sessionmaker(engine))
    try:
        report = await import_leads(uow, text, options)
        if report.written:
            await uow.commit()
        return report
    finally:
        await uow.close()
        await engine.dispose()


async def run_seed_crm_demo(settings: Settings) -> DemoSummary | None:
    """Seed the demo CRM data into the configured store (None when it holds data already)."""
    await _ready(settings)
    return await seed_crm_demo_into(settings)


async def seed_crm_demo_into(settings: Settings) -> DemoSummary | None:
    """Seed the demo CRM data into a store that is already migrated."""
    engine = create_engine(settings.crm_database_url)
    uow = UnitOfWork(create_sessionmaker(engine))
    try:
        summary = await seed_crm_demo(uow)
        await uow.commit()
        return summary
    finally:
        await uow.close()
        await engine.dispose()


@leads_app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="CSV with a header row; see the README.")],
    skip_invalid: Annotated[
        bool, typer.Option("--skip-invalid", help="Import the valid rows, skip the others.")
    ] = False,
    skip_duplicates: Annotated[
        bool,
        typer.Option("--skip-duplicates", help="Leave out rows flagged as possible duplicates."),
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Validate and report; write nothing.")
    ] = False,
) -> None:
    """Import leads from FILE; every problem is reported with its row and column.

    Nothing is written when any row is invalid, unless --skip-invalid. Rows whose e-mail
    matches an open lead or a contact are imported and listed as possible duplicates.
    Exits 1 when rows were invalid and nothing was written.
    """
    settings = _settings()
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        typer.echo(f"frontdesk: cannot read {file}: {exc}", err=True)
        raise typer.Exit(2) from exc
    options = ImportOptions(
        skip_invalid=skip_invalid,
        skip_duplicates=skip_duplicates,
        dry_run=dry_run,
        rules=ContactRules(default_phone_region=settings.crm_phone_region),
    )
    report = asyncio.run(run_import(settings, text, options))
    for issue in report.errors:
        typer.echo(f"error: {issue}")
    for issue in report.duplicates:
        verb = "skipped" if skip_duplicates else "imported"
        typer.echo(f"{verb}: {issue}")
    outcome = (
        "dry run: nothing written"
        if dry_run
        else f"{report.imported} imported"
        if report.written
        else "nothing written"
    )
    typer.echo(
        f"{report.rows} rows read, {report.valid} valid, {report.invalid_rows} invalid, "
        f"{len(report.duplicates)} possible duplicates; {outcome}"
    )
    if report.errors and not report.written:
        raise typer.Exit(1)


def seed_crm_demo_command() -> None:
    """Seed demo contacts, interactions and leads for the demo ERP's customers C10001-C10300.

    Deterministic; does nothing when the CRM store already holds contacts, interactions or
    leads.
    """
    settings = _settings()
    summary = asyncio.run(run_seed_crm_demo(settings))
    if summary is None:
        typer.echo("the CRM store already holds data: nothing seeded")
        return
    typer.echo(
        f"seeded {summary.contacts} contacts, {summary.interactions} interactions, "
        f"{summary.leads} leads, {summary.campaigns} campaigns, "
        f"{summary.opportunities} opportunities"
    )
    print_payment_demo(asyncio.run(run_seed_payment_demo(settings)))

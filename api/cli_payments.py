"""``frontdesk payments import`` and ``frontdesk worker``."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from pathlib import Path
from typing import Annotated

import typer

from api.erp import erp_config
from api.logs import configure_logging
from api.notices import build_notice_sender, describe_mail, import_limits, run_worker
from api.settings import Settings, SettingsError, load_settings
from crm_store.session import create_engine, create_sessionmaker
from erp_gateway.factory import ErpStack, build_stack
from workflows.payments.csv_format import CsvMapping, MappingError, load_mapping
from workflows.payments.demo import PaymentDemoSummary, seed_payment_demo
from workflows.payments.history import InteractionNoticeLog
from workflows.payments.import_csv import ImportReport, import_payments
from workflows.payments.notices import NoticeLog

payments_app = typer.Typer(help="Payments and their notices.", no_args_is_help=True)


def _settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as exc:
        typer.echo(f"frontdesk: {exc}", err=True)
        raise typer.Exit(2) from exc


async def _import(
    settings: Settings,
    data: bytes,
    *,
    source: str,
    filename: str,
    mapping: CsvMapping,
    skip_invalid: bool,
    dry_run: bool,
) -> ImportReport:
    engine = create_engine(settings.crm_database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            report = await import_payments(
                session,
                data,
                source=source,
                filename=filename,
                mapping=mapping,
                limits=import_limits(settings),
                skip_invalid=skip_invalid,
                dry_run=dry_run,
            )
            if report.written:
                await session.commit()
            return report
    finally:
        await engine.dispose()


def format_report(report: ImportReport) -> str:
    """The summary the command prints: counts, then every bad row with its reason."""
    name = report.filename or "the file"
    verb = "would import" if report.dry_run else "imported"
    lines = [
        f"{name}: {report.total_rows} rows (source {report.source})",
        f"  {verb}: {report.imported}",
        f"  already there: {report.already_there}",
        f"  invalid rows: {report.invalid_rows}",
    ]
    lines += [f"  {problem}" for problem in report.file_errors]
    lines += [f"  {error}" for error in report.invalid]
    if report.refused:
        lines.append("nothing was written: the file has errors")
        if report.invalid and not report.file_errors:
            lines.append("(--skip-invalid imports the valid rows and reports the others)")
    elif report.dry_run:
        lines.append("dry run: nothing was written")
    return "\n".join(lines)


@payments_app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="The CSV export to import.", exists=True)],
    mapping: Annotated[
        Path | None,
        typer.Option(help="TOML or JSON file renaming columns and method values.", exists=True),
    ] = None,
    source: Annotated[
        str, typer.Option(help="Where the payments come from; (source, reference) is the key.")
    ] = "erp",
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check and count, write nothing.")] = (
        False
    ),
    skip_invalid: Annotated[
        bool, typer.Option("--skip-invalid", help="Import the valid rows of a file with errors.")
    ] = False,
) -> None:
    """Import payments from a CSV and queue a notice for each new one."""
    settings = _settings()
    try:
        column_mapping = load_mapping(mapping) if mapping else CsvMapping()
    except MappingError as exc:
        typer.echo(f"frontdesk: mapping file: {exc}", err=True)
        raise typer.Exit(2) from exc
    size = file.stat().st_size
    if size > settings.payments_import_max_bytes:
        typer.echo(
            f"frontdesk: {file} has {size} bytes, over the limit of "
            f"{settings.payments_import_max_bytes} (FRONTDESK_PAYMENTS_IMPORT_MAX_BYTES)",
            err=True,
        )
        raise typer.Exit(1)
    report = asyncio.run(
        _import(
            settings,
            file.read_bytes(),
            source=source,
            filename=file.name,
            mapping=column_mapping,
            skip_invalid=skip_invalid,
            dry_run=dry_run,
        )
    )
    typer.echo(format_report(report))
    if report.refused:
        raise typer.Exit(1)


async def run_seed_payment_demo(settings: Settings) -> PaymentDemoSummary | None:
    """Seed the demo payments and notices (None when they are there already)."""
    stack = open_gateway(settings)
    await stack.gateway.start()
    engine = create_engine(settings.crm_database_url)
    try:
        async with create_sessionmaker(engine)() as session, session.begin():
            return await seed_payment_demo(session, stack.gateway)
    finally:
        await engine.dispose()
        await stack.gateway.close()


@payments_app.command("seed-demo")
def seed_demo_command() -> None:
    """Seed demo payments for C10001-C10007: notices SENT (with history), SKIPPED, FAILED and
    QUEUED. Deterministic; does nothing when they are there already."""
    summary = asyncio.run(run_seed_payment_demo(_settings()))
    if summary is None:
        typer.echo("the demo payments are there already: nothing seeded")
        return
    print_payment_demo(summary)


def print_payment_demo(summary: PaymentDemoSummary | None) -> None:
    if summary is not None:
        typer.echo(
            f"seeded {summary.payments} demo payments: {summary.sent} notices sent, "
            f"{summary.queued} queued"
        )


def open_gateway(settings: Settings) -> ErpStack:
    """The ERP gateway the worker resolves customers through: the same stack (adapter, cache,
    resilience) the API builds from the ERP settings."""
    return build_stack(erp_config(settings))


def notice_log(settings: Settings) -> NoticeLog:
    """Where the worker records sent notices: an Interaction on the customer's history."""
    return InteractionNoticeLog()


async def _work(settings: Settings) -> None:
    stack = open_gateway(settings)
    gateway = stack.gateway
    await gateway.start()
    engine = create_engine(settings.crm_database_url, pool_size=2)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signum, stop.set)
    try:
        sender = build_notice_sender(
            settings,
            sessionmaker=create_sessionmaker(engine),
            gateway=gateway,
            notice_log=notice_log(settings),
        )
        await run_worker(settings, sender, stop)
    finally:
        await engine.dispose()
        await gateway.close()


def worker() -> None:
    """Send queued payment notices until stopped (SIGINT or SIGTERM)."""
    settings = _settings()
    configure_logging(level=settings.log_level, fmt=settings.log_format)
    typer.echo(describe_mail(settings), err=True)
    try:
        asyncio.run(_work(settings))
    except SettingsError as exc:
        typer.echo(f"frontdesk: {exc}", err=True)
        raise typer.Exit(2) from exc

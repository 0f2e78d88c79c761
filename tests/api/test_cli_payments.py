import asyncio
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner, Result

from api.cli import app
from crm_store.models.outbox import OutboxMessageRow
from crm_store.models.payments import PaymentRow
from tests.support.databases import copy_sqlite, sqlite_store
from tests.support.erp import DemoErp
from tests.workflows.payments.csv_files import payments_csv

runner = CliRunner()


@pytest.fixture
def database_url(sqlite_template: Path, tmp_path: Path) -> str:
    return copy_sqlite(sqlite_template, tmp_path / "crm.sqlite3")


async def invoke(database_url: str, *args: str, **env: str) -> Result:
    environment = {"FRONTDESK_DATABASE_URL": database_url, **env}
    return await asyncio.to_thread(runner.invoke, app, list(args), env=environment)


async def counts(database_url: str) -> tuple[int, int]:
    store = sqlite_store(database_url)
    try:
        async with store.sessionmaker() as session:
            payments = await session.scalar(select(func.count()).select_from(PaymentRow))
            messages = await session.scalar(select(func.count()).select_from(OutboxMessageRow))
        return int(payments or 0), int(messages or 0)
    finally:
        store.detach()
        await store.engine.dispose()


@pytest.mark.parametrize("command", [["payments"], ["payments", "import"], ["worker"]])
def test_payment_commands_have_help(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0
    assert "Usage" in result.output


async def test_import_prints_a_summary_and_a_second_run_finds_everything_there(
    database_url: str, tmp_path: Path
) -> None:
    csv_file = tmp_path / "payments.csv"
    csv_file.write_bytes(payments_csv(8, ["C001", "C002"]))
    first = await invoke(database_url, "payments", "import", str(csv_file), "--source", "acme")
    assert first.exit_code == 0, first.output
    assert first.output.splitlines() == [
        "payments.csv: 8 rows (source acme)",
        "  imported: 8",
        "  already there: 0",
        "  invalid rows: 0",
    ]
    again = await invoke(database_url, "payments", "import", str(csv_file), "--source", "acme")
    assert "  imported: 0\n  already there: 8\n" in again.output
    assert await counts(database_url) == (8, 8)


async def test_a_file_with_bad_rows_is_refused_whole_unless_skip_invalid(
    database_url: str, tmp_path: Path
) -> None:
    csv_file = tmp_path / "bad.csv"
    csv_file.write_bytes(
        payments_csv(3, ["C001"]) + b"X-1,C001,1.5e2,EUR,cheque,2026-11-20,\n"
        b"X-2,C001,10.00,EURO,cheque,20.11.2026,\n"
    )
    refused = await invoke(database_url, "payments", "import", str(csv_file))
    assert refused.exit_code == 1
    assert refused.output.splitlines()[3:] == [
        "  invalid rows: 2",
        "  row 5, column amount: '1.5e2' is not a decimal number (digits, '.' before the decimals)",
        "  row 6, column currency: 'EURO' is not an ISO 4217 code (three capital letters)",
        "  row 6, column value_date: '20.11.2026' is not an ISO date (YYYY-MM-DD)",
        "nothing was written: the file has errors",
        "(--skip-invalid imports the valid rows and reports the others)",
    ]
    assert await counts(database_url) == (0, 0)
    dry = await invoke(
        database_url, "payments", "import", str(csv_file), "--skip-invalid", "--dry-run"
    )
    assert dry.exit_code == 0
    assert "  would import: 3\n" in dry.output
    assert dry.output.endswith("dry run: nothing was written\n")
    assert await counts(database_url) == (0, 0)
    skipped = await invoke(database_url, "payments", "import", str(csv_file), "--skip-invalid")
    assert skipped.exit_code == 0
    assert "  imported: 3\n" in skipped.output
    assert await counts(database_url) == (3, 3)


async def test_import_reads_a_mapping_file_and_refuses_a_bad_one(
    database_url: str, tmp_path: Path
) -> None:
    mapping = tmp_path / "erp.json"
    mapping.write_text('{"delimiter": ";", "columns": {"reference": "Ref", "amount": "Sum"}}')
    csv_file = tmp_path / "export.csv"
    csv_file.write_text(
        "Ref;customer_number;Sum;currency;method;value_date\nR-1;C001;12.00;EUR;wire;2026-11-20\n"
    )
    result = await invoke(
        database_url, "payments", "import", str(csv_file), "--mapping", str(mapping)
    )
    assert result.exit_code == 0, result.output
    assert "  imported: 1\n" in result.output
    mapping.write_text('{"columns": {"amount_eur": "Sum"}}')
    bad = await invoke(database_url, "payments", "import", str(csv_file), "--mapping", str(mapping))
    assert bad.exit_code == 2
    assert "mapping file: columns: 'amount_eur' is not one of" in bad.output


async def test_import_refuses_a_file_over_the_size_limit(database_url: str, tmp_path: Path) -> None:
    csv_file = tmp_path / "big.csv"
    csv_file.write_bytes(payments_csv(10, ["C001"]))
    result = await invoke(
        database_url,
        "payments",
        "import",
        str(csv_file),
        FRONTDESK_PAYMENTS_IMPORT_MAX_BYTES="200",
    )
    assert result.exit_code == 1
    assert "over the limit of 200 (FRONTDESK_PAYMENTS_IMPORT_MAX_BYTES)" in result.output
    assert await counts(database_url) == (0, 0)


async def test_seed_demo_adds_the_demo_payments_once(database_url: str, demo_erp: DemoErp) -> None:
    erp = {"FRONTDESK_ERP_SQL_URL": demo_erp.url}
    first = await invoke(database_url, "payments", "seed-demo", **erp)
    assert first.exit_code == 0, first.output
    assert first.output.strip() == "seeded 8 demo payments: 4 notices sent, 2 queued"
    assert await counts(database_url) == (8, 2)
    again = await invoke(database_url, "payments", "seed-demo", **erp)
    assert again.output.strip() == "the demo payments are there already: nothing seeded"
    assert await counts(database_url) == (8, 2)

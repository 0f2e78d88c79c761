"""``frontdesk leads import`` and ``frontdesk seed-crm-demo`` on the embedded SQLite store."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app

runner = CliRunner()

CSV = "name,email,phone,postal_code,country\nAda,ada@example.com,030 1234567,10117,DE\n"
BAD_ROW = "Bad,bad@,,,\n"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("FRONTDESK_")}
    return {**clean, "FRONTDESK_DATA_DIR": str(tmp_path / "data")}


def test_import_reports_bad_rows_and_writes_nothing(tmp_path: Path, env: dict[str, str]) -> None:
    file = tmp_path / "leads.csv"
    file.write_text(CSV + BAD_ROW, encoding="utf-8")
    result = runner.invoke(app, ["leads", "import", str(file)], env=env)
    assert result.exit_code == 1
    assert "error: row 3, column email: not a valid e-mail address" in result.output
    assert "nothing written" in result.output

    result = runner.invoke(app, ["leads", "import", str(file), "--skip-invalid"], env=env)
    assert result.exit_code == 0
    assert "2 rows read, 1 valid, 1 invalid, 0 possible duplicates; 1 imported" in result.output

    file.write_text(CSV, encoding="utf-8")
    result = runner.invoke(app, ["leads", "import", str(file), "--dry-run"], env=env)
    assert result.exit_code == 0
    assert "imported: row 2, column email: possible duplicate" in result.output
    assert "dry run: nothing written" in result.output


def test_import_refuses_an_unreadable_file(tmp_path: Path, env: dict[str, str]) -> None:
    result = runner.invoke(app, ["leads", "import", str(tmp_path / "missing.csv")], env=env)
    assert result.exit_code == 2
    assert "cannot read" in result.output


def test_the_first_start_seeds_the_demo_crm_once(env: dict[str, str]) -> None:
    first = runner.invoke(app, ["seed-crm-demo"], env=env)
    assert first.exit_code == 0, first.output
    assert first.output.strip() == "the CRM store already holds data: nothing seeded"
    data = Path(env["FRONTDESK_DATA_DIR"]) / "crm.sqlite3"
    with sqlite3.connect(data) as db:
        assert db.execute("SELECT count(*) FROM leads").fetchone() == (56,)


def test_seed_crm_demo_seeds_once(tmp_path: Path, env: dict[str, str]) -> None:
    # Another ERP than the embedded demo: the first start seeds nothing, the command does.
    env = {**env, "FRONTDESK_ERP_SQL_URL": f"sqlite+aiosqlite:///{tmp_path / 'erp.sqlite3'}"}
    assert runner.invoke(app, ["seed-demo"], env=env).exit_code == 0
    first = runner.invoke(app, ["seed-crm-demo"], env=env)
    assert first.exit_code == 0, first.output
    assert first.output.startswith("seeded ")
    assert "56 leads" in first.output
    second = runner.invoke(app, ["seed-crm-demo"], env=env)
    assert second.output.strip() == "the CRM store already holds data: nothing seeded"

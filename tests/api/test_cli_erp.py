import sqlite3
from pathlib import Path

import httpx
from typer.testing import CliRunner

from api.cli import app as cli
from tests.support.serve import frontdesk_serving

runner = CliRunner()


def test_seed_demo_has_help() -> None:
    result = runner.invoke(cli, ["seed-demo", "--help"])
    assert result.exit_code == 0
    assert "Usage" in result.output


def test_seed_demo_creates_the_demo_erp_once(tmp_path: Path) -> None:
    env = {"FRONTDESK_DATA_DIR": str(tmp_path / "data")}
    first = runner.invoke(cli, ["seed-demo"], env=env)
    second = runner.invoke(cli, ["seed-demo"], env=env)
    assert first.exit_code == 0, first.output
    assert "seeded with 300 customers" in first.output
    assert "already has data" in second.output
    with sqlite3.connect(tmp_path / "data" / "demo-erp.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM debtor").fetchone() == (300,)


def test_serve_with_no_configuration_answers_customers_from_the_demo_erp(
    tmp_path: Path,
) -> None:
    query = (
        "{ customers(first: 20) { edges { node { number name creditHold "
        "billingAddress { city country } } } } }"
    )
    with frontdesk_serving(tmp_path) as served:
        response = httpx.post(served.graphql, json={"query": query})
        assert response.status_code == 401
        response = httpx.post(
            served.graphql, json={"query": query}, headers={"X-API-Key": served.admin_key()}
        )
        body = response.json()
        assert "errors" not in body, body
        nodes = [edge["node"] for edge in body["data"]["customers"]["edges"]]
        assert [n["number"] for n in nodes] == [f"C{n}" for n in range(10001, 10021)]
        assert all(n["name"] and n["billingAddress"]["country"] for n in nodes)
        assert (tmp_path / ".frontdesk" / "demo-erp.sqlite3").is_file()

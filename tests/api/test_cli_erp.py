import os
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
from typer.testing import CliRunner

from api.cli import app as cli

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


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_with_no_configuration_answers_customers_from_the_demo_erp(
    tmp_path: Path,
) -> None:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("FRONTDESK_")}
    frontdesk = Path(sys.executable).with_name("frontdesk")
    process = subprocess.Popen(
        [str(frontdesk), "serve", "--port", str(port), "--workers", "1"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    query = (
        "{ customers(first: 20) { edges { node { number name creditHold "
        "billingAddress { city country } } } } }"
    )
    try:
        url = f"http://127.0.0.1:{port}/graphql"
        deadline = time.monotonic() + 120
        while True:
            try:
                response = httpx.post(url, json={"query": query})
                break
            except httpx.TransportError:
                assert process.poll() is None, process.stderr.read().decode()  # type: ignore[union-attr]
                assert time.monotonic() < deadline, "frontdesk serve did not answer in 120 s"
                time.sleep(0.2)
        assert response.status_code == 401
        key = (tmp_path / ".frontdesk" / "demo-admin-key").read_text().strip()
        response = httpx.post(url, json={"query": query}, headers={"X-API-Key": key})
        body = response.json()
        assert "errors" not in body, body
        nodes = [edge["node"] for edge in body["data"]["customers"]["edges"]]
        assert [n["number"] for n in nodes] == [f"C{n}" for n in range(10001, 10021)]
        assert all(n["name"] and n["billingAddress"]["country"] for n in nodes)
        assert (tmp_path / ".frontdesk" / "demo-erp.sqlite3").is_file()
    finally:
        process.terminate()
        process.wait(timeout=10)
        assert process.stderr is not None
        process.stderr.close()

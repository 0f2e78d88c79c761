import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from api.cli import app
from resolvers.schema import export_sdl

runner = CliRunner()


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["serve"],
        ["migrate"],
        ["export-schema"],
        ["api-key"],
        ["api-key", "create"],
        ["api-key", "list"],
        ["api-key", "revoke"],
        ["leads", "import"],
        ["seed-crm-demo"],
    ],
)
def test_every_command_has_help(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0
    assert "Usage" in result.output


def test_export_schema_prints_the_sdl() -> None:
    result = runner.invoke(app, ["export-schema"])
    assert result.exit_code == 0
    assert result.output == export_sdl()


def test_export_schema_writes_a_file(tmp_path: Path) -> None:
    target = tmp_path / "schema.graphql"
    result = runner.invoke(app, ["export-schema", "--output", str(target)])
    assert result.exit_code == 0
    assert target.read_text() == export_sdl()


def test_serve_refuses_a_bad_setting_with_one_line() -> None:
    result = runner.invoke(app, ["serve"], env={"FRONTDESK_PORT": "not-a-port"})
    assert result.exit_code == 2
    assert "FRONTDESK_PORT" in result.output


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_on_the_embedded_default_creates_the_store_and_answers(tmp_path: Path) -> None:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("FRONTDESK_")}
    frontdesk = Path(sys.executable).with_name("frontdesk")
    # One worker: the default (one per core) spawns fresh interpreters, whose imports alone
    # can outlast the deadline on a busy test machine.
    process = subprocess.Popen(
        [str(frontdesk), "serve", "--port", str(port), "--workers", "1"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:
            try:
                response = httpx.post(f"{url}/graphql", json={"query": "{ __typename }"})
                break
            except httpx.TransportError:
                assert process.poll() is None, process.stderr.read().decode()  # type: ignore[union-attr]
                assert time.monotonic() < deadline, "frontdesk serve did not answer in 120 s"
                time.sleep(0.2)
        assert response.status_code == 401
        key = (tmp_path / ".frontdesk" / "demo-admin-key").read_text().strip()
        response = httpx.post(
            f"{url}/graphql",
            json={"query": "{ __typename }"},
            headers={"Authorization": f"Bearer {key}"},
        )
        assert response.json() == {"data": {"__typename": "Query"}}
        page = httpx.get(f"{url}/graphql", headers={"Accept": "text/html"})
        assert page.status_code == 200
        assert "graphiql" in page.text.lower()
        assert (tmp_path / ".frontdesk" / "crm.sqlite3").is_file()
    finally:
        process.terminate()
        process.wait(timeout=10)
        assert process.stderr is not None
        banner = process.stderr.read().decode()
        process.stderr.close()
    assert f"Authorization: Bearer {key}" in banner
    assert "curl -s" in banner
    # GraphiQL's page reads ?headers= into its headers editor.
    assert "/graphql?headers=%7B%22Authorization%22%3A%20%22Bearer%20" + key in banner

"""``frontdesk api-key create | list | revoke`` against a real store, checked over HTTP."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import httpx
from asgi_lifespan import LifespanManager
from typer.testing import CliRunner

from api.app import create_app
from api.cli import app as cli
from api.settings import Settings

if TYPE_CHECKING:
    from pathlib import Path

    from click.testing import Result

runner = CliRunner()


async def status_with(data_dir: Path, key: str) -> int:
    application = create_app(Settings(data_dir=data_dir))
    async with (
        LifespanManager(application) as manager,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=manager.app), base_url="http://t"
        ) as http,
    ):
        response = await http.post(
            "/graphql", json={"query": "{ apiVersion }"}, headers={"X-API-Key": key}
        )
    return response.status_code


async def test_create_list_and_revoke_a_key(tmp_path: Path) -> None:
    env = {"FRONTDESK_DATA_DIR": str(tmp_path)}

    async def invoke(*args: str) -> Result:
        # The commands run their own event loop: run them off this one.
        return await asyncio.to_thread(runner.invoke, cli, list(args), env=env)

    assert (await invoke("migrate")).exit_code == 0
    created = await invoke(
        "api-key", "create", "--role", "partner", "--partner", "P-7", "--name", "portal"
    )
    assert created.exit_code == 0, created.output
    key_id, key = created.stdout.strip().splitlines()[0].split("\t")
    assert key.startswith("fd_")
    assert await status_with(tmp_path, key) == 200

    listed = await invoke("api-key", "list")
    assert listed.exit_code == 0
    (line,) = [row for row in listed.stdout.splitlines() if row.startswith(f"{key_id}\t")]
    assert "partner\tP-7\tportal" in line
    assert "active" in line
    assert key not in listed.stdout  # the key is shown once, at creation

    revoked = await invoke("api-key", "revoke", key_id)
    assert revoked.exit_code == 0
    assert await status_with(tmp_path, key) == 401
    assert "revoked" in (await invoke("api-key", "list")).stdout


def test_revoking_an_unknown_key_fails(tmp_path: Path) -> None:
    env = {"FRONTDESK_DATA_DIR": str(tmp_path)}
    assert runner.invoke(cli, ["migrate"], env=env).exit_code == 0
    result = runner.invoke(cli, ["api-key", "revoke", "999"], env=env)
    assert result.exit_code == 1
    assert "no API key with id 999" in result.output


def test_a_partner_key_needs_a_partner(tmp_path: Path) -> None:
    result = runner.invoke(
        cli, ["api-key", "create", "--role", "partner"], env={"FRONTDESK_DATA_DIR": str(tmp_path)}
    )
    assert result.exit_code == 2
    assert "--partner" in result.output

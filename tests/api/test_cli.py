from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from api.cli import app
from resolvers.schema import export_sdl
from tests.support.serve import frontdesk_serving

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


def test_serve_on_the_embedded_default_creates_the_store_and_answers(tmp_path: Path) -> None:
    with frontdesk_serving(tmp_path) as served:
        response = httpx.post(served.graphql, json={"query": "{ __typename }"})
        assert response.status_code == 401
        key = served.admin_key()
        response = httpx.post(
            served.graphql,
            json={"query": "{ __typename }"},
            headers={"Authorization": f"Bearer {key}"},
        )
        assert response.json() == {"data": {"__typename": "Query"}}
        page = httpx.get(served.graphql, headers={"Accept": "text/html"})
        assert page.status_code == 200
        assert "graphiql" in page.text.lower()
        assert (tmp_path / ".frontdesk" / "crm.sqlite3").is_file()
    banner = served.banner
    assert f"Authorization: Bearer {key}" in banner
    assert "curl -s" in banner
    # GraphiQL's page reads ?headers= into its headers editor.
    assert "/graphql?headers=%7B%22Authorization%22%3A%20%22Bearer%20" + key in banner

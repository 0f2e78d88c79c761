"""The committed ``schema.graphql`` is the SDL of the live schema."""

from pathlib import Path

from resolvers.schema import export_sdl

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "schema.graphql"


def test_schema_graphql_matches_the_live_schema() -> None:
    committed = SCHEMA_FILE.read_text(encoding="utf-8")
    assert committed == export_sdl(), (
        "schema.graphql differs from the live schema: run `make schema` "
        "(or `frontdesk export-schema --output schema.graphql`) and commit the result"
    )

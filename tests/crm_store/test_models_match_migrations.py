"""The migrations build exactly the tables the models describe, on both dialects."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Connection

from crm_store.models import Base
from tests.support.databases import Store


def _diff(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


async def test_models_and_migrations_agree(store: Store) -> None:
    async with store.engine.connect() as connection:
        diff = await connection.run_sync(_diff)
    assert diff == []

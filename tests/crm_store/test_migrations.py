from crm_store.migrate import current_revision, head_revision
from tests.support.databases import Store


async def test_migrations_reach_head_on_both_dialects(store: Store) -> None:
    assert await current_revision(store.engine) == head_revision()

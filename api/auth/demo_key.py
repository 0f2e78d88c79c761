"""The embedded default's demo admin API key: made on first start, kept under the data dir.

The key itself is kept in ``<data dir>/demo-admin-key`` (mode 0600) so that it stays the same
across restarts; the CRM store holds only its hash, like any other key.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from api.auth.api_keys import new_api_key, prefix_of, register_known_key
from crm_store.session import create_engine, create_sessionmaker
from resolvers.principal import Role

if TYPE_CHECKING:
    from pathlib import Path

    from api.settings import Settings

DEMO_KEY_FILE = "demo-admin-key"
DEMO_KEY_NAME = "demo admin (embedded default)"


def demo_key_path(settings: Settings) -> Path:
    return settings.data_dir / DEMO_KEY_FILE


def _read_or_make(path: Path) -> str:
    if path.is_file():
        key = path.read_text(encoding="utf-8").strip()
        if prefix_of(key) is not None:
            return key
    key = new_api_key().key
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(key + "\n")
    return key


async def ensure_demo_key(settings: Settings) -> str:
    """The demo admin key, registered in the store (by hash) if it is not yet."""
    key = _read_or_make(demo_key_path(settings))
    engine = create_engine(settings.crm_database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            await register_known_key(session, key, role=Role.ADMIN, name=DEMO_KEY_NAME)
            await session.commit()
    finally:
        await engine.dispose()
    return key


def demo_banner(url: str, key: str) -> str:
    """What ``frontdesk serve`` prints on the embedded default: the key, curl and GraphiQL."""
    from urllib.parse import quote

    headers = quote(f'{{"Authorization": "Bearer {key}"}}', safe="")
    return (
        f"  demo admin API key: {key}\n"
        f"  try: curl -s {url} -H 'Authorization: Bearer {key}' "
        "-H 'Content-Type: application/json' -d '{\"query\": \"{ apiVersion }\"}'\n"
        f"  GraphiQL with the key filled in: {url}?headers={headers}"
    )

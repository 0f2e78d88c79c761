"""aiosqlite without the ROLLBACK of a connection that holds no transaction.

Python's sqlite3 opens a transaction only before a write, so after a read-only session the
connection is idle; SQLAlchemy still rolls it back twice (the session's rollback, then the
pool's reset on return), and with aiosqlite each call is a round trip to the connection's
thread (~0.1 ms on a busy core). ``do_rollback`` here asks SQLite first
(``in_transaction``, read without a round trip) and rolls back only what is open.

``create_engine`` (``crm_store.session``) selects it for ``sqlite+aiosqlite`` URLs by
registering it with SQLAlchemy's dialect registry as ``sqlite+frontdesk_aiosqlite``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import registry
from sqlalchemy.dialects.sqlite.aiosqlite import SQLiteDialect_aiosqlite

DRIVER = "frontdesk_aiosqlite"


def _in_transaction(connection: Any) -> bool:
    """Whether SQLite holds a transaction open on ``connection`` (a pooled connection or the
    adapted aiosqlite connection); True when it cannot tell."""
    adapted = getattr(connection, "dbapi_connection", connection)
    driver = getattr(adapted, "_connection", None)
    state = getattr(driver, "in_transaction", None)
    return state if isinstance(state, bool) else True


class IdleRollbackFreeDialect(SQLiteDialect_aiosqlite):
    driver = DRIVER
    supports_statement_cache = True

    def do_rollback(self, dbapi_connection: Any) -> None:
        if _in_transaction(dbapi_connection):
            super().do_rollback(dbapi_connection)  # type: ignore[no-untyped-call]


registry.register(f"sqlite.{DRIVER}", __name__, "IdleRollbackFreeDialect")

"""SQL statements counted per operation, for the debug counters and the benchmark.

``install_statement_counter(engine)`` hooks the engine's ``before_cursor_execute`` event once;
``track_statements()`` opens a counting scope in a context variable (SQLAlchemy's async layer
runs the event in a greenlet that shares the calling task's context). Statements executed
outside a scope, and savepoint management, are not counted.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import event

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sqlalchemy.ext.asyncio import AsyncEngine


@dataclass(slots=True)
class StatementTally:
    statements: int = 0


_current: ContextVar[StatementTally | None] = ContextVar(
    "frontdesk_sql_statement_tally", default=None
)


TRANSACTION_CONTROL = ("SAVEPOINT", "RELEASE", "ROLLBACK TO")


def _count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
    tally = _current.get()
    if tally is not None and not statement.lstrip().upper().startswith(TRANSACTION_CONTROL):
        tally.statements += 1


def install_statement_counter(engine: AsyncEngine) -> None:
    """Count every statement ``engine`` sends (idempotent)."""
    sync_engine = engine.sync_engine
    if not event.contains(sync_engine, "before_cursor_execute", _count):
        event.listen(sync_engine, "before_cursor_execute", _count)


@contextmanager
def track_statements() -> Iterator[StatementTally]:
    tally = StatementTally()
    token = _current.set(tally)
    try:
        yield tally
    finally:
        _current.reset(token)

"""``extensions.counters``: ERP calls and SQL statements of this operation (debug only).

On when ``FRONTDESK_DEBUG_COUNTERS`` is set (never in production: it tells a caller how the
answer was made). The benchmark reads it to report ERP calls and SQL statements per request
from outside the process; tests can assert exact counts with it over HTTP.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

from strawberry.extensions import SchemaExtension

from crm_store.statement_count import StatementTally, track_statements
from erp_gateway.call_count import CallTally, track_calls


class DebugCounters(SchemaExtension):
    """Counts what one operation cost and reports it as ``extensions.counters``."""

    _erp: CallTally | None = None
    _sql: StatementTally | None = None

    def on_operation(self) -> Iterator[None]:
        with ExitStack() as stack:
            self._erp = stack.enter_context(track_calls())
            self._sql = stack.enter_context(track_statements())
            yield

    def get_results(self) -> dict[str, Any]:
        return {
            "counters": {
                "erpCalls": self._erp.calls if self._erp is not None else 0,
                "sqlStatements": self._sql.statements if self._sql is not None else 0,
            }
        }

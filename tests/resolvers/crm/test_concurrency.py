"""Two simultaneous transitions of one lead: exactly one wins, the other gets CONFLICT.

Runs on committed PostgreSQL data with two HTTP clients. To make the race certain rather than
likely, a third connection holds the lead's row lock while both requests read the lead and
reach their guarded UPDATE; it lets go only when both are waiting.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import asyncpg
from sqlalchemy.engine import make_url

from resolvers.node import key_of
from tests.support.crm import ADVANCE_LEAD, LEAD, create_lead, http_client, mutate
from tests.support.graphql import gql

if TYPE_CHECKING:
    from starlette.applications import Starlette

WAITING = """
SELECT count(DISTINCT l.pid) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
WHERE NOT l.granted AND a.datname = current_database()
"""


async def _wait_for_waiters(connection: asyncpg.Connection, count: int) -> None:
    for _ in range(500):
        if await connection.fetchval(WAITING) >= count:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"{count} transactions never waited for the lead's row lock")


async def test_two_simultaneous_transitions_have_one_winner(
    committed_app: Starlette, postgres_url: str
) -> None:
    async with http_client(committed_app) as first, http_client(committed_app) as second:
        lead = await create_lead(first, email="race@example.com")
        key = int(key_of(lead["id"], "Lead") or 0)
        dsn = make_url(postgres_url).set(drivername="postgresql").render_as_string(False)
        blocker = await asyncpg.connect(dsn)
        try:
            transaction = blocker.transaction()
            await transaction.start()
            await blocker.execute("SELECT id FROM leads WHERE id = $1 FOR UPDATE", key)

            async def advance(client: Any, to: str, actor: str) -> dict[str, Any]:
                return await mutate(
                    client,
                    ADVANCE_LEAD,
                    "advanceLead",
                    {"leadId": lead["id"], "to": to, "note": actor},
                )

            racing = asyncio.gather(
                advance(first, "CHECKED", "ann"), advance(second, "DISQUALIFIED", "bob")
            )
            await _wait_for_waiters(blocker, 2)
            await transaction.commit()
            results = await racing
        finally:
            await blocker.close()

        winners = [r for r in results if not r["userErrors"]]
        losers = [r for r in results if r["userErrors"]]
        assert len(winners) == 1
        assert len(losers) == 1
        assert losers[0]["lead"] is None
        assert [e["code"] for e in losers[0]["userErrors"]] == ["CONFLICT"]

        final = (await gql(first, LEAD, {"id": lead["id"]}))["data"]["lead"]
        assert final["status"] == winners[0]["lead"]["status"]
        assert final["version"] == 2
        assert len(final["history"]) == 1

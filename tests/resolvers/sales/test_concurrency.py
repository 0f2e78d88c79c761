"""Two simultaneous moves of one opportunity: exactly one wins, the other gets CONFLICT.

On committed PostgreSQL data with two HTTP clients; a third connection holds the
opportunity's row lock until both requests wait at their guarded UPDATE, so the race is
certain.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import asyncpg
from sqlalchemy.engine import make_url

from tests.support.crm import http_client
from tests.support.graphql import gql
from tests.support.sales import create_opportunity, move, row_key

if TYPE_CHECKING:
    from starlette.applications import Starlette

WAITING = """
SELECT count(DISTINCT l.pid) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
WHERE NOT l.granted AND a.datname = current_database()
"""
HISTORY = "query($id: ID!) { node(id: $id) { ... on Opportunity { stage history { to } } } }"


async def test_two_simultaneous_moves_have_one_winner(
    committed_app: Starlette, postgres_url: str
) -> None:
    async with http_client(committed_app) as first, http_client(committed_app) as second:
        opportunity = await create_opportunity(first, customerNumber="C10001")
        key = row_key(opportunity["id"], "Opportunity")
        dsn = make_url(postgres_url).set(drivername="postgresql").render_as_string(False)
        blocker = await asyncpg.connect(dsn)
        try:
            transaction = blocker.transaction()
            await transaction.start()
            await blocker.execute("SELECT id FROM opportunities WHERE id = $1 FOR UPDATE", key)

            async def moving(client: Any, to: str, **extra: str) -> dict[str, Any]:
                return await move(client, opportunity["id"], to, **extra)

            racing = asyncio.gather(
                moving(first, "QUALIFICATION"), moving(second, "LOST", lostReason="Budget")
            )
            for _ in range(500):
                if await blocker.fetchval(WAITING) >= 2:
                    break
                await asyncio.sleep(0.02)
            else:
                raise AssertionError("the two moves never waited for the row lock")
            await transaction.commit()
            results = await racing
        finally:
            await blocker.close()

        winners = [r for r in results if not r["userErrors"]]
        losers = [r for r in results if r["userErrors"]]
        assert (len(winners), len(losers)) == (1, 1)
        assert [e["code"] for e in losers[0]["userErrors"]] == ["CONFLICT"]
        final = (await gql(first, HISTORY, {"id": opportunity["id"]}))["data"]["node"]
        assert final["stage"] == winners[0]["opportunity"]["stage"]
        assert [h["to"] for h in final["history"]] == ["PROSPECTING", final["stage"]]

"""A graphql-transport-ws client for tests (the ``websockets`` package), with timeouts."""

from __future__ import annotations

import asyncio
import json
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from websockets.asyncio.client import ClientConnection

WAIT = 10.0


class Subscriber:
    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws

    async def subscribe(
        self, op_id: str, query: str, variables: dict[str, Any] | None = None
    ) -> None:
        payload = {"query": query, "variables": variables or {}}
        await self.ws.send(json.dumps({"id": op_id, "type": "subscribe", "payload": payload}))

    async def next(self, within: float = WAIT) -> dict[str, Any]:
        """The next message (pings answered on the way)."""
        while True:
            message: dict[str, Any] = json.loads(await asyncio.wait_for(self.ws.recv(), within))
            if message.get("type") == "ping":
                await self.ws.send(json.dumps({"type": "pong"}))
                continue
            if message.get("type") == "ka":  # graphql-ws keep-alive
                continue
            return message

    async def nothing_within(self, seconds: float) -> bool:
        """True when no message arrives within ``seconds``."""
        try:
            message = await self.next(within=seconds)
        except TimeoutError:
            return True
        raise AssertionError(f"unexpected message: {message}")

    async def closed_with(self, within: float = WAIT) -> int | None:
        """The close code once the server closes the socket."""
        try:
            async with asyncio.timeout(within):
                while True:
                    await self.ws.recv()
        except ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd is not None else None
        return None


@asynccontextmanager
async def subscriber(
    base_url: str, payload: dict[str, Any], *, protocol: str = "graphql-transport-ws"
) -> AsyncIterator[Subscriber]:
    """A socket on ``base_url``'s /graphql, initialised with ``payload`` and acknowledged."""
    url = base_url.replace("http://", "ws://") + "/graphql"
    async with asyncio.timeout(WAIT):
        ws = await connect(url, subprotocols=[protocol])  # type: ignore[list-item]
    try:
        client = Subscriber(ws)
        await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
        ack = await client.next()
        assert ack["type"] == "connection_ack", ack
        yield client
    finally:
        await asyncio.wait_for(ws.close(), WAIT)


async def until(predicate: Any, within: float = WAIT) -> None:
    """Wait until ``predicate()`` holds (polling), or fail."""
    async with asyncio.timeout(within):
        while not predicate():  # noqa: ASYNC110 - a plain condition, not an event
            await asyncio.sleep(0.01)

"""WebSocket authentication on /graphql: header credentials, or the connection_init payload.

The socket is driven at the ASGI level (the ASGI messages a server would send), since the
HTTP test client has no WebSocket support.
"""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING, Any

from tests.support.security import make_api_key

if TYPE_CHECKING:
    from starlette.applications import Starlette

    from tests.support.databases import Store


class Socket:
    def __init__(self, app: Starlette, headers: dict[str, str]) -> None:
        self.to_app: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.from_app: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        scope = {
            "type": "websocket",
            "asgi": {"version": "3.0"},
            "scheme": "ws",
            "path": "/graphql",
            "raw_path": b"/graphql",
            "query_string": b"",
            "root_path": "",
            "headers": [
                (b"sec-websocket-protocol", b"graphql-transport-ws"),
                *((k.lower().encode(), v.encode()) for k, v in headers.items()),
            ],
            "subprotocols": ["graphql-transport-ws"],
            "client": ("127.0.0.1", 1),
            "server": ("frontdesk.test", 80),
        }
        self.task = asyncio.create_task(app(scope, self.to_app.get, self.from_app.put))
        self.to_app.put_nowait({"type": "websocket.connect"})

    async def receive(self) -> dict[str, Any]:
        return await asyncio.wait_for(self.from_app.get(), timeout=10)

    async def send_json(self, message: dict[str, Any]) -> None:
        await self.to_app.put({"type": "websocket.receive", "text": json.dumps(message)})

    async def receive_json(self) -> Any:
        message = await self.receive()
        assert message["type"] == "websocket.send", message
        return json.loads(message.get("text") or message["bytes"])

    async def close(self) -> None:
        await self.to_app.put({"type": "websocket.disconnect", "code": 1000})
        await asyncio.wait_for(self.task, timeout=10)


async def test_a_socket_without_credentials_is_refused_at_connection_init(app: Starlette) -> None:
    socket = Socket(app, {})
    assert (await socket.receive())["type"] == "websocket.accept"
    await socket.send_json({"type": "connection_init", "payload": {}})
    message = await socket.receive()
    assert message["type"] == "websocket.close"
    assert message["code"] == 4403
    await socket.close()


async def test_bad_header_credentials_are_refused_at_the_handshake(app: Starlette) -> None:
    socket = Socket(app, {"Authorization": "Bearer fd_not-a-real-key"})
    message = await socket.receive()
    assert message == {"type": "websocket.close", "code": 4401, "reason": "Unauthorized"}
    await asyncio.wait_for(socket.task, timeout=10)


async def test_a_key_in_connection_init_is_served(app: Starlette, store: Store) -> None:
    key = await make_api_key(store, "sales")
    for payload in ({"Authorization": f"Bearer {key}"}, {"apiKey": key}):
        socket = Socket(app, {})
        assert (await socket.receive())["type"] == "websocket.accept"
        await socket.send_json({"type": "connection_init", "payload": payload})
        assert await socket.receive_json() == {"type": "connection_ack"}
        query = {"query": "{ apiVersion }"}
        await socket.send_json({"id": "1", "type": "subscribe", "payload": query})
        answer = await socket.receive_json()
        assert isinstance(answer["payload"]["data"]["apiVersion"], str)
        await socket.close()


async def test_a_socket_with_a_key_is_served(app: Starlette, store: Store) -> None:
    key = await make_api_key(store, "sales")
    socket = Socket(app, {"Authorization": f"Bearer {key}"})
    accepted = await socket.receive()
    assert accepted["type"] == "websocket.accept"
    await socket.send_json({"type": "connection_init"})
    assert await socket.receive_json() == {"type": "connection_ack"}
    await socket.send_json({"id": "1", "type": "subscribe", "payload": {"query": "{ apiVersion }"}})
    answer = await socket.receive_json()
    assert answer["type"] == "next"
    assert isinstance(answer["payload"]["data"]["apiVersion"], str)
    await socket.close()

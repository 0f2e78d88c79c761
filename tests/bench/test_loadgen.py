"""The load generator against a tiny HTTP/1.1 server of the test's own: counts and errors."""

from __future__ import annotations

import asyncio
import json
import sys
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

import pytest

from bench.loadgen import LoadResult, LoadSpec, encode_requests, run_load

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

OK = json.dumps({"query": "{ ok }", "variables": {}})
FAILS = json.dumps({"query": "{ fail }", "variables": {}})
CRASHES = json.dumps({"query": "{ crash }", "variables": {}})


@dataclass
class TinyServer:
    """Answers keep-alive POSTs: 200 data, 200 with errors, or 500, by what the body asks."""

    port: int = 0
    received: int = 0
    api_keys: set[str] | None = None

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                headers = dict(
                    line.split(": ", 1) for line in head.decode().split("\r\n")[1:] if line
                )
                body = await reader.readexactly(int(headers["Content-Length"]))
                self.received += 1
                if self.api_keys is not None:
                    self.api_keys.add(headers.get("X-API-Key", ""))
                status, payload = "200 OK", b'{"data":{"ok":true}}'
                if b"fail" in body:
                    payload = b'{"data":null,"errors":[{"message":"nope"}]}'
                elif b"crash" in body:
                    status, payload = "500 Internal Server Error", b"Internal Server Error"
                writer.write(
                    f"HTTP/1.1 {status}\r\ncontent-type: application/json\r\n"
                    f"content-length: {len(payload)}\r\n\r\n".encode()
                    + payload
                )
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


@pytest.fixture
async def tiny() -> AsyncIterator[TinyServer]:
    server = TinyServer(api_keys=set())
    listener = await asyncio.start_server(server.handle, "127.0.0.1", 0)
    server.port = listener.sockets[0].getsockname()[1]
    async with listener:
        yield server


def _spec(tiny: TinyServer, bodies: list[str], **kwargs: object) -> LoadSpec:
    return LoadSpec(host="127.0.0.1", port=tiny.port, bodies=bodies, **kwargs)  # type: ignore[arg-type]


async def test_counts_exactly_the_requests_it_was_asked_for(tiny: TinyServer) -> None:
    bodies = [OK, OK.replace("ok", "ok2"), OK.replace("ok", "ok3")]
    result = await run_load(_spec(tiny, bodies, connections=4, max_requests=300, duration_s=30))
    assert result.requests == 300
    assert tiny.received == 300
    assert result.errors == 0
    assert result.statuses == {"200": 300}
    assert result.sent_distinct == 3
    assert 0 < result.p50_ms <= result.p99_ms <= result.max_ms


async def test_detects_error_bodies_and_bad_statuses(tiny: TinyServer) -> None:
    result = await run_load(
        _spec(tiny, [OK, FAILS, CRASHES], connections=1, max_requests=30, duration_s=30)
    )
    assert result.requests == 30
    assert result.errors == 20
    assert result.statuses == {"200": 20, "500": 10}
    assert result.first_error is not None
    assert result.first_error.startswith("200: ") or result.first_error.startswith("500: ")


async def test_runs_for_a_duration_with_a_warm_up_left_out(tiny: TinyServer) -> None:
    result = await run_load(_spec(tiny, [OK], connections=3, duration_s=0.5, warmup_s=0.2))
    assert result.requests > 0
    # The warm-up's answers and at most one in-flight request per connection go uncounted.
    assert tiny.received > result.requests
    assert result.rps == pytest.approx(result.requests / result.elapsed_s)


async def test_sends_the_given_headers_on_every_request(tiny: TinyServer) -> None:
    spec = _spec(tiny, [OK], headers={"X-API-Key": "k-123"}, max_requests=5, duration_s=30)
    request = encode_requests(spec)[0]
    assert request.startswith(b"POST /graphql HTTP/1.1\r\n")
    assert f"Content-Length: {len(OK)}\r\n".encode() in request
    assert request.endswith(OK.encode())
    await run_load(spec)
    assert tiny.api_keys == {"k-123"}


async def test_runs_as_its_own_process(tiny: TinyServer) -> None:
    spec = _spec(tiny, [OK, FAILS], connections=2, max_requests=40, duration_s=30)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.loadgen",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await process.communicate(json.dumps(asdict(spec)).encode())
    assert process.returncode == 0
    result = LoadResult(**json.loads(out))
    assert result.requests == 40
    assert result.errors == 20
    assert tiny.received == 40


async def test_keeps_going_past_the_duration_until_the_minimum_is_counted(
    tiny: TinyServer,
) -> None:
    result = await run_load(_spec(tiny, [OK], connections=2, duration_s=0.0, min_requests=50))
    assert result.requests >= 50
    assert result.errors == 0

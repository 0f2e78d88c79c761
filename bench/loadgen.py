"""A closed-loop HTTP/1.1 keep-alive load generator, run in its own process.

Why not wrk: it is not installed here, and it cannot check a GraphQL body for ``errors``
without a Lua hook that slows it down. This client uses ``asyncio.Protocol`` (not streams)
on uvloop, pre-encodes every request once, keeps N connections each with exactly one request
in flight (closed loop), and for every response checks the status is 200 and that the body
has no ``"errors"`` key. ``bench.run`` measures its ceiling against a raw Starlette server
in every run (see the README's Performance section).

Usage from another process: ``python -m bench.loadgen`` with a JSON ``LoadSpec`` on stdin;
it prints a JSON ``LoadResult`` on stdout.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
import time
from dataclasses import asdict, dataclass, field
from typing import Any, cast

from bench.stats import percentile

ERRORS_MARKER = b'"errors"'


@dataclass(slots=True)
class LoadSpec:
    host: str
    port: int
    bodies: list[str]
    """JSON request bodies, sent in turn (round robin over all connections)."""
    path: str = "/graphql"
    headers: dict[str, str] = field(default_factory=dict)
    connections: int = 10
    duration_s: float = 3.0
    warmup_s: float = 0.0
    """Responses completed during the warm-up are neither counted nor timed."""
    max_requests: int | None = None
    """Stop after exactly this many counted responses (then ``duration_s`` is a time-out)."""
    min_requests: int = 0
    """Keep going past ``duration_s`` until this many responses were counted (slow pages)."""
    timeout_s: float = 120.0
    """Give up on ``min_requests`` or ``max_requests`` after this long."""
    start_index: int = 0
    """Where in ``bodies`` to start, so that repeated runs can send fresh variables."""
    cpu: int | None = None
    """Pin this process to that CPU."""


@dataclass(slots=True)
class LoadResult:
    requests: int = 0
    errors: int = 0
    """Responses that were not 200 or whose body carried ``errors``."""
    statuses: dict[str, int] = field(default_factory=dict)
    first_error: str | None = None
    elapsed_s: float = 0.0
    rps: float = 0.0
    p50_ms: float = 0.0
    p90_ms: float = 0.0
    p99_ms: float = 0.0
    max_ms: float = 0.0
    cpu_s: float = 0.0
    """CPU time this generator used while measuring (compare with ``elapsed_s``)."""
    sent_distinct: int = 0
    """How many distinct bodies were sent (at most ``len(bodies)``)."""


def encode_requests(spec: LoadSpec) -> list[bytes]:
    """Each body as one complete HTTP/1.1 request, encoded once."""
    head = [
        f"POST {spec.path} HTTP/1.1",
        f"Host: {spec.host}:{spec.port}",
        "Content-Type: application/json",
        "Accept: application/json",
        *(f"{name}: {value}" for name, value in spec.headers.items()),
    ]
    encoded = []
    for body in spec.bodies:
        data = body.encode()
        lines = [*head, f"Content-Length: {len(data)}", "", ""]
        encoded.append("\r\n".join(lines).encode("latin-1") + data)
    return encoded


class _Shared:
    """State shared by every connection of one run."""

    __slots__ = (
        "counting",
        "done",
        "enough",
        "issued",
        "latencies",
        "max_requests",
        "next_index",
        "requests",
        "result",
        "stopping",
    )

    def __init__(self, spec: LoadSpec, requests: list[bytes], done: asyncio.Future[None]):
        self.requests = requests
        self.next_index = spec.start_index
        self.max_requests = spec.max_requests
        self.enough: int | None = None
        """Past the duration: stop as soon as this many responses are counted."""
        self.issued = 0
        self.counting = spec.warmup_s <= 0
        self.stopping = False
        self.latencies: list[int] = []
        self.result = LoadResult()
        self.done = done

    def next_request(self) -> bytes | None:
        if self.stopping:
            return None
        if self.counting and self.max_requests is not None:
            if self.issued >= self.max_requests:
                return None
            self.issued += 1
        request = self.requests[self.next_index % len(self.requests)]
        self.next_index += 1
        return request


class _Connection(asyncio.Protocol):
    __slots__ = ("buffer", "counted", "shared", "started", "transport")

    def __init__(self, shared: _Shared) -> None:
        self.shared = shared
        self.buffer = bytearray()
        self.transport: asyncio.Transport | None = None
        self.started = 0
        self.counted = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports implement asyncio.Transport without subclassing it.
        self.transport = cast("asyncio.Transport", transport)
        self._send()

    def _send(self) -> None:
        request = self.shared.next_request()
        if request is None or self.transport is None:
            return
        self.counted = self.shared.counting
        self.started = time.perf_counter_ns()
        self.transport.write(request)

    def data_received(self, data: bytes) -> None:
        buffer = self.buffer
        buffer += data
        while True:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            length = _content_length(buffer, end)
            total = end + 4 + length
            if len(buffer) < total:
                return
            self._complete(bytes(buffer[9:12]), buffer[end + 4 : total])
            del buffer[:total]

    def _complete(self, status: bytes, body: bytearray) -> None:
        shared = self.shared
        if self.counted:
            shared.latencies.append(time.perf_counter_ns() - self.started)
            result = shared.result
            result.requests += 1
            code = status.decode()
            result.statuses[code] = result.statuses.get(code, 0) + 1
            if status != b"200" or ERRORS_MARKER in body:
                result.errors += 1
                if result.first_error is None:
                    result.first_error = f"{code}: {bytes(body[:300]).decode(errors='replace')}"
            if shared.max_requests is not None and result.requests >= shared.max_requests:
                if not shared.done.done():
                    shared.done.set_result(None)
                return
            enough = shared.enough is not None and result.requests >= shared.enough
            if enough and not shared.done.done():
                shared.done.set_result(None)
        self._send()

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None
        if not self.shared.stopping and not self.shared.done.done():
            self.shared.done.set_exception(ConnectionError(f"server closed a connection: {exc}"))


def _content_length(buffer: bytearray, end: int) -> int:
    head = bytes(buffer[:end]).lower()
    at = head.find(b"\r\ncontent-length:")
    if at < 0:
        if b"transfer-encoding: chunked" in head:
            raise ValueError("chunked responses are not supported by this generator")
        return 0
    start = at + 17
    stop = head.find(b"\r\n", start)
    return int(head[start : stop if stop >= 0 else end])


async def run_load(spec: LoadSpec) -> LoadResult:
    """Drive ``spec`` against a running server and return what was measured."""
    loop = asyncio.get_running_loop()
    done: asyncio.Future[None] = loop.create_future()
    shared = _Shared(spec, encode_requests(spec), done)
    connections = [
        await loop.create_connection(lambda: _Connection(shared), spec.host, spec.port)
        for _ in range(spec.connections)
    ]
    if spec.warmup_s > 0:
        await asyncio.sleep(spec.warmup_s)
        shared.counting = True
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(asyncio.shield(done), spec.duration_s)
    if not done.done() and shared.result.requests < spec.min_requests:
        shared.enough = spec.min_requests
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(done), spec.timeout_s - spec.duration_s)
    elapsed = time.perf_counter() - t0
    shared.stopping = True
    result = shared.result
    result.cpu_s = time.process_time() - cpu0
    for transport, _ in connections:
        transport.close()
    if done.done() and done.exception() is not None:
        raise done.exception()  # type: ignore[misc]
    result.elapsed_s = elapsed
    result.rps = result.requests / elapsed if elapsed > 0 else 0.0
    result.sent_distinct = min(len(shared.requests), shared.next_index - spec.start_index)
    millis = sorted(ns / 1e6 for ns in shared.latencies)
    if millis:
        result.p50_ms = percentile(millis, 50)
        result.p90_ms = percentile(millis, 90)
        result.p99_ms = percentile(millis, 99)
        result.max_ms = millis[-1]
    return result


def _new_loop() -> asyncio.AbstractEventLoop:
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop ships with uvicorn[standard]
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()


def run_in_this_process(spec: LoadSpec) -> LoadResult:
    if spec.cpu is not None:
        os.sched_setaffinity(0, {spec.cpu})
    loop = _new_loop()
    try:
        return loop.run_until_complete(run_load(spec))
    finally:
        loop.close()


def main() -> None:
    raw: dict[str, Any] = json.load(sys.stdin)
    result = run_in_this_process(LoadSpec(**raw))
    json.dump(asdict(result), sys.stdout)


if __name__ == "__main__":
    main()

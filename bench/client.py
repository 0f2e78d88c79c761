"""Talking to the servers under test: query files, single requests, and load runs.

Load runs happen in a separate process (``python -m bench.loadgen``) pinned to the load CPU,
never in this one; single requests (probes, counters) go through httpx here, untimed.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import asdict
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
from graphql import parse, validate

from bench.loadgen import LoadResult, LoadSpec
from bench.servers import HOST, LOAD_CPU, ROOT

if TYPE_CHECKING:
    from bench.servers import Server

QUERIES = Path(__file__).resolve().parent / "queries"


@cache
def query(name: str) -> str:
    """The text of ``bench/queries/<name>.graphql``."""
    return (QUERIES / f"{name}.graphql").read_text(encoding="utf-8")


def body(name: str, variables: dict[str, Any]) -> str:
    """A request body: the query file's text always with variables (parser caches key on it)."""
    return json.dumps({"query": query(name), "variables": variables}, separators=(",", ":"))


@cache
def frontdesk_problem(name: str) -> str | None:
    """Why Frontdesk's schema cannot answer query ``name`` (None when it validates)."""
    from resolvers.schema import build_schema

    schema = build_schema()._schema
    errors = validate(schema, parse(query(name)))
    if not errors:
        return None
    # Missing fields say more than the knock-on errors (an unused scalar is absent, say).
    messages = [e.message for e in errors]
    fields = [m for m in messages if m.startswith("Cannot query field")]
    shown = "; ".join((fields or messages)[:2])
    return f"{name}.graphql does not validate against Frontdesk's schema: {shown}"


def post(server: Server, payload: str, headers: dict[str, str] | None = None) -> dict[str, Any]:
    """One request; raises when the answer is not a 200 without errors."""
    response = httpx.post(
        f"http://{HOST}:{server.port}/graphql",
        content=payload,
        headers={"Content-Type": "application/json", **(headers or {})},
        timeout=60,
    )
    answer: dict[str, Any] = response.json()
    if response.status_code != 200 or answer.get("errors"):
        raise RuntimeError(f"{server.name} answered {response.status_code}: {response.text[:500]}")
    return answer


def load(
    server: Server,
    bodies: list[str],
    *,
    connections: int = 10,
    duration_s: float = 3.0,
    warmup_s: float = 0.5,
    max_requests: int | None = None,
    min_requests: int = 1,
    start_index: int = 0,
    headers: dict[str, str] | None = None,
) -> LoadResult:
    """One load run against ``server`` from a generator process on the load CPU."""
    spec = LoadSpec(
        host=HOST,
        port=server.port,
        bodies=bodies,
        headers=headers or {},
        connections=connections,
        duration_s=duration_s,
        warmup_s=warmup_s,
        max_requests=max_requests,
        min_requests=min_requests,
        start_index=start_index,
        cpu=LOAD_CPU,
    )
    done = subprocess.run(
        [sys.executable, "-m", "bench.loadgen"],
        input=json.dumps(asdict(spec)).encode(),
        capture_output=True,
        cwd=ROOT,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"load generator failed: {done.stderr.decode()[-2000:]}")
    result = LoadResult(**json.loads(done.stdout))
    if result.errors:
        raise RuntimeError(
            f"{server.name}: {result.errors} of {result.requests} answers were errors; "
            f"first: {result.first_error}"
        )
    if result.requests == 0:
        raise RuntimeError(f"{server.name}: no answer within {duration_s} s")
    return result

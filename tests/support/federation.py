"""A live supergraph for tests: Frontdesk and the sample orders subgraph behind a real
Apollo gateway (npm ``@apollo/gateway`` with ``IntrospectAndCompose``, run by Node)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import subprocess
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from tests.support.live import free_port, served
from tests.support.npm import ROOT, npm_packages
from tests.support.orders_subgraph import orders_app

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from pathlib import Path

    from starlette.applications import Starlette

NPM_DIR = ROOT / ".cache" / "npm-federation"
PACKAGES = {
    "@apollo/composition": "2.14.4",
    "@apollo/gateway": "2.14.4",
    "@apollo/server": "5.5.1",
    "graphql": "16.11.0",
}
JS = ROOT / "tests" / "support" / "js"
GATEWAY_STARTUP = 60.0


def federation_modules() -> Path:
    return npm_packages(NPM_DIR, PACKAGES)


def compose(subgraphs: dict[str, Path]) -> dict[str, object]:
    """Apollo's ``composeServices`` over the SDL files: ``{"ok": ..., ...}``."""
    completed = subprocess.run(
        [
            "node",
            str(JS / "compose_supergraph.mjs"),
            str(federation_modules()),
            *(f"{name}={path}" for name, path in subgraphs.items()),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    result: dict[str, object] = json.loads(completed.stdout)
    return result


@asynccontextmanager
async def apollo_gateway(subgraphs: dict[str, str], introspection_key: str) -> AsyncIterator[str]:
    """A gateway over ``subgraphs`` (name -> GraphQL URL); yields its URL."""
    modules = federation_modules()
    process = await asyncio.create_subprocess_exec(
        "node",
        str(JS / "apollo_gateway.mjs"),
        str(modules),
        str(free_port()),
        *(f"{name}={url}" for name, url in subgraphs.items()),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        env={"PATH": "/usr/bin:/bin", "GATEWAY_INTROSPECTION_KEY": introspection_key},
    )
    assert process.stdout is not None
    assert process.stdin is not None
    try:
        line = await asyncio.wait_for(process.stdout.readline(), timeout=GATEWAY_STARTUP)
        text = line.decode().strip()
        if not text.startswith("ready "):
            raise RuntimeError(f"the Apollo gateway did not start: {text!r}")
        yield text.removeprefix("ready ").rstrip("/")
    finally:
        process.stdin.close()
        try:
            await asyncio.wait_for(process.wait(), timeout=10)
        except TimeoutError:
            process.kill()
            await process.wait()
        with contextlib.suppress(Exception):
            await process.stdout.read()


@asynccontextmanager
async def supergraph(frontdesk: Starlette, admin_key: str) -> AsyncIterator[str]:
    """Frontdesk and the orders subgraph served by uvicorn behind a gateway: its URL."""
    async with (
        served(frontdesk) as frontdesk_url,
        served(orders_app()) as orders_url,
        apollo_gateway(
            {"frontdesk": f"{frontdesk_url}/graphql", "orders": f"{orders_url}/graphql"},
            admin_key,
        ) as url,
    ):
        yield url

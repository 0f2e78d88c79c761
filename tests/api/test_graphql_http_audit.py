"""The graphql-http server audits (npm ``graphql-http``) pass, warnings included.

The suite runs in Node against a live ``frontdesk serve`` on a free loopback port; the npm
package is installed once into ``.cache/npm`` at a pinned version.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from tests.support.npm import npm_packages

if TYPE_CHECKING:
    from collections.abc import Iterator

GRAPHQL_HTTP_VERSION = "1.23.1"
ROOT = Path(__file__).resolve().parents[2]
NPM_DIR = ROOT / ".cache" / "npm"
SCRIPT = ROOT / "tests" / "support" / "js" / "graphql_http_audit.mjs"


def _npm_package() -> Path:
    return npm_packages(NPM_DIR, {"graphql-http": GRAPHQL_HTTP_VERSION})


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """``frontdesk serve`` on the embedded default: its URL and its demo admin key."""
    workdir = tmp_path_factory.mktemp("live")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("FRONTDESK_")}
    env["FRONTDESK_LOG_LEVEL"] = "warning"
    env["FRONTDESK_RATE_LIMIT_BURST"] = "1000"  # the audit sends its requests at once
    process = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("frontdesk")),
            "serve",
            "--port",
            str(port),
            "--workers",
            "1",
        ],
        cwd=workdir,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                httpx.get(f"{url}/healthz")
                break
            except httpx.TransportError:
                assert process.poll() is None, "frontdesk serve exited"
                assert time.monotonic() < deadline, "frontdesk serve did not answer in 30 s"
                time.sleep(0.2)
        key = (workdir / ".frontdesk" / "demo-admin-key").read_text().strip()
        yield f"{url}/graphql", key
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_every_graphql_over_http_audit_passes(live_server: tuple[str, str]) -> None:
    module_dir = _npm_package()
    url, key = live_server
    completed = subprocess.run(
        ["node", str(SCRIPT), str(module_dir), url, key],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    results = json.loads(completed.stdout)
    assert len(results) > 50
    failing = [result for result in results if result["status"] != "ok"]
    assert failing == [], json.dumps(failing, indent=2)

"""The graphql-http server audits (npm ``graphql-http``) pass, warnings included.

The suite runs in Node against a live ``frontdesk serve`` on a free loopback port; the npm
package is installed once into ``.cache/npm`` at a pinned version.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.support.npm import npm_packages
from tests.support.serve import environment, frontdesk_serving

if TYPE_CHECKING:
    from collections.abc import Iterator

GRAPHQL_HTTP_VERSION = "1.23.1"
ROOT = Path(__file__).resolve().parents[2]
NPM_DIR = ROOT / ".cache" / "npm"
SCRIPT = ROOT / "tests" / "support" / "js" / "graphql_http_audit.mjs"


def _npm_package() -> Path:
    return npm_packages(NPM_DIR, {"graphql-http": GRAPHQL_HTTP_VERSION})


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """``frontdesk serve`` on the embedded default: its URL and its demo admin key."""
    workdir = tmp_path_factory.mktemp("live")
    env = environment(
        FRONTDESK_LOG_LEVEL="warning",
        FRONTDESK_RATE_LIMIT_BURST="1000",  # the audit sends its requests at once
    )
    with frontdesk_serving(workdir, env=env, keep_banner=False) as served:
        yield served.graphql, served.admin_key()


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

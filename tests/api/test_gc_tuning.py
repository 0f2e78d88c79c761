"""A served process (the ASGI entry point) tunes the garbage collector once started; an app
built by other code (a test session, an embedding program) leaves it alone. Each case runs
in a process of its own: the collector's settings are process-wide."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import asyncio, gc, json
from asgi_lifespan import LifespanManager

async def main():
    before = gc.get_threshold()[0]
    if MODE == "served":
        from api.asgi import app_from_environment
        app = app_from_environment()
    else:
        from api.app import create_app
        from api.settings import load_settings
        app = create_app(load_settings())
    async with LifespanManager(app):
        print(json.dumps({"before": before, "gen0": gc.get_threshold()[0],
                          "frozen": gc.get_freeze_count()}))

asyncio.run(main())
"""


def probe(tmp_path: Path, mode: str, **env: str) -> dict[str, int]:
    done = subprocess.run(
        [sys.executable, "-c", f"MODE = {mode!r}\n{PROBE}"],
        cwd=ROOT,
        env={
            **os.environ,
            "FRONTDESK_DATA_DIR": str(tmp_path / mode),
            "FRONTDESK_LOG_LEVEL": "warning",
            "FRONTDESK_NOTICE_SENDER_IN_PROCESS": "false",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result: dict[str, int] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


@pytest.mark.parametrize(
    ("mode", "env", "tuned"),
    [
        ("served", {}, True),
        ("served", {"FRONTDESK_GC_TUNING": "false"}, False),
        ("embedded", {}, False),
    ],
    ids=["served", "served-with-tuning-off", "create_app"],
)
def test_only_a_served_process_tunes_the_collector(
    tmp_path: Path, mode: str, env: dict[str, str], tuned: bool
) -> None:
    from api.gc_tuning import GEN0_THRESHOLD

    seen = probe(tmp_path, mode, **env)
    if tuned:
        assert seen["gen0"] == GEN0_THRESHOLD
        assert seen["frozen"] > 10_000  # the start-up heap: schema, engine, modules
    else:
        assert seen["gen0"] == seen["before"]
        assert seen["frozen"] == 0

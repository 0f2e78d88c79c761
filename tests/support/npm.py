"""npm packages for tests that run JavaScript tools: installed once per cache dir, pinned."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def npm_packages(prefix: Path, packages: dict[str, str]) -> Path:
    """``prefix`` holding ``packages`` (name -> exact version), installing them when missing."""
    wanted = {}
    for name, version in packages.items():
        manifest = prefix / "node_modules" / name / "package.json"
        if not manifest.is_file() or json.loads(manifest.read_text())["version"] != version:
            wanted[name] = version
    if not wanted:
        return prefix
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        pytest.fail("this test needs Node.js and npm on PATH")
    specs = [f"{name}@{version}" for name, version in packages.items()]
    subprocess.run(
        [npm, "install", "--prefix", str(prefix), "--no-audit", "--no-fund", "--silent", *specs],
        check=True,
        timeout=300,
    )
    return prefix

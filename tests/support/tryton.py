"""A real Tryton server for the tests, started once per run.

The first run on a machine builds a database: ``trytond-admin`` initialises an empty SQLite file
with ``sale_credit_limit`` and its dependencies (about 30 s), a server is started on it, the
data of ``tests.support.tryton_seed`` is written through JSON-RPC, the server is stopped and the
file is kept under ``.cache/tryton/<key>/``. The key hashes the installed Tryton distributions'
versions and the harness's own source, so upgrading Tryton or changing the seed rebuilds it.
Every later run copies that file and starts ``trytond`` on it (a second or two).

The ``tryton`` fixture yields a ``TrytonServer``: URL, database, admin credentials, and
``stop()``/``start()`` so that tests can take the ERP away and bring it back.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from tests.support import tryton_rpc, tryton_seed
from tests.support.serve import free_port

if TYPE_CHECKING:
    from collections.abc import Iterator

DATABASE = "frontdesk"
USERNAME = "admin"
PASSWORD = "frontdesk-admin-secret"
REPO_ROOT = Path(__file__).resolve().parents[2]
CACHE_ROOT = REPO_ROOT / ".cache" / "tryton"
BIN = Path(sys.executable).parent
START_TIMEOUT = 120.0
INIT_TIMEOUT = 900.0


def cache_key() -> str:
    """Hash of the Tryton distributions' versions and of the harness's source files."""
    digest = hashlib.sha256()
    versions = sorted(
        f"{dist.metadata['Name']}=={dist.version}"
        for dist in importlib.metadata.distributions()
        if dist.metadata["Name"] and dist.metadata["Name"].lower().startswith("trytond")
    )
    digest.update("\n".join(versions).encode())
    digest.update(tryton_seed.SEED_VERSION.encode())
    for module in (__file__, tryton_seed.__file__, tryton_rpc.__file__):
        digest.update(Path(module).read_bytes())
    return digest.hexdigest()[:16]


@dataclass
class TrytonServer:
    """One ``trytond`` process serving ``database`` from the SQLite files in ``directory``."""

    directory: Path
    port: int
    database: str = DATABASE
    username: str = USERNAME
    password: str = PASSWORD
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def config_file(self) -> Path:
        return self.directory / "trytond.conf"

    @property
    def log_file(self) -> Path:
        return self.directory / "trytond.log"

    def write_config(self) -> None:
        self.config_file.write_text(
            "[database]\nuri = sqlite://\n"
            f"path = {self.directory}\n"
            "[web]\n"
            f"listen = 127.0.0.1:{self.port}\n"
        )

    def start(self) -> None:
        """Start ``trytond -d <database>`` and return once it answers JSON-RPC."""
        if self.running:
            return
        with self.log_file.open("ab") as log:
            self.process = subprocess.Popen(
                [str(BIN / "trytond"), "-c", str(self.config_file), "-d", self.database],
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=self.directory,
            )
        self._wait_ready()

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        """Terminate the server (SIGTERM, then SIGKILL) and wait until the port is closed."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def rpc(self) -> tryton_rpc.TrytonRpc:
        """A fresh admin JSON-RPC session, independent of the code under test."""
        return tryton_rpc.TrytonRpc(self.url, self.database, self.username, self.password)

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                raise RuntimeError(f"trytond exited on start:\n{self._log_tail()}")
            try:
                tryton_rpc.server_version(self.url, timeout=5)
            except (httpx.HTTPError, KeyError, ValueError):
                time.sleep(0.1)
                continue
            return
        self.stop()
        raise RuntimeError(f"trytond did not answer within {START_TIMEOUT} s:\n{self._log_tail()}")

    def _log_tail(self) -> str:
        if not self.log_file.exists():
            return ""
        return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-30:])


def _database_file(directory: Path, database: str = DATABASE) -> Path:
    return directory / f"{database}.sqlite"


def build_template(target: Path) -> None:
    """Initialise and seed a database in a scratch directory, then move it to ``target``."""
    scratch = target.parent / f"build-{os.getpid()}"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    server = TrytonServer(scratch, free_port())
    server.write_config()
    _database_file(scratch).touch()
    password_file = scratch / "password"
    password_file.write_text(PASSWORD)
    result = subprocess.run(
        [
            str(BIN / "trytond-admin"),
            "-c",
            str(server.config_file),
            "-d",
            DATABASE,
            "-u",
            "sale_credit_limit",
            "--activate-dependencies",
        ],
        input=b"\n",  # "email for admin (empty for none)": an address would need DNS to pass.
        env={**os.environ, "TRYTONPASSFILE": str(password_file)},
        capture_output=True,
        timeout=INIT_TIMEOUT,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"trytond-admin failed:\n{result.stdout.decode()}{result.stderr.decode()}"
        )
    server.start()
    try:
        rpc = server.rpc()
        try:
            tryton_seed.seed(rpc)
        finally:
            rpc.close()
    finally:
        server.stop()
    tryton_seed.insert_emails(_database_file(scratch))
    os.replace(_database_file(scratch), target)
    shutil.rmtree(scratch, ignore_errors=True)


def cached_template() -> Path:
    """The initialised, seeded database file for this Tryton version; built when missing."""
    target = CACHE_ROOT / cache_key() / f"{DATABASE}.sqlite"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        build_template(target)
    return target


@pytest.fixture(scope="session")
def tryton(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TrytonServer]:
    """A running Tryton server on a private copy of the seeded database."""
    template = cached_template()
    directory = tmp_path_factory.mktemp("tryton")
    shutil.copyfile(template, _database_file(directory))
    server = TrytonServer(directory, free_port())
    server.write_config()
    server.start()
    try:
        yield server
    finally:
        server.stop()

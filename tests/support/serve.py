"""``frontdesk serve`` as a real process, for the tests that start one.

``frontdesk_serving`` starts the installed command in a working directory of the test's own
(the embedded default keeps its data in ``.frontdesk`` there), with no ``FRONTDESK_*``
setting inherited from the test run, on a free loopback port; it waits until the server
answers HTTP, and stops it when the block ends. What the process wrote on stderr (the
start-up banner) is in ``Served.banner`` once it has stopped.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import httpx

if TYPE_CHECKING:
    from collections.abc import Iterator

FRONTDESK = Path(sys.executable).with_name("frontdesk")
START_TIMEOUT_S = 120.0
"""How long a start may take: the first start seeds the demo data, on a busy 2-core machine."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def environment(**values: str) -> dict[str, str]:
    """This process's environment without its ``FRONTDESK_*`` settings, plus ``values``."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("FRONTDESK_")}
    return {**clean, **values}


@dataclass
class Served:
    url: str
    """``http://127.0.0.1:<port>``."""
    workdir: Path
    process: subprocess.Popen[bytes]
    banner: str = ""
    """What the server wrote on stderr, once it has stopped (when it was kept)."""

    @property
    def graphql(self) -> str:
        return f"{self.url}/graphql"

    def admin_key(self) -> str:
        """The demo admin key the embedded default made at its first start."""
        return (self.workdir / ".frontdesk" / "demo-admin-key").read_text().strip()

    def alive(self) -> None:
        """Fail with what the server wrote if it has exited."""
        if self.process.poll() is not None:
            stderr = self.process.stderr.read().decode() if self.process.stderr else ""
            raise AssertionError(f"frontdesk serve exited: {stderr}")


@contextmanager
def frontdesk_serving(
    workdir: Path,
    *,
    env: dict[str, str] | None = None,
    workers: int | None = 1,
    keep_banner: bool = True,
    wait: bool = True,
) -> Iterator[Served]:
    """``frontdesk serve`` in ``workdir``; once it answers (``wait``), the block runs.

    ``workers=None`` keeps the command's default (one per core): those start fresh
    interpreters, whose imports alone can outlast a deadline on a busy test machine.
    ``keep_banner=False`` discards stderr (a long, chatty run could fill the pipe).
    """
    port = free_port()
    command = [str(FRONTDESK), "serve", "--port", str(port)]
    if workers is not None:
        command += ["--workers", str(workers)]
    process = subprocess.Popen(
        command,
        cwd=workdir,
        env=env if env is not None else environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE if keep_banner else subprocess.DEVNULL,
    )
    served = Served(url=f"http://127.0.0.1:{port}", workdir=workdir, process=process)
    try:
        if wait:
            deadline = time.monotonic() + START_TIMEOUT_S
            while True:
                try:
                    httpx.get(f"{served.url}/healthz")
                    break
                except httpx.TransportError:
                    served.alive()
                    assert time.monotonic() < deadline, (
                        f"frontdesk serve did not answer in {START_TIMEOUT_S:.0f} s"
                    )
                    time.sleep(0.2)
        yield served
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stderr is not None:
            served.banner = process.stderr.read().decode()
            process.stderr.close()

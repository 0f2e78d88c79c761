"""Running the notice sender: as a background task in the API process or as its own worker.

``NoticeSenderTask.start()`` / ``await stop()`` are what an application lifespan calls;
``run_until(stop)`` is what ``frontdesk worker`` runs. A pass that found a full batch is
followed at once by the next; otherwise the loop sleeps ``poll_interval`` seconds (or until
stopped). A pass that raises is logged and retried after the interval: the loop never dies.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from workflows.payments.sender import NoticeSender

log = logging.getLogger(__name__)


async def run_until(sender: NoticeSender, stop: asyncio.Event, *, poll_interval: float) -> None:
    """Run passes until ``stop`` is set."""
    while not stop.is_set():
        full = False
        try:
            summary = await sender.run_once()
            full = summary.claimed >= sender.batch_size
            if summary.claimed:
                log.info(
                    "payment notices: %d sent, %d skipped, %d failed, %d to retry",
                    summary.sent,
                    summary.skipped,
                    summary.failed,
                    summary.retried,
                )
        except Exception:
            log.exception("payment notice pass failed; retrying in %.1f s", poll_interval)
        if full:
            await asyncio.sleep(0)
            continue
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=poll_interval)


class NoticeSenderTask:
    """The sender as an in-process background task."""

    def __init__(self, sender: NoticeSender, *, poll_interval: float) -> None:
        self._sender = sender
        self._poll_interval = poll_interval
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self) -> None:
        if self.running:
            return
        self._stop.clear()
        self._task = asyncio.create_task(
            run_until(self._sender, self._stop, poll_interval=self._poll_interval),
            name="payment-notice-sender",
        )

    async def stop(self) -> None:
        """Let the current message finish, then end the loop."""
        if self._task is None:
            return
        self._stop.set()
        await self._task
        self._task = None

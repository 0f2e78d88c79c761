"""The ERP change feed for ERPs that cannot call out (option 2 beside the webhook).

A ``ChangePoller`` asks the adapter for every customer's version on an interval
(``customer_versions()``: the ``sql`` adapter's version column, Tryton's ``write_date``),
compares with what it saw last time, and hands the numbers that changed, appeared or
vanished to ``on_changed`` (the cache's ``invalidate``), which drops them on every instance
and so raises the same ``customerChanged`` events as the webhook. The first poll only takes
the baseline. Run it on one instance: each poller reports each change once.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import structlog

from erp_gateway.errors import ErpError

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Mapping

log = structlog.get_logger("frontdesk.erp.change_feed")


@runtime_checkable
class VersionedCustomers(Protocol):
    """An adapter that can list every customer's current version."""

    async def customer_versions(self) -> Mapping[str, str]: ...


class ChangePoller:
    def __init__(
        self,
        source: VersionedCustomers,
        on_changed: Callable[[list[str]], Awaitable[None]],
        *,
        interval: float,
    ) -> None:
        self.source = source
        self.on_changed = on_changed
        self.interval = interval
        self._seen: dict[str, str] | None = None
        self._task: asyncio.Task[None] | None = None

    async def poll_once(self) -> list[str]:
        """The numbers changed since the last poll (already handed to ``on_changed``)."""
        current = dict(await self.source.customer_versions())
        previous, self._seen = self._seen, current
        if previous is None:
            return []
        changed = [n for n, v in current.items() if previous.get(n) != v]
        changed += [n for n in previous if n not in current]
        if changed:
            await self.on_changed(changed)
        return changed

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        while True:
            try:
                await self.poll_once()
            except ErpError as exc:
                log.warning("change feed poll failed", error=str(exc))
            except Exception:
                log.exception("change feed poll failed")
            await asyncio.sleep(self.interval)

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

"""The operation's view of the ERP: the gateway, the freshness policy, the summary.

``ErpAccess`` lives in the ``Context``. ``live`` is the request's freshness policy
(``Cache-Control: no-cache``: read the ERP, never a stale copy). Every ERP read of the
operation is noted here, and the summary is kept in the response's ``extensions.erp``:
``{stale, oldestFetchedAt, circuit}``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from strawberry.dataloader import DataLoader

from erp_gateway.errors import ErpUnavailable
from erp_gateway.freshness import Fetched, read_customers
from erp_gateway.port import ErpGateway
from resolvers.pagination import MAX_PAGE_SIZE


def _closed() -> str:
    return "closed"


@dataclass(slots=True, kw_only=True)
class ErpAccess:
    gateway: ErpGateway
    live: bool = False
    circuit: Callable[[], str] = _closed
    extensions: dict[str, object] = field(default_factory=dict)
    """The context's response extensions, where the summary is written."""
    max_page: int = MAX_PAGE_SIZE
    """The cap of ``customers(first:)`` (``FRONTDESK_CUSTOMERS_MAX_PAGE``)."""
    stale: bool = False
    oldest: Fetched | None = None

    def asking(self) -> None:
        """A read of the operation is going out: the summary exists from now on, so that an
        answer built before the read returns (a sibling's error can end the operation first)
        still says the ERP was asked, and in which circuit state."""
        if "erp" not in self.extensions:
            self.summarise()

    def note(self, fetched: Iterable[Fetched]) -> None:
        """Fold these reads into the operation's freshness summary."""
        for item in fetched:
            self.stale = self.stale or item.stale
            if self.oldest is None or item.record.fetched_at < self.oldest.record.fetched_at:
                self.oldest = item
        self.summarise()

    def summarise(self) -> None:
        oldest = self.oldest.record.fetched_at.isoformat() if self.oldest else None
        self.extensions["erp"] = {
            "stale": self.stale,
            "oldestFetchedAt": oldest,
            "circuit": self.circuit(),
        }


def customer_by_number(erp: ErpAccess | None) -> DataLoader[str, Fetched | None]:
    """Every number asked for in one tick goes to the gateway in one batch."""

    async def load(numbers: list[str]) -> list[Fetched | BaseException | None]:
        if erp is None:
            return [ErpUnavailable("no ERP is configured")] * len(numbers)
        erp.asking()
        reads = await read_customers(erp.gateway, numbers, live=erp.live)
        erp.note(reads.found.values())
        if reads.unavailable:
            erp.summarise()
        return [reads.found.get(n) or reads.unavailable.get(n) for n in numbers]

    return DataLoader(load_fn=load)

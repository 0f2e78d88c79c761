"""The read-through cache: an ``ErpGateway`` wrapper over aiocache (memory or Redis).

- A record is fresh for ``ttl`` seconds after it was cached; then the next read goes to the
  ERP. Entries are kept up to ``stale_limit`` so that a failed re-read can fall back on them.
- Single flight: concurrent misses for one number share one ERP call, and all misses of a
  batch go to the ERP in one ``get_customers`` call. The caller that misses makes the call
  itself, in its own task (no task of the cache's, no loop turn before the call goes out);
  callers that want the same numbers meanwhile wait for its outcome, each on a future of its
  own, so that cancelling one waiter disturbs no other. Should the caller making the call be
  cancelled while others wait, the call is made again for them in a task of its own.
- Stale-if-error: when the ERP is unavailable, the last known record (no older than
  ``stale_limit``) is served as ``Fetched(record, stale=True)``.
- ``read_customers(..., live=True)`` (``Cache-Control: no-cache``) reads the ERP, never
  serves stale copies, and refreshes the cache with what it read.
- ``invalidate(numbers)`` drops keys here and, through ``Invalidations`` (Redis pub/sub),
  on every instance. Writes pass through and invalidate.
- Searches: a search's page (which numbers, in which order, the total) is remembered in the
  process for ``ttl`` (at most ``MAX_SEARCHES`` of them); a repeated search reads its records
  through the cache above, so a cached page costs no ERP call. Any invalidation (local or
  from another instance) and any write forget every remembered search, so a changed customer
  is never served from a remembered page; what a remembered page cannot see is a customer
  the ERP adds or changes without telling Frontdesk, for at most ``ttl`` (as for records).
  ``live`` searches always ask the ERP. A page whose records are not all fresh in the cache
  is asked again.
"""

from __future__ import annotations

import asyncio
import math
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import structlog

from erp_gateway.errors import ErpUnavailable
from erp_gateway.freshness import Fetched, Reads
from erp_gateway.observer import ErpObserver, NullObserver
from erp_gateway.records import Page

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Mapping, Sequence

    from erp_gateway.port import ErpGateway
    from erp_gateway.records import (
        Address,
        AddressRole,
        CustomerQuery,
        ErpCustomer,
        NewCustomer,
    )

log = structlog.get_logger("frontdesk.erp.cache")

Entry = tuple["ErpCustomer", float]
"""What the cache holds per number: the record and when it was cached (the clock's time)."""


class Invalidations(Protocol):
    """Carries "drop these numbers" to every instance (see ``erp_gateway.invalidation``)."""

    async def publish(self, numbers: Sequence[str]) -> None: ...

    async def start(self, on_numbers: Callable[[list[str]], Awaitable[None]]) -> None: ...

    async def close(self) -> None: ...


MAX_SEARCHES = 256


@dataclass(frozen=True, slots=True)
class _Search:
    numbers: tuple[str, ...]
    has_next: bool
    total: int | None
    at: float


def _key(number: str) -> str:
    return f"customer:{number}"


class _Flight:
    """One ERP read of some numbers, and the callers waiting for it besides its maker."""

    __slots__ = ("numbers", "waiters")

    def __init__(self, numbers: list[str]) -> None:
        self.numbers = numbers
        self.waiters: list[tuple[str, asyncio.Future[ErpCustomer | None]]] = []

    def wait(self, number: str) -> asyncio.Future[ErpCustomer | None]:
        waiter: asyncio.Future[ErpCustomer | None] = asyncio.get_running_loop().create_future()
        self.waiters.append((number, waiter))
        return waiter

    def found(self, records: Mapping[str, ErpCustomer]) -> None:
        for number, waiter in self.waiters:
            if not waiter.done():
                waiter.set_result(records.get(number))

    def failed(self, error: ErpUnavailable) -> None:
        for _, waiter in self.waiters:
            if not waiter.done():
                waiter.set_exception(error)
                waiter.exception()  # retrieved: waiters re-raise it themselves


class CachingGateway:
    """Implements ``ErpGateway`` (and ``FreshnessAware``) over ``inner`` with a cache."""

    def __init__(
        self,
        inner: ErpGateway,
        cache: Any,
        *,
        ttl: float = 30.0,
        stale_limit: float = 24 * 3600.0,
        clock: Callable[[], float] = time.time,
        observer: ErpObserver | None = None,
        invalidations: Invalidations | None = None,
    ) -> None:
        self.inner = inner
        self.cache = cache
        self.ttl = ttl
        self.stale_limit = stale_limit
        self.clock = clock
        self.observer = observer or NullObserver()
        self.invalidations = invalidations
        self.change_listeners: list[Callable[[Sequence[str]], Awaitable[None]]] = []
        """Told, once per instance, which numbers changed (subscription events)."""
        self.dropped_by_others: list[str] = []
        """Numbers other instances told this one to drop (observable for tests and logs)."""
        self._inflight: dict[str, _Flight] = {}
        self._searches: dict[CustomerQuery, _Search] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        """Listen for other instances' invalidations (when there is a channel)."""
        if self.invalidations is not None:
            await self.invalidations.start(self._on_remote_invalidation)

    # --- reads

    async def read_customers(self, numbers: Sequence[str], *, live: bool = False) -> Reads:
        wanted = list(dict.fromkeys(numbers))
        if not wanted:
            return Reads()
        if live:
            return await self._read_live(wanted)
        reads = Reads()
        joined = {n: self._inflight[n] for n in wanted if n in self._inflight}
        lookup = [n for n in wanted if n not in joined]
        entries = await self._get_entries(lookup)
        now = self.clock()
        old: dict[str, Entry] = {}
        misses: list[str] = []
        for number in lookup:
            entry = entries.get(number)
            if entry is not None and now - entry[1] < self.ttl:
                reads.found[number] = Fetched(entry[0])
                continue
            if entry is not None and now - entry[1] <= self.stale_limit:
                old[number] = entry
            if number in self._inflight:  # another caller started it while we looked
                joined[number] = self._inflight[number]
            else:
                misses.append(number)
        self.observer.cache("hit", len(reads.found))
        self.observer.cache("miss", len(misses) + len(joined))
        outcomes: dict[str, ErpCustomer | ErpUnavailable | None] = {}
        if misses:
            outcomes.update(await self._fetch(misses))
        for number, flight in joined.items():
            try:
                outcomes[number] = await flight.wait(number)
            except ErpUnavailable as exc:
                outcomes[number] = exc
        for number, outcome in outcomes.items():
            if isinstance(outcome, ErpUnavailable):
                entry = old.get(number) or await self._stale_entry(number)
                if entry is None:
                    reads.unavailable[number] = outcome
                else:
                    self.observer.cache("stale")
                    reads.found[number] = Fetched(entry[0], stale=True)
            elif outcome is not None:
                reads.found[number] = Fetched(outcome)
        return reads

    async def _fetch(self, numbers: list[str]) -> dict[str, ErpCustomer | ErpUnavailable | None]:
        """One ERP call for ``numbers``, made here; whoever waits on the flight meanwhile gets
        its record, None or the error too."""
        flight = _Flight(numbers)
        self._inflight.update(dict.fromkeys(numbers, flight))
        handed_over = False
        try:
            return await self._fly(flight)
        except asyncio.CancelledError:
            handed_over = self._hand_over(flight)
            raise
        finally:
            if not handed_over:
                self._land(flight)

    async def _fly(self, flight: _Flight) -> dict[str, ErpCustomer | ErpUnavailable | None]:
        """``flight``'s ERP call and cache write; its waiters get what it found or its error.
        Cancellation reaches the caller alone, with the waiters left waiting."""
        try:
            found = await self.inner.get_customers(flight.numbers)
        except asyncio.CancelledError:
            raise
        except BaseException as exc:
            error = exc if isinstance(exc, ErpUnavailable) else ErpUnavailable(str(exc))
            flight.failed(error)
            if not isinstance(exc, Exception):
                raise
            return dict.fromkeys(flight.numbers, error)
        try:
            await self._put(found.values())
        finally:
            flight.found(found)
        return {number: found.get(number) for number in flight.numbers}

    def _hand_over(self, flight: _Flight) -> bool:
        """The caller making ``flight``'s call was cancelled: make the call again, in a task
        of the cache's, for those still waiting. False when nobody waits."""
        if not any(not waiter.done() for _, waiter in flight.waiters):
            return False
        task = asyncio.get_running_loop().create_task(self._fly_for_waiters(flight))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return True

    async def _fly_for_waiters(self, flight: _Flight) -> None:
        try:
            await self._fly(flight)
        except asyncio.CancelledError as exc:
            flight.failed(ErpUnavailable(str(exc)))
            raise
        finally:
            self._land(flight)

    def _land(self, flight: _Flight) -> None:
        for number in flight.numbers:
            if self._inflight.get(number) is flight:
                del self._inflight[number]

    async def _read_live(self, numbers: list[str]) -> Reads:
        try:
            found = await self.inner.get_customers(numbers)
        except ErpUnavailable as exc:
            return Reads(unavailable=dict.fromkeys(numbers, exc))
        await self._put(found.values())
        gone = [n for n in numbers if n not in found]
        if gone:
            await self._drop(gone)
        return Reads(found={n: Fetched(r) for n, r in found.items()})

    async def get_customers(self, numbers: Sequence[str]) -> Mapping[str, ErpCustomer]:
        reads = await self.read_customers(numbers)
        if reads.unavailable:
            raise next(iter(reads.unavailable.values()))
        return {n: f.record for n, f in reads.found.items()}

    async def search_customers(
        self, query: CustomerQuery, *, live: bool = False
    ) -> Page[ErpCustomer]:
        """A remembered page when every record of it is fresh in the cache; else the ERP's
        answer, whose records refresh the cache."""
        if not live:
            remembered = await self._remembered(query)
            if remembered is not None:
                return remembered
        page = await self.inner.search_customers(query)
        await self._put(page.items)
        if len(self._searches) >= MAX_SEARCHES:
            del self._searches[next(iter(self._searches))]
        self._searches[query] = _Search(
            numbers=tuple(r.number for r in page.items),
            has_next=page.has_next,
            total=page.total,
            at=self.clock(),
        )
        return page

    async def _remembered(self, query: CustomerQuery) -> Page[ErpCustomer] | None:
        search = self._searches.get(query)
        if search is None or self.clock() - search.at >= self.ttl:
            return None
        entries = await self._get_entries(list(search.numbers))
        now = self.clock()
        items = []
        for number in search.numbers:
            entry = entries.get(number)
            if entry is None or now - entry[1] >= self.ttl:
                return None
            items.append(entry[0])
        self.observer.cache("hit", len(items))
        return Page(items=tuple(items), has_next=search.has_next, total=search.total)

    async def ping(self) -> None:
        await self.inner.ping()

    # --- writes

    async def update_address(
        self,
        number: str,
        role: AddressRole,
        address: Address,
        *,
        expected_version: str | None = None,
    ) -> ErpCustomer:
        try:
            return await self.inner.update_address(
                number, role, address, expected_version=expected_version
            )
        finally:
            await self.invalidate([number])

    async def create_customer(self, draft: NewCustomer, *, idempotency_key: str) -> ErpCustomer:
        record = await self.inner.create_customer(draft, idempotency_key=idempotency_key)
        await self.invalidate([record.number])
        return record

    # --- invalidation

    async def invalidate(self, numbers: Sequence[str]) -> None:
        """Drop ``numbers`` here and on every instance sharing the invalidation channel."""
        await self._drop(numbers)
        if self.invalidations is not None:
            await self.invalidations.publish(list(numbers))  # comes back to every instance
        else:
            await self._changed(numbers)

    async def _on_remote_invalidation(self, numbers: list[str]) -> None:
        self.dropped_by_others.extend(numbers)
        await self._drop(numbers)
        await self._changed(numbers)

    async def _changed(self, numbers: Sequence[str]) -> None:
        for listener in self.change_listeners:
            try:
                await listener(numbers)
            except Exception:
                log.warning("a change listener failed", exc_info=True)

    async def close(self) -> None:
        try:
            if self.invalidations is not None:
                await self.invalidations.close()
            await self.cache.close()
        finally:
            await self.inner.close()

    # --- the cache itself (a cache failure is a miss, never an error)

    async def _get_entries(self, numbers: list[str]) -> dict[str, Entry]:
        if not numbers:
            return {}
        try:
            values = await self.cache.multi_get([_key(n) for n in numbers])
        except Exception:
            log.warning("cache read failed", exc_info=True)
            return {}
        return {n: v for n, v in zip(numbers, values, strict=True) if v is not None}

    async def _stale_entry(self, number: str) -> Entry | None:
        entry = (await self._get_entries([number])).get(number)
        if entry is not None and self.clock() - entry[1] <= self.stale_limit:
            return entry
        return None

    async def _put(self, records: Any) -> None:
        now = self.clock()
        pairs = [(_key(r.number), (r, now)) for r in records]
        if not pairs:
            return
        try:
            await self.cache.multi_set(pairs, ttl=math.ceil(self.stale_limit))
        except Exception:
            log.warning("cache write failed", exc_info=True)

    async def _drop(self, numbers: Sequence[str]) -> None:
        self._searches.clear()
        for number in numbers:
            try:
                await self.cache.delete(_key(number))
            except Exception:
                log.warning("cache delete failed", exc_info=True)

"""Resilience around an adapter: a timeout on every call, a circuit breaker, retried reads.

    caller -> ResilientGateway -> breaker open?  -> ErpUnavailable("circuit open"), no call
                                  attempt with timeout -> ok / logical error: breaker success
                                  ErpUnavailable or timeout -> breaker failure; reads retry
                                  with full-jitter backoff while attempts remain

Only idempotent reads (``get_customers``, ``search_customers``, ``ping``) are retried; a write
that timed out may have happened, so it is reported, never repeated here (``create_customer``
has its idempotency key for a caller's own retry).
"""

from __future__ import annotations

import asyncio
import random
import time
from typing import TYPE_CHECKING, TypeVar

from erp_gateway.errors import ErpNotFound, ErpRejected, ErpUnavailable
from erp_gateway.observer import CircuitState, ErpObserver, NullObserver

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Mapping, Sequence

    from erp_gateway.port import ErpGateway
    from erp_gateway.records import (
        Address,
        AddressRole,
        CustomerQuery,
        ErpCustomer,
        NewCustomer,
        Page,
    )

T = TypeVar("T")


class CircuitBreaker:
    """closed -> (``threshold`` failures in a row) -> open -> (``cool_down`` s) -> half_open;
    half_open lets one trial call through: success closes, failure opens again."""

    def __init__(
        self,
        *,
        threshold: int = 5,
        cool_down: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
        observer: ErpObserver | None = None,
    ) -> None:
        self.threshold = threshold
        self.cool_down = cool_down
        self._clock = clock
        self._observer = observer or NullObserver()
        self._state: CircuitState = "closed"
        self._failures = 0
        self._opened_at = 0.0
        self._trial_running = False
        self._observer.circuit("closed")

    @property
    def state(self) -> CircuitState:
        """The state now (an open circuit whose cool-down ended reads as half_open)."""
        if self._state == "open" and self._clock() - self._opened_at >= self.cool_down:
            return "half_open"
        return self._state

    def _enter(self, state: CircuitState) -> None:
        if state != self._state:
            self._state = state
            self._observer.circuit(state)

    def acquire(self) -> None:
        """Allow a call or raise ``ErpUnavailable`` without calling the ERP."""
        state = self.state
        if state == "closed":
            return
        if state == "half_open" and not self._trial_running:
            self._enter("half_open")
            self._trial_running = True
            return
        raise ErpUnavailable("the ERP circuit is open after repeated failures")

    def release(self) -> None:
        """A call ended without a verdict (cancelled): let another trial through."""
        self._trial_running = False

    def success(self) -> None:
        self._failures = 0
        self._trial_running = False
        self._enter("closed")

    def failure(self) -> None:
        self._failures += 1
        if self._state == "half_open" or self._failures >= self.threshold:
            self._trial_running = False
            self._opened_at = self._clock()
            self._enter("open")


class ResilientGateway:
    """Implements ``ErpGateway`` over ``inner`` with timeouts, a breaker and retried reads."""

    def __init__(
        self,
        inner: ErpGateway,
        *,
        timeout: float = 2.0,
        retries: int = 2,
        backoff: float = 0.05,
        backoff_max: float = 1.0,
        breaker: CircuitBreaker | None = None,
        observer: ErpObserver | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.inner = inner
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.backoff_max = backoff_max
        self.observer = observer or NullObserver()
        self.breaker = breaker or CircuitBreaker(observer=self.observer)
        self._rng = rng or random.Random()

    async def _once(self, operation: str, call: Callable[[], Awaitable[T]]) -> T:
        self.breaker.acquire()
        started = time.perf_counter()
        outcome = "ok"
        try:
            async with asyncio.timeout(self.timeout):
                result = await call()
        except TimeoutError as exc:
            outcome = "unavailable"
            self.breaker.failure()
            raise ErpUnavailable(
                f"the ERP did not answer within {self.timeout} s", operation=operation
            ) from exc
        except ErpUnavailable:
            outcome = "unavailable"
            self.breaker.failure()
            raise
        except ErpNotFound:
            outcome = "not_found"
            self.breaker.success()
            raise
        except ErpRejected:
            outcome = "rejected"
            self.breaker.success()
            raise
        except asyncio.CancelledError:
            outcome = "cancelled"
            self.breaker.release()
            raise
        except Exception:
            outcome = "error"
            self.breaker.failure()
            raise
        finally:
            self.observer.erp_call(operation, outcome, time.perf_counter() - started)
        self.breaker.success()
        return result

    async def _read(self, operation: str, call: Callable[[], Awaitable[T]]) -> T:
        attempt = 0
        while True:
            try:
                return await self._once(operation, call)
            except ErpUnavailable:
                if attempt >= self.retries or self.breaker.state == "open":
                    raise
            delay = self._rng.uniform(0, min(self.backoff_max, self.backoff * 2**attempt))
            attempt += 1
            await asyncio.sleep(delay)

    async def get_customers(self, numbers: Sequence[str]) -> Mapping[str, ErpCustomer]:
        return await self._read("get_customers", lambda: self.inner.get_customers(numbers))

    async def search_customers(self, query: CustomerQuery) -> Page[ErpCustomer]:
        return await self._read("search_customers", lambda: self.inner.search_customers(query))

    async def ping(self) -> None:
        await self._read("ping", self.inner.ping)

    async def update_address(
        self,
        number: str,
        role: AddressRole,
        address: Address,
        *,
        expected_version: str | None = None,
    ) -> ErpCustomer:
        return await self._once(
            "update_address",
            lambda: self.inner.update_address(
                number, role, address, expected_version=expected_version
            ),
        )

    async def create_customer(self, draft: NewCustomer, *, idempotency_key: str) -> ErpCustomer:
        return await self._once(
            "create_customer",
            lambda: self.inner.create_customer(draft, idempotency_key=idempotency_key),
        )

    async def close(self) -> None:
        await self.inner.close()

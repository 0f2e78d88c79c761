"""What the wrappers report about themselves, for metrics; ``api`` plugs Prometheus in.

The gateway never imports a metrics library: it calls an ``ErpObserver`` it was given.
"""

from __future__ import annotations

from typing import Literal, Protocol

CacheResult = Literal["hit", "miss", "stale"]
CircuitState = Literal["closed", "open", "half_open"]


class ErpObserver(Protocol):
    def erp_call(self, operation: str, outcome: str, seconds: float) -> None:
        """One call to the ERP ended (``outcome``: ok, unavailable, rejected, not_found)."""

    def cache(self, result: CacheResult, count: int = 1) -> None:
        """``count`` keys were answered from the cache, missed it, or were served stale."""

    def circuit(self, state: CircuitState) -> None:
        """The circuit breaker entered ``state``."""


class NullObserver:
    """Reports nowhere."""

    def erp_call(self, operation: str, outcome: str, seconds: float) -> None:
        return None

    def cache(self, result: CacheResult, count: int = 1) -> None:
        return None

    def circuit(self, state: CircuitState) -> None:
        return None

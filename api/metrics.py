"""Prometheus metrics: one registry per application, so two apps in one process never clash.

``Metrics`` is also the ERP gateway's ``ErpObserver``: the wrappers report calls, cache
results and circuit changes to it without knowing about Prometheus.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from starlette.responses import Response

if TYPE_CHECKING:
    from starlette.requests import Request

    from api.lifespan import AppState
    from erp_gateway.observer import CacheResult, CircuitState

MAX_OPERATION_NAMES = 200
_NAMED_OPERATION = re.compile(r"\b(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)")


def operation_label(query: object, operation_name: object) -> str:
    """An operation's name for the metrics: ``operationName``, else the document's first named
    operation, else "anonymous"."""
    if isinstance(operation_name, str) and operation_name:
        return operation_name
    found = _NAMED_OPERATION.search(query) if isinstance(query, str) else None
    return found.group(1) if found else "anonymous"


CIRCUIT_VALUES: dict[str, float] = {"closed": 0, "half_open": 1, "open": 2}


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self._operation_names: set[str] = set()
        self._request_series: dict[tuple[str, bool], tuple[Counter, Histogram]] = {}
        """Each operation's two series, looked up once (``labels`` costs microseconds)."""
        self._erp_series: dict[tuple[str, str], tuple[Counter, Histogram]] = {}
        self._cache_series: dict[str, Counter] = {}
        self.erp_calls = Counter(
            "frontdesk_erp_calls",
            "Calls to the ERP by operation and outcome.",
            ["operation", "outcome"],
            registry=self.registry,
        )
        self.erp_seconds = Histogram(
            "frontdesk_erp_call_seconds",
            "Duration of ERP calls.",
            ["operation"],
            registry=self.registry,
        )
        self.erp_cache = Counter(
            "frontdesk_erp_cache",
            "ERP cache lookups per customer: hit, miss or stale.",
            ["result"],
            registry=self.registry,
        )
        self.circuit_state = Gauge(
            "frontdesk_circuit_state",
            "The ERP circuit breaker: 0 closed, 1 half-open, 2 open.",
            registry=self.registry,
        )
        self.requests = Counter(
            "frontdesk_graphql_requests",
            "GraphQL requests by operation name and outcome (ok or error).",
            ["operation", "outcome"],
            registry=self.registry,
        )
        self.request_seconds = Histogram(
            "frontdesk_graphql_request_seconds",
            "GraphQL request latency by operation name.",
            ["operation"],
            registry=self.registry,
        )

    # --- ErpObserver

    def erp_call(self, operation: str, outcome: str, seconds: float) -> None:
        series = self._erp_series.get((operation, outcome))
        if series is None:
            series = self._erp_series[(operation, outcome)] = (
                self.erp_calls.labels(operation=operation, outcome=outcome),
                self.erp_seconds.labels(operation=operation),
            )
        series[0].inc()
        series[1].observe(seconds)

    def cache(self, result: CacheResult, count: int = 1) -> None:
        if count:
            series = self._cache_series.get(result)
            if series is None:
                series = self._cache_series[result] = self.erp_cache.labels(result=result)
            series.inc(count)

    def circuit(self, state: CircuitState) -> None:
        self.circuit_state.set(CIRCUIT_VALUES[state])

    # --- GraphQL

    def graphql_request(self, operation: str, *, ok: bool, seconds: float) -> None:
        """Count one operation; names are client-chosen, so past ``MAX_OPERATION_NAMES``
        distinct ones (or odd ones) count as "other" and the series stay bounded."""
        if operation not in self._operation_names:
            if len(self._operation_names) >= MAX_OPERATION_NAMES or len(operation) > 64:
                operation = "other"
            else:
                self._operation_names.add(operation)
        series = self._request_series.get((operation, ok))
        if series is None:
            series = self._request_series[(operation, ok)] = (
                self.requests.labels(operation=operation, outcome="ok" if ok else "error"),
                self.request_seconds.labels(operation=operation),
            )
        series[0].inc()
        series[1].observe(seconds)

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


async def metrics_endpoint(request: Request) -> Response:
    """``GET /metrics``: the Prometheus text format."""
    state: AppState = request.app.state.frontdesk
    state.metrics.circuit(state.erp.breaker.state)
    return Response(state.metrics.exposition(), media_type=CONTENT_TYPE_LATEST)

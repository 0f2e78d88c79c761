"""Prometheus metrics of payment notices, registered on the registry the caller gives."""

from __future__ import annotations

from typing import TYPE_CHECKING

from prometheus_client import Counter, Gauge

if TYPE_CHECKING:
    from prometheus_client import CollectorRegistry


class NoticeMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.queued = Gauge(
            "frontdesk_payment_notices_queued",
            "Payment notices waiting in the outbox (due or not).",
            registry=registry,
        )
        self.sent = Counter(
            "frontdesk_payment_notices_sent", "Payment notices sent.", registry=registry
        )
        self.failed = Counter(
            "frontdesk_payment_notices_failed",
            "Payment notices given up (permanent error or too many attempts).",
            registry=registry,
        )
        self.skipped = Counter(
            "frontdesk_payment_notices_skipped",
            "Payment notices not sent for want of an e-mail address.",
            registry=registry,
        )
        self.retried = Counter(
            "frontdesk_payment_notices_retried",
            "Attempts that failed transiently and were put back for later.",
            registry=registry,
        )
        self.outbox_age = Gauge(
            "frontdesk_payment_notices_outbox_age_seconds",
            "Age of the oldest due payment notice in the outbox; 0 when none is due.",
            registry=registry,
        )

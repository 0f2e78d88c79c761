"""Pieces every HTTP adapter shares: versions, keyset paging, transport errors, idempotency."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import TYPE_CHECKING

import httpx

from erp_gateway.errors import ErpUnavailable
from erp_gateway.records import Page

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Iterable, Sequence

    from erp_gateway.records import CustomerQuery, ErpCustomer


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def version_digest(parts: Iterable[object]) -> str:
    """A short, stable token from the modification stamps of a customer and its addresses.

    The ERPs version each document on its own (Odoo's ``write_date``, Frappe's ``modified``);
    a customer as Frontdesk sees it spans several documents, so its version digests them all.
    """
    text = "\x1f".join(str(part) for part in parts)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def idempotency_digest(key: str) -> str:
    """A deterministic, upper-case marker derived from a client's idempotency key."""
    return hashlib.sha256(key.encode()).hexdigest()[:12].upper()


async def keyset_page(
    query: CustomerQuery,
    fetch: Callable[[str | None, int], Awaitable[Sequence[ErpCustomer]]],
    count: Callable[[], Awaitable[int]] | None = None,
) -> Page[ErpCustomer]:
    """One page ordered by number, filtered on credit hold after the ERP answers.

    ``fetch(after, size)`` returns up to ``size`` customers with numbers above ``after``, in
    number order. Credit hold is derived by the adapter (neither Odoo nor ERPNext can filter
    on it server side), so a query on it may take several fetches; without it, one.
    ``count()``, when given, tells how many match in all; it is asked only when credit hold
    is not filtered on (the ERP cannot count what it cannot filter).
    """
    size = query.limit + 1
    matches: list[ErpCustomer] = []
    cursor = query.after
    while True:
        batch = await fetch(cursor, size)
        matches.extend(c for c in batch if query.credit_hold in (None, c.credit_hold))
        if len(matches) > query.limit or len(batch) < size:
            break
        cursor = batch[-1].number
    total = await count() if count is not None and query.credit_hold is None else None
    return Page(
        items=tuple(matches[: query.limit]), has_next=len(matches) > query.limit, total=total
    )


def transport_failure(vendor: str, exc: httpx.HTTPError) -> ErpUnavailable:
    """Translate httpx's errors (timeouts, refused connections) into ``ErpUnavailable``."""
    if isinstance(exc, httpx.TimeoutException):
        return ErpUnavailable(f"{vendor} did not answer in time")
    return ErpUnavailable(f"{vendor} is unreachable: {exc.__class__.__name__}")


def status_failure(vendor: str, response: httpx.Response) -> ErpUnavailable | None:
    """``ErpUnavailable`` for statuses that mean "try again later" (429 and 5xx)."""
    if response.status_code == 429 or response.status_code >= 500:
        return ErpUnavailable(f"{vendor} answered HTTP {response.status_code}")
    return None

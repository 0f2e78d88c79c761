"""Records to JSON and back, exactly: ``Decimal`` stays ``Decimal``, datetimes keep their offset.

The Redis cache stores customers as JSON text; ``customer_from_json(customer_to_json(r)) == r``
for every ``ErpCustomer``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import orjson
from aiocache.serializers import BaseSerializer

from erp_gateway.records import Address, ErpCustomer, Money


def _money(value: Money | None) -> list[str] | None:
    return None if value is None else [str(value.amount), value.currency]


def _address(value: Address | None) -> list[str | None] | None:
    if value is None:
        return None
    return [value.street, value.city, value.postal_code, value.region, value.country]


def customer_to_dict(record: ErpCustomer) -> dict[str, Any]:
    return {
        "number": record.number,
        "name": record.name,
        "tax_id": record.tax_id,
        "email": record.email,
        "credit_hold": record.credit_hold,
        "credit_hold_reason": record.credit_hold_reason,
        "credit_limit": _money(record.credit_limit),
        "payment_terms": record.payment_terms,
        "balance": _money(record.balance),
        "billing_address": _address(record.billing_address),
        "shipping_address": _address(record.shipping_address),
        "version": record.version,
        "fetched_at": record.fetched_at.isoformat(),
    }


def _money_from(value: Any) -> Money | None:
    return None if value is None else Money(Decimal(value[0]), value[1])


def _address_from(value: Any) -> Address | None:
    return None if value is None else Address(*value)


def customer_from_dict(data: dict[str, Any]) -> ErpCustomer:
    return ErpCustomer(
        number=data["number"],
        name=data["name"],
        tax_id=data["tax_id"],
        email=data["email"],
        credit_hold=data["credit_hold"],
        credit_hold_reason=data["credit_hold_reason"],
        credit_limit=_money_from(data["credit_limit"]),
        payment_terms=data["payment_terms"],
        balance=_money_from(data["balance"]),
        billing_address=_address_from(data["billing_address"]),
        shipping_address=_address_from(data["shipping_address"]),
        version=data["version"],
        fetched_at=dt.datetime.fromisoformat(data["fetched_at"]),
    )


class CacheEntrySerializer(BaseSerializer):  # type: ignore[misc]
    """aiocache serializer for ``CacheEntry`` values (see ``erp_gateway.caching``)."""

    DEFAULT_ENCODING = "utf-8"

    def dumps(self, value: Any) -> str:
        record, cached_at = value
        payload = {"record": customer_to_dict(record), "cached_at": cached_at}
        return orjson.dumps(payload).decode()

    def loads(self, value: Any) -> Any:
        if value is None:
            return None
        data = orjson.loads(value)
        return customer_from_dict(data["record"]), float(data["cached_at"])

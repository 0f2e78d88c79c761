import datetime as dt
from decimal import Decimal

import pytest

from erp_gateway.records import Address, ErpCustomer, Money
from erp_gateway.serialization import CacheEntrySerializer

FULL = ErpCustomer(
    number="C10001",
    name="Zürich Optics AG",
    tax_id="CHE-123.456.789",
    email="ap@zuerich-optics.example",
    credit_hold=True,
    credit_hold_reason="Credit limit exceeded",
    credit_limit=Money(Decimal("25000.00"), "CHF"),
    payment_terms="Net 30",
    balance=Money(Decimal("-12.3400"), "CHF"),
    billing_address=Address("Seestrasse 1", "Zürich", "8001", "ZH", "CH"),
    shipping_address=Address(city="Basel", country="CH"),
    version="17",
    fetched_at=dt.datetime(
        2026, 3, 1, 9, 30, 15, 123456, tzinfo=dt.timezone(dt.timedelta(hours=1))
    ),
)
BARE = ErpCustomer(
    number="C2",
    name="",
    tax_id=None,
    email=None,
    credit_hold=False,
    credit_hold_reason=None,
    credit_limit=None,
    payment_terms=None,
    balance=None,
    billing_address=None,
    shipping_address=None,
    version="1",
    fetched_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
)


@pytest.mark.parametrize("record", [FULL, BARE], ids=["full", "bare"])
def test_a_cache_entry_round_trips_exactly(record: ErpCustomer) -> None:
    serializer = CacheEntrySerializer()
    back, cached_at = serializer.loads(serializer.dumps((record, 1234.5)))
    assert back == record
    assert cached_at == 1234.5
    assert back.balance is None or str(back.balance.amount) == str(record.balance.amount)  # type: ignore[union-attr]
    assert back.fetched_at.utcoffset() == record.fetched_at.utcoffset()

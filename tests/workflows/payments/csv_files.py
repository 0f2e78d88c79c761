"""CSV payment files for the tests, built from the demo customers."""

from __future__ import annotations

from decimal import Decimal

HEADER = "reference,customer_number,amount,currency,method,value_date,remittance\n"


def amount_for(n: int) -> Decimal:
    return Decimal(1000 + n * 37) / 100


def payments_csv(count: int, customers: list[str], *, prefix: str = "PAY") -> bytes:
    """``count`` valid payments, spread over ``customers``, with distinct amounts."""
    rows = [
        f"{prefix}-{n:04d},{customers[n % len(customers)]},{amount_for(n)},EUR,transfer,"
        f"2026-11-{1 + n % 28:02d},Invoice {n}\n"
        for n in range(count)
    ]
    return (HEADER + "".join(rows)).encode()

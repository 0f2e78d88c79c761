"""``customer(...)``: an ``ErpCustomer`` record built in memory.

For the template tests only, which render customers the demo ERP does not have (a name with
markup, a chosen address); everything that talks to an ERP uses the demo ERP (the ``demo_erp``
fixture, through the sql adapter).
"""

from __future__ import annotations

import datetime as dt

from erp_gateway.records import Address, ErpCustomer


def customer(
    number: str,
    name: str,
    email: str | None,
    *,
    city: str = "Lyon",
    street: str = "1 rue de la Paix",
) -> ErpCustomer:
    return ErpCustomer(
        number=number,
        name=name,
        tax_id=None,
        email=email,
        credit_hold=False,
        credit_hold_reason=None,
        credit_limit=None,
        payment_terms=None,
        balance=None,
        billing_address=Address(street=street, city=city, postal_code="69001", country="FR"),
        shipping_address=None,
        version="1",
        fetched_at=dt.datetime.now(dt.UTC),
    )

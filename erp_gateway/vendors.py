"""The vendor adapters' own settings, as plain values, and how each adapter is built from them.

``api/erp.py`` turns ``FRONTDESK_TRYTON_*``, ``FRONTDESK_ODOO_*`` and ``FRONTDESK_ERPNEXT_*``
into one of these; ``factory.build_adapter`` hands it to ``build_vendor``. Adapter modules are
imported lazily: a deployment on one ERP never loads the others.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from erp_gateway.port import ErpGateway


@dataclass(frozen=True, slots=True, kw_only=True)
class TrytonOptions:
    url: str
    database: str
    username: str
    password: str
    timeout: float = 10.0
    hold_archived: bool = True
    hold_over_limit: bool = True
    credit_tolerance: Decimal = Decimal(0)


@dataclass(frozen=True, slots=True, kw_only=True)
class OdooOptions:
    url: str
    database: str
    username: str
    api_key: str
    balance_field: str = "total_due"
    number_prefix: str = "FD-"
    timeout: float = 10.0


@dataclass(frozen=True, slots=True, kw_only=True)
class ErpNextOptions:
    url: str
    api_key: str
    api_secret: str
    company: str
    currency: str
    idempotency_field: str = "customer_details"
    timeout: float = 10.0


VendorOptions: TypeAlias = TrytonOptions | OdooOptions | ErpNextOptions

VENDOR_OPTIONS: dict[str, type[VendorOptions]] = {
    "tryton": TrytonOptions,
    "odoo": OdooOptions,
    "erpnext": ErpNextOptions,
}
"""Adapter name -> the options it needs."""


def build_vendor(options: VendorOptions) -> ErpGateway:
    """The adapter these options configure (its module imported only now)."""
    if isinstance(options, TrytonOptions):
        from erp_gateway.adapters.tryton import TrytonGateway
        from erp_gateway.adapters.tryton_records import CreditHoldRule

        return TrytonGateway(
            base_url=options.url,
            database=options.database,
            username=options.username,
            password=options.password,
            timeout=options.timeout,
            credit_hold=CreditHoldRule(
                hold_archived=options.hold_archived,
                hold_over_limit=options.hold_over_limit,
                tolerance=options.credit_tolerance,
            ),
        )
    if isinstance(options, OdooOptions):
        from erp_gateway.adapters.odoo import OdooGateway

        return OdooGateway(
            url=options.url,
            database=options.database,
            username=options.username,
            password=options.api_key,
            balance_field=options.balance_field,
            number_prefix=options.number_prefix,
            timeout=options.timeout,
        )
    from erp_gateway.adapters.erpnext import ErpNextGateway

    return ErpNextGateway(
        url=options.url,
        api_key=options.api_key,
        api_secret=options.api_secret,
        company=options.company,
        currency=options.currency,
        idempotency_field=options.idempotency_field,
        timeout=options.timeout,
    )

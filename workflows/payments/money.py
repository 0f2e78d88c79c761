"""Currency facts the notices need: ISO 4217 minor units and a plain amount format."""

from __future__ import annotations

import re
from decimal import Decimal

CURRENCY_CODE = re.compile(r"[A-Z]{3}")

_ZERO_DECIMALS = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF"
_THREE_DECIMALS = "BHD IQD JOD KWD LYD OMR TND"
_MINOR_UNITS: dict[str, int] = {
    # ISO 4217 currencies whose minor unit is not two decimals.
    **dict.fromkeys(_ZERO_DECIMALS.split(), 0),
    **dict.fromkeys(_THREE_DECIMALS.split(), 3),
    "CLF": 4,
    "UYW": 4,
}


def minor_units(currency: str) -> int:
    """Decimals the currency allows (ISO 4217); two for every code not listed otherwise."""
    return _MINOR_UNITS.get(currency, 2)


def format_amount(amount: Decimal, currency: str) -> str:
    """``1234.5, "EUR"`` -> ``"1,234.50 EUR"``: the currency's decimals, grouped thousands."""
    places = minor_units(currency)
    quantum = Decimal(1).scaleb(-places)
    return f"{amount.quantize(quantum):,.{places}f} {currency}"


def plain_amount(amount: Decimal, currency: str) -> str:
    """``1234.5, "EUR"`` -> ``"1234.50"``: the currency's decimals, no grouping, no code."""
    return str(amount.quantize(Decimal(1).scaleb(-minor_units(currency))))

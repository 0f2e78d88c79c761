"""GraphQL shapes of the ERP's values: ``Money``, ``Address``, ``AddressRole``."""

from __future__ import annotations

from decimal import Decimal
from enum import Enum

import strawberry

from erp_gateway import records


@strawberry.type(description="An amount in a currency; amounts travel as decimal strings.")
class Money:
    amount: Decimal
    currency: str = strawberry.field(description="ISO 4217 code.")

    @classmethod
    def from_erp(cls, money: records.Money | None) -> Money | None:
        return None if money is None else cls(amount=money.amount, currency=money.currency)


@strawberry.type(description="A postal address as the ERP holds it.")
class Address:
    street: str | None
    city: str | None
    postal_code: str | None
    region: str | None
    country: str | None = strawberry.field(description="ISO 3166-1 alpha-2 code.")

    @classmethod
    def from_erp(cls, address: records.Address | None) -> Address | None:
        if address is None:
            return None
        return cls(
            street=address.street,
            city=address.city,
            postal_code=address.postal_code,
            region=address.region,
            country=address.country,
        )


@strawberry.enum(description="Which of a customer's addresses.")
class AddressRole(Enum):
    BILLING = "billing"
    SHIPPING = "shipping"

    def to_erp(self) -> records.AddressRole:
        return records.AddressRole(self.value)

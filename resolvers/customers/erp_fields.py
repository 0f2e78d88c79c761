"""The ERP-backed half of ``Customer``: fields read live from the ERP through the gateway."""

from __future__ import annotations

import strawberry


@strawberry.type
class CustomerErpFields:
    number: str = strawberry.field(description="The ERP's customer number: the key everywhere.")

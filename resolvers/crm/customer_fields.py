"""The CRM half of ``Customer``: what Frontdesk's own store knows about a customer."""

from __future__ import annotations

import strawberry


@strawberry.type
class CustomerCrmFields:
    number: str

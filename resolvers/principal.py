"""Who is asking: the authenticated principal of a request and the roles it may hold.

The API layer builds a ``Principal`` from a bearer JWT or an API key and puts it on the
request and on the GraphQL ``Context``; resolvers and permission classes read it from there.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    SALES = "sales"
    SERVICE = "service"
    MARKETING = "marketing"
    MANAGER = "manager"
    ADMIN = "admin"
    PARTNER = "partner"


class PrincipalKind(StrEnum):
    USER = "user"
    """A person, authenticated by a JWT from the identity provider."""
    SERVICE = "service"
    """A program, authenticated by an API key."""
    PARTNER = "partner"
    """A partner portal: sees only the customers assigned to its partner id."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Principal:
    kind: PrincipalKind
    subject: str
    """Stable identifier: the JWT's subject or ``api-key:<id>``."""
    name: str
    roles: frozenset[Role]
    partner_id: str | None = None

    @property
    def is_partner(self) -> bool:
        """Partner principals are scoped to their partner's customers."""
        return self.partner_id is not None or Role.PARTNER in self.roles

    @property
    def rate_limit_key(self) -> str:
        return f"{self.kind.value}:{self.subject}"


def parse_roles(values: object) -> frozenset[Role]:
    """The known roles among ``values`` (a string or a list of strings); others are ignored."""
    if isinstance(values, str):
        values = values.replace(",", " ").split()
    if not isinstance(values, list | tuple | set | frozenset):
        return frozenset()
    known = {role.value for role in Role}
    return frozenset(Role(value) for value in values if isinstance(value, str) and value in known)

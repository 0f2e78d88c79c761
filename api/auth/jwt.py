"""Bearer JWTs (RS256/ES256) from the identity provider, verified with PyJWT.

The signing key comes from a JWKS URL (``PyJWKClient``, keys cached) or from a configured
PEM public key. Issuer, audience, expiry and not-before are checked; roles, partner id and
name are read from configurable claims given as dotted paths (``realm_access.roles``).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import jwt

from resolvers.principal import Principal, PrincipalKind, Role, parse_roles

JWKS_CACHE_SECONDS = 300


@dataclass(frozen=True, slots=True, kw_only=True)
class JwtSettings:
    jwks_url: str | None = None
    public_key: str | None = None
    issuer: str | None = None
    audience: str | None = None
    algorithms: tuple[str, ...] = ("RS256", "ES256")
    roles_claim: str = "roles"
    partner_claim: str = "partner_id"
    name_claim: str = "name"
    leeway_seconds: int = 0

    @property
    def configured(self) -> bool:
        return bool(self.jwks_url or self.public_key)


def claim(claims: dict[str, Any], path: str) -> object:
    """The value at a dotted ``path`` of the claims, or ``None``."""
    value: object = claims
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def looks_like_jwt(credentials: str) -> bool:
    return credentials.count(".") == 2 and credentials.startswith("eyJ")


class AuthUnavailable(Exception):
    """The credentials cannot be checked right now (the identity provider's keys cannot be
    fetched): neither valid nor invalid, so the request is answered 503, not 401."""


class JwtVerifier:
    def __init__(self, config: JwtSettings) -> None:
        self._config = config
        self._jwks = (
            jwt.PyJWKClient(config.jwks_url, cache_keys=True, lifespan=JWKS_CACHE_SECONDS)
            if config.jwks_url
            else None
        )

    async def principal(self, token: str) -> Principal | None:
        """The principal of a valid token, ``None`` for any invalid one."""
        try:
            claims = await self._decode(token)
        except jwt.PyJWKClientConnectionError as exc:
            raise AuthUnavailable(f"the JWKS cannot be fetched: {exc}") from exc
        except (jwt.PyJWTError, ValueError):
            return None
        subject = claims.get("sub")
        if not isinstance(subject, str) or not subject:
            return None
        partner = claim(claims, self._config.partner_claim)
        partner_id = str(partner) if isinstance(partner, str | int) and partner != "" else None
        roles = parse_roles(claim(claims, self._config.roles_claim))
        name = claim(claims, self._config.name_claim)
        return Principal(
            kind=PrincipalKind.PARTNER if partner_id else PrincipalKind.USER,
            subject=subject,
            name=name if isinstance(name, str) else subject,
            roles=roles | {Role.PARTNER} if partner_id else roles,
            partner_id=partner_id,
        )

    async def _decode(self, token: str) -> dict[str, Any]:
        config = self._config
        if self._jwks is not None:
            # PyJWKClient fetches with urllib: keep the event loop free while it does.
            key: Any = (await asyncio.to_thread(self._jwks.get_signing_key_from_jwt, token)).key
        elif config.public_key:
            key = config.public_key
        else:
            raise ValueError("no JWT key configured")
        required = ["exp", "sub"]
        if config.issuer:
            required.append("iss")
        if config.audience:
            required.append("aud")
        decoded: dict[str, Any] = jwt.decode(
            token,
            key=key,
            algorithms=list(config.algorithms),
            issuer=config.issuer,
            audience=config.audience,
            leeway=config.leeway_seconds,
            options={"require": required, "verify_aud": config.audience is not None},
        )
        return decoded

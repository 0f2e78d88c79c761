"""API keys: ``fd_<prefix>_<secret>``, looked up by prefix, checked against a SHA-256 hash.

The secret has 256 bits of randomness, so a fast hash is enough: nobody can guess their way
back to the key from the hash, and checking a key stays cheap on every request.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from crm_store.repositories.api_keys import ApiKeyRepository

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from crm_store.models.security import ApiKeyRow
    from resolvers.principal import Role

KEY_MARK = "fd"
PREFIX_BYTES = 6
SECRET_BYTES = 32


@dataclass(frozen=True, slots=True)
class NewApiKey:
    """A key just made: ``key`` is shown once and never stored."""

    key: str
    prefix: str
    key_hash: str


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def new_api_key() -> NewApiKey:
    prefix = secrets.token_hex(PREFIX_BYTES)
    key = f"{KEY_MARK}_{prefix}_{secrets.token_urlsafe(SECRET_BYTES)}"
    return NewApiKey(key=key, prefix=prefix, key_hash=hash_key(key))


def prefix_of(key: str) -> str | None:
    """The lookup prefix of a well-formed key, else ``None``."""
    mark, sep, rest = key.partition("_")
    prefix, sep2, secret = rest.partition("_")
    if mark != KEY_MARK or not sep or not sep2 or not secret:
        return None
    if len(prefix) != PREFIX_BYTES * 2:
        return None
    return prefix


def matches(row: ApiKeyRow, key: str) -> bool:
    return hmac.compare_digest(row.key_hash, hash_key(key))


async def create_api_key(
    session: AsyncSession, *, role: Role, name: str, partner_id: str | None = None
) -> tuple[ApiKeyRow, str]:
    """Store a new key's hash; returns the row and the key (the only time it exists)."""
    made = new_api_key()
    row = await ApiKeyRepository(session).add(
        name=name,
        prefix=made.prefix,
        key_hash=made.key_hash,
        role=role.value,
        partner_id=partner_id,
    )
    return row, made.key


async def register_known_key(
    session: AsyncSession, key: str, *, role: Role, name: str
) -> ApiKeyRow:
    """Store the hash of an existing key (the demo key kept in the data dir) unless present."""
    prefix = prefix_of(key)
    if prefix is None:
        raise ValueError("not a Frontdesk API key")
    repository = ApiKeyRepository(session)
    row = await repository.by_prefix(prefix)
    if row is not None:
        return row
    return await repository.add(
        name=name, prefix=prefix, key_hash=hash_key(key), role=role.value, partner_id=None
    )

"""WebSocket ``connection_init`` payloads authenticate through the same ``Authenticator``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from api.auth.authenticator import Authenticator, credentials_from_connection_params
from api.auth.jwt import JwtSettings
from resolvers.principal import Role
from tests.support.security import make_api_key

if TYPE_CHECKING:
    from tests.support.databases import Store

SQLITE_ONLY = pytest.mark.parametrize("store", ["sqlite"], indirect=True)


@SQLITE_ONLY
async def test_a_connection_init_payload_authenticates_like_headers(store: Store) -> None:
    key = await make_api_key(store, "partner", partner="P-9", name="portal")
    authenticator = Authenticator(lambda: store.sessionmaker, JwtSettings())
    for payload in ({"Authorization": f"Bearer {key}"}, {"x-api-key": key}):
        credentials = credentials_from_connection_params(payload)
        principal = await authenticator.authenticate(credentials or "")
        assert principal is not None
        assert (principal.partner_id, principal.name, Role.PARTNER in principal.roles) == (
            "P-9",
            "portal",
            True,
        )


@pytest.mark.parametrize(
    "payload",
    [None, [], "Bearer x", {}, {"Authorization": "Basic abc"}, {"Authorization": 42}],
)
def test_payloads_without_usable_credentials_give_none(payload: object) -> None:
    assert credentials_from_connection_params(payload) is None


@SQLITE_ONLY
async def test_a_wrong_key_in_the_payload_is_no_principal(store: Store) -> None:
    authenticator = Authenticator(lambda: store.sessionmaker, JwtSettings())
    credentials = credentials_from_connection_params({"Authorization": "Bearer fd_nope_nope"})
    assert credentials == "fd_nope_nope"
    assert await authenticator.authenticate(credentials) is None

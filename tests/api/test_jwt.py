"""Bearer JWTs: RS256 through a JWKS document, ES256 through a PEM key; every check enforced."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from tests.support.graphql import gql
from tests.support.security import http_client

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Iterator

    from starlette.applications import Starlette

ISSUER = "https://id.example.test/realms/frontdesk"
AUDIENCE = "frontdesk-api"
ME = "{ apiVersion }"


@pytest.fixture(scope="module")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def ec_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def claims(**changes: Any) -> dict[str, Any]:
    now = int(time.time())
    base: dict[str, Any] = {
        "sub": "user-17",
        "name": "Ada Seller",
        "iss": ISSUER,
        "aud": AUDIENCE,
        "iat": now,
        "nbf": now - 5,
        "exp": now + 300,
        "realm_access": {"roles": ["sales"]},
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


@pytest.fixture(scope="module")
def jwks_url(rsa_key: rsa.RSAPrivateKey) -> Iterator[str]:
    """The identity provider's JWKS document, served over HTTP on a loopback port."""
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(rsa_key.public_key()))
    jwk.update({"kid": "key-1", "use": "sig", "alg": "RS256"})
    document = json.dumps({"keys": [jwk]}).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(document)))
            self.end_headers()
            self.wfile.write(document)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/realms/frontdesk/certs"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
async def jwks_app(app_with: Callable[..., Awaitable[Starlette]], jwks_url: str) -> Starlette:
    """An app verifying tokens with the keys of the JWKS document."""
    return await app_with(
        jwt_jwks_url=jwks_url,
        jwt_issuer=ISSUER,
        jwt_audience=AUDIENCE,
        jwt_roles_claim="realm_access.roles",
    )


@pytest.fixture
async def pem_app(
    app_with: Callable[..., Awaitable[Starlette]], ec_key: ec.EllipticCurvePrivateKey
) -> Starlette:
    """An app verifying tokens with a configured ES256 public key."""
    pem = ec_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return await app_with(
        jwt_public_key=pem.decode(),
        jwt_issuer=ISSUER,
        jwt_audience=AUDIENCE,
        jwt_roles_claim="realm_access.roles",
    )


def rs256(key: rsa.RSAPrivateKey, **changes: Any) -> str:
    return jwt.encode(claims(**changes), key, algorithm="RS256", headers={"kid": "key-1"})


async def status(app: Starlette, token: str) -> int:
    async with http_client(app, token) as http:
        response = await http.post("/graphql", json={"query": ME})
    if response.status_code == 401:
        assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    return response.status_code


async def test_a_valid_rs256_token_from_the_jwks_is_accepted(
    jwks_app: Starlette, rsa_key: rsa.RSAPrivateKey
) -> None:
    async with http_client(jwks_app, rs256(rsa_key)) as http:
        body = await gql(http, ME)
    assert isinstance(body["data"]["apiVersion"], str)


async def test_a_valid_es256_token_checked_with_the_pem_key_is_accepted(
    pem_app: Starlette, ec_key: ec.EllipticCurvePrivateKey
) -> None:
    token = jwt.encode(claims(), ec_key, algorithm="ES256")
    assert await status(pem_app, token) == 200


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"exp": int(time.time()) - 60}, id="expired"),
        pytest.param({"aud": "another-api"}, id="wrong-audience"),
        pytest.param({"iss": "https://evil.example.test"}, id="wrong-issuer"),
        pytest.param({"nbf": int(time.time()) + 3600}, id="not-yet-valid"),
        pytest.param({"exp": None}, id="no-expiry"),
        pytest.param({"sub": None}, id="no-subject"),
    ],
)
async def test_invalid_tokens_are_401(
    jwks_app: Starlette, rsa_key: rsa.RSAPrivateKey, changes: dict[str, Any]
) -> None:
    assert await status(jwks_app, rs256(rsa_key, **changes)) == 401


async def test_a_token_signed_by_another_key_is_401(
    jwks_app: Starlette, pem_app: Starlette, ec_key: ec.EllipticCurvePrivateKey
) -> None:
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    assert await status(jwks_app, rs256(stranger)) == 401
    other_ec = ec.generate_private_key(ec.SECP256R1())
    assert await status(pem_app, jwt.encode(claims(), other_ec, algorithm="ES256")) == 401


async def test_roles_and_partner_come_from_the_configured_claims(
    jwks_app: Starlette, rsa_key: rsa.RSAPrivateKey
) -> None:
    mutation = """mutation($input: AssignCustomerToPartnerInput!) {
      assignCustomerToPartner(input: $input) { customerNumber partnerId userErrors { code } } }"""
    variables = {"input": {"customerNumber": "C-1", "partnerId": "P-1"}}
    async with http_client(jwks_app, rs256(rsa_key)) as sales:
        denied = await gql(sales, mutation, variables, expect_errors=True)
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    manager = rs256(rsa_key, realm_access={"roles": ["manager"]})
    async with http_client(jwks_app, manager) as http:
        allowed = await gql(http, mutation, variables)
    assert allowed["data"]["assignCustomerToPartner"]["partnerId"] == "P-1"
    partner = rs256(rsa_key, realm_access={"roles": ["manager"]}, partner_id="P-9")
    async with http_client(jwks_app, partner) as http:
        scoped = await gql(http, mutation, variables, expect_errors=True)
    # A token with a partner id is a partner principal, whatever roles it claims.
    assert scoped["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_token_is_503_not_401_while_the_jwks_cannot_be_fetched(
    app_with: Callable[..., Awaitable[Starlette]], rsa_key: rsa.RSAPrivateKey
) -> None:
    """The identity provider down says nothing about the token: try again later, not "bad
    credentials" (clients would drop a valid session on a 401)."""
    app = await app_with(
        jwt_jwks_url="http://127.0.0.1:1/realms/frontdesk/protocol/openid-connect/certs",
        jwt_issuer=ISSUER,
        jwt_audience=AUDIENCE,
    )
    async with http_client(app, rs256(rsa_key)) as http:
        response = await http.post("/graphql", json={"query": ME})
    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"
    assert response.json()["errors"][0]["extensions"]["code"] == "AUTH_UNAVAILABLE"

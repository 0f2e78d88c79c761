"""Tryton's JSON-RPC over httpx: session login, re-login, the user's context, error mapping.

Wire facts (Tryton 8.2): ``POST /<db>/rpc/`` with ``{"id", "method", "params"}``; login is
``common.db.login`` and answers ``[user_id, token, ...]``; later calls carry
``Authorization: Session base64(user:id:token)``. An unknown or expired session is HTTP 401.
Refusals arrive as HTTP 200 with ``{"error": ["UserError", [message, description, ...]]}``.
Decimals travel as ``{"__class__": "Decimal", "decimal": "..."}``, dates and datetimes as
``{"__class__": "date"|"datetime", "year": ...}``. Company-dependent fields are empty unless
the context from ``model.res.user.get_preferences`` (with ``company``) is sent with each call.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
from decimal import Decimal
from typing import Any, TypeAlias

import httpx

from erp_gateway.errors import ErpConflict, ErpRejected, ErpUnavailable

Json: TypeAlias = Any
"""A decoded JSON-RPC value (Tryton's shapes are open-ended)."""

UNAVAILABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})


def encode(value: Json) -> Json:
    """Python values to Tryton's wire shapes."""
    if isinstance(value, Decimal):
        return {"__class__": "Decimal", "decimal": str(value)}
    if isinstance(value, dict):
        return {key: encode(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [encode(item) for item in value]
    return value


def decode(value: Json) -> Json:
    """Tryton's wire shapes to Python: Decimal, date and (naive UTC) datetime objects."""
    if isinstance(value, list):
        return [decode(item) for item in value]
    if not isinstance(value, dict):
        return value
    kind = value.get("__class__")
    if kind == "Decimal":
        return Decimal(value["decimal"])
    if kind == "date":
        return dt.date(value["year"], value["month"], value["day"])
    if kind == "datetime":
        return dt.datetime(
            value["year"],
            value["month"],
            value["day"],
            value.get("hour", 0),
            value.get("minute", 0),
            value.get("second", 0),
            value.get("microsecond", 0),
        )
    return {key: decode(item) for key, item in value.items()}


def user_error_message(error: Json) -> str:
    """Tryton's message for an ``error`` member: ``[kind, [message, description, ...]]``."""
    if isinstance(error, list) and len(error) >= 2:
        kind, args = error[0], error[1]
        if isinstance(args, str) and args:
            return args
        if isinstance(args, list) and args and isinstance(args[0], str):
            description = args[1] if len(args) > 1 and isinstance(args[1], str) else ""
            return f"{args[0]} {description}".strip()
        return str(kind)
    return str(error)


class SessionExpired(Exception):
    """Tryton answered 401 to a call that carried a session."""


class TrytonClient:
    """One user's session on one Tryton database; logs in lazily and again on expiry."""

    def __init__(
        self,
        *,
        base_url: str,
        database: str,
        username: str,
        password: str,
        timeout: float = 10.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._database = database
        self._username = username
        self._password = password
        self._http = httpx.AsyncClient(
            base_url=base_url.rstrip("/"), timeout=timeout, transport=transport
        )
        self._authorization: str | None = None
        self._context: dict[str, Json] = {}
        self._login_lock = asyncio.Lock()
        self._ids = 0

    async def session_context(self) -> dict[str, Json]:
        """The user's preferences (language, company, ...); logs in when needed."""
        await self._ensure_session()
        return self._context

    async def server_version(self) -> str:
        version: str = await self._post("/rpc/", "common.server.version", [], authorize=False)
        return version

    async def call(
        self, method: str, *params: Json, context: dict[str, Json] | None = None
    ) -> Json:
        """Call ``method`` with the user's context (plus ``context``); log in again once on 401."""
        session = await self._ensure_session()
        try:
            return await self._call(method, params, context)
        except SessionExpired:
            await self._login(stale=session)
        try:
            return await self._call(method, params, context)
        except SessionExpired as exc:
            raise ErpUnavailable("Tryton refused a fresh session", operation=method) from exc

    async def _call(
        self, method: str, params: tuple[Json, ...], context: dict[str, Json] | None
    ) -> Json:
        merged = {**self._context, **(context or {})}
        return await self._post(f"/{self._database}/rpc/", method, [*params, merged])

    async def _ensure_session(self) -> str:
        if self._authorization is None:
            return await self._login(stale=None)
        return self._authorization

    async def _login(self, *, stale: str | None) -> str:
        """Log in (once, even when many tasks ask) and return the new authorization."""
        async with self._login_lock:
            if self._authorization is not None and self._authorization != stale:
                return self._authorization  # another task logged in while this one waited
            self._authorization = None
            try:
                result = await self._post(
                    f"/{self._database}/rpc/",
                    "common.db.login",
                    [self._username, {"password": self._password}, "en"],
                    authorize=False,
                )
            except SessionExpired as exc:
                raise ErpUnavailable(
                    f"Tryton refused the login of {self._username!r}", operation="login"
                ) from exc
            user_id, token = result[0], result[1]
            raw = f"{self._username}:{user_id}:{token}".encode()
            authorization = "Session " + base64.b64encode(raw).decode()
            self._authorization = authorization
            self._context = {}
            preferences = await self._post(
                f"/{self._database}/rpc/", "model.res.user.get_preferences", [True, {}]
            )
            if not preferences.get("company"):
                raise ErpUnavailable(
                    f"Tryton user {self._username!r} has no current company", operation="login"
                )
            self._context = preferences
            return authorization

    async def _post(
        self, path: str, method: str, params: list[Json], *, authorize: bool = True
    ) -> Json:
        self._ids += 1
        headers = {}
        if authorize and self._authorization is not None:
            headers["Authorization"] = self._authorization
        payload = {"id": self._ids, "method": method, "params": encode(params)}
        try:
            response = await self._http.post(path, json=payload, headers=headers)
        except httpx.HTTPError as exc:
            raise ErpUnavailable(f"Tryton did not answer: {exc!r}", operation=method) from exc
        if response.status_code == 401:
            raise SessionExpired(method)
        if response.status_code in UNAVAILABLE_STATUSES or response.status_code >= 500:
            raise ErpUnavailable(f"Tryton answered HTTP {response.status_code}", operation=method)
        if response.status_code != 200:
            raise ErpRejected(f"Tryton answered HTTP {response.status_code}", operation=method)
        try:
            body = response.json()
        except ValueError as exc:
            raise ErpUnavailable(
                "Tryton answered something that is not JSON", operation=method
            ) from exc
        if body.get("error") is not None:
            error = body["error"]
            kind = error[0] if isinstance(error, list) and error else None
            if kind in ("UserError", "UserWarning", "AccessError"):
                raise ErpRejected(user_error_message(error), operation=method)
            if kind == "ConcurrencyException":
                raise ErpConflict(user_error_message(error), operation=method)
            raise ErpUnavailable(f"Tryton failed: {user_error_message(error)}", operation=method)
        return decode(body.get("result"))

    async def close(self) -> None:
        await self._http.aclose()

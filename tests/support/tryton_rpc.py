"""A small synchronous Tryton JSON-RPC client for the test harness and the tests' own checks.

The tests compare what the adapter returns with what Tryton itself says, so they need a way to
talk to Tryton that does not go through the adapter. This is it: login, context, call.
"""

from __future__ import annotations

import base64
import datetime as dt
from decimal import Decimal
from typing import Any

import httpx


class TrytonRpcError(Exception):
    """Tryton answered a call with an error (``{"error": [kind, args]}``)."""

    def __init__(self, error: Any) -> None:
        super().__init__(repr(error))
        self.error = error


def encode(value: Any) -> Any:
    """Python values to Tryton's JSON-RPC shapes (Decimal and date carry a ``__class__``)."""
    if isinstance(value, Decimal):
        return {"__class__": "Decimal", "decimal": str(value)}
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return {"__class__": "date", "year": value.year, "month": value.month, "day": value.day}
    if isinstance(value, dict):
        return {key: encode(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [encode(item) for item in value]
    return value


def decode(value: Any) -> Any:
    """Tryton's JSON-RPC shapes back to Python (Decimal only; the rest stays as sent)."""
    if isinstance(value, dict):
        if value.get("__class__") == "Decimal":
            return Decimal(value["decimal"])
        return {key: decode(item) for key, item in value.items()}
    if isinstance(value, list):
        return [decode(item) for item in value]
    return value


class TrytonRpc:
    """One logged-in user on one Tryton database."""

    def __init__(self, url: str, database: str, username: str, password: str) -> None:
        self.url = url.rstrip("/")
        self.database = database
        self._http = httpx.Client(timeout=120)
        self._ids = 0
        result = self._post(
            f"/{database}/rpc/", "common.db.login", [username, {"password": password}, "en"]
        )
        user_id, token = result[0], result[1]
        self.user_id: int = user_id
        raw = f"{username}:{user_id}:{token}".encode()
        self._http.headers["Authorization"] = "Session " + base64.b64encode(raw).decode()
        self.context: dict[str, Any] = {}
        self.refresh_context()

    def refresh_context(self) -> None:
        self.context = self.call("model.res.user.get_preferences", True)

    def _post(self, path: str, method: str, params: list[Any]) -> Any:
        self._ids += 1
        response = self._http.post(
            self.url + path, json={"id": self._ids, "method": method, "params": encode(params)}
        )
        response.raise_for_status()
        body = response.json()
        if body.get("error") is not None:
            raise TrytonRpcError(body["error"])
        return decode(body["result"])

    def call(self, method: str, *params: Any, context: dict[str, Any] | None = None) -> Any:
        """Call ``method`` with ``params`` plus the user's context (merged with ``context``)."""
        merged = {**self.context, **(context or {})}
        return self._post(f"/{self.database}/rpc/", method, [*params, merged])

    def create(self, model: str, values: list[dict[str, Any]]) -> list[int]:
        ids: list[int] = self.call(f"model.{model}.create", values)
        return ids

    def search_read(
        self,
        model: str,
        domain: list[Any],
        fields: list[str],
        *,
        order: list[list[str]] | None = None,
        context: dict[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = self.call(
            f"model.{model}.search_read", domain, 0, None, order, fields, context=context
        )
        return rows

    def close(self) -> None:
        self._http.close()


def server_version(url: str, timeout: float = 5) -> str:
    """``common.server.version`` from the server-level endpoint."""
    response = httpx.post(
        url.rstrip("/") + "/rpc/",
        json={"id": 0, "method": "common.server.version", "params": []},
        timeout=timeout,
    )
    response.raise_for_status()
    version: str = response.json()["result"]
    return version

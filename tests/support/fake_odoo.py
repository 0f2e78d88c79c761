"""An in-memory Odoo answering the external JSON-RPC API the way Odoo documents it.

Requests and answers follow https://www.odoo.com/documentation/18.0/developer/reference/external_api.html
(``POST /jsonrpc``, ``{"jsonrpc": "2.0", "method": "call", "params": {"service": "common" |
"object", "method": ..., "args": [...]}}``; ``execute_kw(db, uid, password, model, method,
args, kwargs)``; domains in prefix notation; many2one as ``[id, display_name]``; empty fields
as ``false``) and errors as Odoo's JSON-RPC dispatcher serialises them: HTTP 200 with
``{"error": {"code": 200, "message": "Odoo Server Error", "data": {"name":
"odoo.exceptions.ValidationError", "message": ..., "arguments": [...], "debug": ...}}}``.
The fake checks every request it gets (database, uid, password, fields, domain operators) and
refuses what Odoo would refuse.
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass, field
from typing import Any

import httpx

DATABASE = "frontdesk"
LOGIN = "integration@example.com"
API_KEY = "0123456789abcdef0123456789abcdef01234567"
UID = 7

_VAT = re.compile(r"^[A-Z]{2}[0-9A-Z]{2,12}$")
_PARTNER_FIELDS = {
    "id",
    "ref",
    "name",
    "vat",
    "email",
    "phone",
    "active",
    "credit_limit",
    "is_company",
    "customer_rank",
    "property_payment_term_id",
    "currency_id",
    "write_date",
    "parent_id",
    "type",
    "street",
    "city",
    "zip",
    "state_id",
    "country_id",
    "total_due",
    "credit",
}
_MANY2ONE = {
    "parent_id": "res.partner",
    "state_id": "res.country.state",
    "country_id": "res.country",
    "currency_id": "res.currency",
    "property_payment_term_id": "account.payment.term",
}


class OdooError(Exception):
    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name
        self.message = message


@dataclass
class FakeOdoo:
    """Odoo's data, the requests it answered, and switches to make it fail."""

    tables: dict[str, dict[int, dict[str, Any]]] = field(default_factory=dict)
    requests: list[dict[str, Any]] = field(default_factory=list)
    unreachable: bool = False
    api_key: str = API_KEY
    """The key Odoo accepts now; change it to revoke the integration's key."""
    status: int | None = None
    """When set, every request is answered with this bare HTTP status (a proxy's 502, ...)."""
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(100))
    _tick: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def __post_init__(self) -> None:
        self.tables = {
            "res.country": {
                1: {"id": 1, "code": "DE", "name": "Germany"},
                2: {"id": 2, "code": "FR", "name": "France"},
            },
            "res.country.state": {10: {"id": 10, "code": "BY", "name": "Bavaria", "country_id": 1}},
            "res.currency": {1: {"id": 1, "name": "EUR"}},
            "account.payment.term": {3: {"id": 3, "name": "30 Days"}},
            "res.partner": {},
        }

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    @property
    def partners(self) -> dict[int, dict[str, Any]]:
        return self.tables["res.partner"]

    def add_partner(self, **values: Any) -> int:
        """Seed a partner the way Odoo stores it (empty fields ``False``)."""
        record = dict.fromkeys(_PARTNER_FIELDS - {"id"}, False)
        record |= {
            "active": True,
            "credit_limit": 0.0,
            "total_due": 0.0,
            "credit": 0.0,
            "currency_id": 1,
            "type": "contact",
        }
        record |= values
        record["id"] = next(self._ids)
        record["write_date"] = self._now()
        self.partners[record["id"]] = record
        return int(record["id"])

    def _now(self) -> str:
        tick = next(self._tick)
        return f"2026-11-25 {tick // 3600:02d}:{tick // 60 % 60:02d}:{tick % 60:02d}"

    # --- HTTP

    def handle(self, request: httpx.Request) -> httpx.Response:
        if self.unreachable:
            raise httpx.ConnectError("connection refused", request=request)
        if self.status is not None:
            return httpx.Response(self.status, text="<html>Bad Gateway</html>")
        if request.method != "POST" or request.url.path != "/jsonrpc":
            return httpx.Response(404, text="Not Found")
        body = json.loads(request.content)
        self.requests.append(body)
        if body.get("jsonrpc") != "2.0" or body.get("method") != "call" or "id" not in body:
            return httpx.Response(400, text="Bad Request")
        params = body["params"]
        try:
            result = self._dispatch(params["service"], params["method"], params["args"])
        except OdooError as exc:
            error = {
                "code": 200,
                "message": "Odoo Server Error",
                "data": {
                    "name": exc.name,
                    "message": exc.message,
                    "arguments": [exc.message],
                    "debug": "Traceback (most recent call last): ...",
                    "context": {},
                },
            }
            return httpx.Response(200, json={"jsonrpc": "2.0", "id": body["id"], "error": error})
        return httpx.Response(200, json={"jsonrpc": "2.0", "id": body["id"], "result": result})

    def _dispatch(self, service: str, method: str, args: list[Any]) -> Any:
        if service == "common" and method == "version":
            return {
                "server_version": "18.0",
                "server_version_info": [18, 0, 0, "final", 0],
                "server_serie": "18.0",
                "protocol_version": 1,
            }
        if service == "common" and method in ("authenticate", "login"):
            db, login, password = args[:3]
            return UID if (db, login, password) == (DATABASE, LOGIN, self.api_key) else False
        if service == "object" and method == "execute_kw":
            db, uid, password, model, name, positional = args[:6]
            kwargs = args[6] if len(args) > 6 else {}
            if (db, uid, password) != (DATABASE, UID, self.api_key):
                raise OdooError("odoo.exceptions.AccessDenied", "Access Denied")
            return self._execute(model, name, positional, kwargs)
        raise OdooError("builtins.KeyError", f"unknown method {service}.{method}")

    # --- the ORM

    def _execute(self, model: str, method: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        if model not in self.tables:
            raise OdooError("builtins.KeyError", model)
        if method == "search_read":
            return self._search_read(model, args[0], **kwargs)
        if method == "search_count":
            return len(self._search_read(model, args[0], fields=["id"], **kwargs))
        if method == "create" and model == "res.partner":
            return self._create(args[0])
        if method == "write" and model == "res.partner":
            return self._write(args[0], args[1])
        raise OdooError("builtins.AttributeError", f"The method '{method}' does not exist")

    def _search_read(
        self,
        model: str,
        domain: list[Any],
        fields: list[str] | None = None,
        order: str = "id asc",
        limit: int | None = None,
        offset: int = 0,
        context: dict[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        table = self.tables[model]
        active_test = (context or {}).get("active_test", True)
        rows = [r for r in table.values() if _matches(self, model, r, domain)]
        if model == "res.partner" and active_test:
            rows = [r for r in rows if r["active"]]
        key, _, direction = order.partition(" ")
        rows.sort(key=lambda r: (r[key] is False, r[key]), reverse=direction == "desc")
        rows = rows[offset : offset + limit if limit else None]
        wanted = fields or list(next(iter(table.values()), {}))
        for name in wanted:
            if rows and name not in rows[0]:
                raise OdooError("builtins.ValueError", f"Invalid field '{name}' on model '{model}'")
        return [{"id": r["id"], **{f: self._out(f, r[f]) for f in wanted}} for r in rows]

    def _out(self, name: str, value: Any) -> Any:
        if name in _MANY2ONE and value:
            target = self.tables[_MANY2ONE[name]][value]
            return [value, target.get("name") or target.get("display_name")]
        return value

    def _create(self, values: dict[str, Any]) -> int:
        self._validate(values)
        return self.add_partner(**values)

    def _write(self, ids: list[int], values: dict[str, Any]) -> bool:
        for id_ in ids:
            if id_ not in self.partners:
                raise OdooError(
                    "odoo.exceptions.MissingError",
                    "Record does not exist or has been deleted.\n"
                    f"(Record: res.partner({id_},), User: {UID})",
                )
        self._validate(values, creating=False)
        for id_ in ids:
            self.partners[id_] |= values | {"write_date": self._now()}
        return True

    def _validate(self, values: dict[str, Any], *, creating: bool = True) -> None:
        unknown = set(values) - _PARTNER_FIELDS
        if unknown:
            raise OdooError("builtins.ValueError", f"Invalid field {sorted(unknown)[0]!r}")
        if creating and not values.get("name") and values.get("type", "contact") == "contact":
            raise OdooError("odoo.exceptions.ValidationError", "Contacts require a name")
        vat = values.get("vat")
        if vat and not _VAT.match(vat):
            raise OdooError(
                "odoo.exceptions.ValidationError",
                f"The VAT number [{vat}] for partner [{values.get('name')}] does not seem to be "
                "valid. \nNote: the expected format is DE123456788",
            )


def _matches(fake: FakeOdoo, model: str, row: dict[str, Any], domain: list[Any]) -> bool:
    stack: list[bool] = []
    for term in reversed(domain):
        if term == "|":
            stack.append(stack.pop() | stack.pop())
        elif term == "&":
            stack.append(stack.pop() & stack.pop())
        elif term == "!":
            stack.append(not stack.pop())
        else:
            stack.append(_leaf(fake, model, row, term))
    return all(stack)


def _leaf(fake: FakeOdoo, model: str, row: dict[str, Any], term: list[Any]) -> bool:
    name, op, value = term
    if "." in name:  # parent_id.ref: follow the many2one
        link, rest = name.split(".", 1)
        target = row.get(link)
        if not target:
            return False
        linked_model = _MANY2ONE[link]
        return _leaf(fake, linked_model, fake.tables[linked_model][target], [rest, op, value])
    if name not in row:
        raise OdooError("builtins.ValueError", f"Invalid field {name!r} in leaf {term}")
    actual = row[name]
    if op == "=":
        return bool(actual == value)
    if op == "!=":
        return bool(actual != value)
    if op == "in":
        return actual in value
    if op == ">":
        return actual is not False and actual > value
    if op == "ilike":
        return actual is not False and str(value).lower() in str(actual).lower()
    if op == "=ilike":
        return actual is not False and str(value).lower() == str(actual).lower()
    raise OdooError("builtins.ValueError", f"Invalid leaf {term}")

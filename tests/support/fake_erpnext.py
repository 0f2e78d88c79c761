"""An in-memory ERPNext answering Frappe's REST API the way Frappe documents it.

Requests and answers follow https://docs.frappe.io/framework/user/en/api/rest and
https://docs.frappe.io/framework/user/en/guides/integration/rest_api/listing_documents
(``GET /api/resource/<DocType>`` with JSON-encoded ``fields``, ``filters`` (``[field, op,
value]`` or ``[doctype, field, op, value]`` for child tables such as ``Dynamic Link``),
``or_filters``, ``order_by``, ``limit_start``, ``limit_page_length`` (default 20, 0 for all),
``group_by``; ``POST``/``PUT /api/resource/<DocType>[/<name>]`` with a JSON document; answers
``{"data": ...}``; ``Authorization: token <api_key>:<api_secret>``). Errors are shaped as
Frappe's ``handle_exception`` sends them: HTTP 417 (validation), 404, 401, with ``exc_type``,
``exception`` and ``_server_messages`` (a JSON list of JSON-encoded message objects). A write
whose ``modified`` is not the stored one fails with ``TimestampMismatchError``, as Frappe's
``check_if_latest`` does.
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

import httpx

API_KEY = "a1b2c3d4e5f6a7b"
API_SECRET = "f0e1d2c3b4a5968"
COMPANY = "Frontdesk GmbH"

_CHILD_TABLES = {
    "Customer": {"Customer Credit Limit": "credit_limits"},
    "Address": {"Dynamic Link": "links"},
}
_MANDATORY = {
    "Customer": [("customer_name", "Customer Name")],
    "Address": [
        ("address_title", "Address Title"),
        ("address_type", "Address Type"),
        ("address_line1", "Address Line 1"),
        ("city", "City/Town"),
        ("country", "Country"),
    ],
}
_FIELD = re.compile(r"^(?:`tab(?P<child>[^`]+)`\.)?(?P<name>\w+)(?: as (?P<alias>\w+))?$")
_COUNT = re.compile(r"^count\(name\) as (?P<alias>\w+)$")
_SUM = re.compile(r"^sum\((?P<name>\w+)\) as (?P<alias>\w+)$")


class FrappeError(Exception):
    def __init__(self, status: int, exc_type: str, message: str) -> None:
        super().__init__(message)
        self.status, self.exc_type, self.message = status, exc_type, message


@dataclass
class FakeErpNext:
    """ERPNext's documents, the requests it answered, and a switch to make it unreachable."""

    docs: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    requests: list[httpx.Request] = field(default_factory=list)
    unreachable: bool = False
    api_secret: str = API_SECRET
    status: int | None = None
    """When set, every request is answered with this bare HTTP status."""
    _series: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _tick: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def __post_init__(self) -> None:
        self.docs = {"Customer": {}, "Address": {}, "Sales Invoice": {}, "Country": {}}
        for name, code in [("Germany", "de"), ("France", "fr"), ("Austria", "at")]:
            self.docs["Country"][name] = {"name": name, "code": code, "modified": self._now()}

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def _now(self) -> str:
        return f"2026-11-25 10:00:00.{next(self._tick):06d}"

    def insert(self, doctype: str, doc: dict[str, Any]) -> dict[str, Any]:
        """Insert as Frappe's ``Document.insert`` would: mandatory fields, links, naming."""
        doc = dict(doc)
        for fieldname, label in _MANDATORY.get(doctype, []):
            if doc.get(fieldname) in (None, ""):
                raise FrappeError(
                    417, "MandatoryError", f"Error: Value missing for {doctype}: {label}"
                )
        if doctype == "Address" and doc["country"] not in self.docs["Country"]:
            raise FrappeError(
                417, "LinkValidationError", f"Could not find Country: {doc['country']}"
            )
        if doctype == "Customer":
            doc.setdefault("name", f"CUST-{next(self._series):05d}")
            doc = {
                "disabled": 0,
                "is_frozen": 0,
                "tax_id": None,
                "email_id": None,
                "payment_terms": None,
                "customer_details": None,
                "credit_limits": [],
                **doc,
            }
        elif doctype == "Address":
            base = f"{doc['address_title']}-{doc['address_type']}"
            suffix = itertools.count(1)
            name = base
            while name in self.docs["Address"]:
                name = f"{base}-{next(suffix)}"
            doc = {
                "name": name,
                "disabled": 0,
                "is_primary_address": 0,
                "is_shipping_address": 0,
                "state": None,
                "pincode": None,
                "links": [],
                **doc,
            }
        doc["modified"] = self._now()
        doc["doctype"] = doctype
        self.docs[doctype][doc["name"]] = doc
        return doc

    # --- HTTP

    def handle(self, request: httpx.Request) -> httpx.Response:
        if self.unreachable:
            raise httpx.ConnectError("connection refused", request=request)
        if self.status is not None:
            return httpx.Response(self.status, text="<html>Service Unavailable</html>")
        self.requests.append(request)
        try:
            if request.headers.get("Authorization") != f"token {API_KEY}:{self.api_secret}":
                raise FrappeError(401, "AuthenticationError", "Invalid token")
            return httpx.Response(200, json=self._route(request))
        except FrappeError as exc:
            messages = json.dumps(
                [
                    json.dumps(
                        {
                            "message": exc.message,
                            "title": "Message",
                            "indicator": "red",
                            "raise_exception": 1,
                        }
                    )
                ]
            )
            body = {
                "exception": f"frappe.exceptions.{exc.exc_type}: {exc.message}",
                "exc_type": exc.exc_type,
                "exc": '["Traceback (most recent call last): ..."]',
                "_server_messages": messages,
            }
            return httpx.Response(exc.status, json=body)

    def _route(self, request: httpx.Request) -> dict[str, Any]:
        parts = unquote(request.url.path).split("/")[1:]
        if parts == ["api", "method", "frappe.auth.get_logged_user"]:
            return {"message": "integration@example.com"}
        if parts[:2] != ["api", "resource"] or parts[2] not in self.docs:
            raise FrappeError(404, "DoesNotExistError", f"{request.url.path} not found")
        doctype = parts[2]
        if request.method == "GET" and len(parts) == 3:
            return {"data": self._list(doctype, request.url.params)}
        if request.method == "POST" and len(parts) == 3:
            return {"data": self.insert(doctype, json.loads(request.content))}
        if request.method == "PUT" and len(parts) == 4:
            return {"data": self._update(doctype, parts[3], json.loads(request.content))}
        raise FrappeError(404, "DoesNotExistError", f"{request.method} {request.url.path}")

    def _update(self, doctype: str, name: str, changes: dict[str, Any]) -> dict[str, Any]:
        doc = self.docs[doctype].get(name)
        if doc is None:
            raise FrappeError(404, "DoesNotExistError", f"{doctype} {name} not found")
        if "modified" in changes and changes["modified"] != doc["modified"]:
            raise FrappeError(
                417,
                "TimestampMismatchError",
                f"Error: Document has been modified after you have opened it ({doc['modified']}, "
                f"{changes['modified']}). Please refresh to get the latest document.",
            )
        updated = {**doc, **changes}
        for fieldname, label in _MANDATORY.get(doctype, []):
            if updated.get(fieldname) in (None, ""):
                raise FrappeError(
                    417, "MandatoryError", f"Error: Value missing for {doctype}: {label}"
                )
        if doctype == "Address" and updated["country"] not in self.docs["Country"]:
            raise FrappeError(
                417, "LinkValidationError", f"Could not find Country: {updated['country']}"
            )
        updated["modified"] = self._now()
        self.docs[doctype][name] = updated
        return updated

    # --- frappe.get_list

    def _list(self, doctype: str, params: httpx.QueryParams) -> list[dict[str, Any]]:
        known = {
            "fields",
            "filters",
            "or_filters",
            "order_by",
            "limit_start",
            "limit_page_length",
            "group_by",
        }
        if set(params) - known:
            raise FrappeError(
                417, "TypeError", f"unexpected arguments {sorted(set(params) - known)}"
            )
        fields = json.loads(params.get("fields", '["name"]'))
        filters = json.loads(params.get("filters", "[]"))
        or_filters = json.loads(params.get("or_filters", "[]"))
        children = _CHILD_TABLES.get(doctype, {})
        joined = {f[0] for f in filters if len(f) == 4 and f[0] != doctype}
        joined |= {m["child"] for f in fields if (m := _FIELD.match(f)) and m["child"]}
        rows = [
            row
            for doc in self.docs[doctype].values()
            for row in _join(doctype, doc, joined, children)
        ]
        rows = [r for r in rows if all(_test(r, doctype, f) for f in filters)]
        if or_filters:
            rows = [r for r in rows if any(_test(r, doctype, f) for f in or_filters)]
        key, _, direction = params.get("order_by", "modified desc").partition(" ")
        rows.sort(key=lambda r: r[(doctype, key)], reverse=direction == "desc")
        if len(fields) == 1 and (counted := _COUNT.match(fields[0])) is not None:
            return [{counted["alias"]: len(rows)}]
        if "group_by" in params:
            return _group(rows, doctype, params["group_by"], fields)
        start = int(params.get("limit_start", 0))
        length = int(params.get("limit_page_length", 20))
        rows = rows[start : start + length if length else None]
        return [_project(r, doctype, fields) for r in rows]


def _join(
    doctype: str, doc: dict[str, Any], joined: set[str], children: dict[str, str]
) -> list[dict[Any, Any]]:
    """Rows of ``doc`` left-joined with its child tables named in fields or filters."""
    rows: list[dict[Any, Any]] = [{(doctype, k): v for k, v in doc.items()}]
    for child in joined:
        if child not in children:
            raise FrappeError(417, "DataError", f"Unknown child table {child}")
        expanded = []
        for row in rows:
            for entry in doc[children[child]] or [{}]:
                expanded.append(row | {(child, k): v for k, v in entry.items()})
        rows = expanded
    return rows


def _test(row: dict[Any, Any], doctype: str, condition: list[Any]) -> bool:
    table, name, op, value = condition if len(condition) == 4 else [doctype, *condition]
    actual = row.get((table, name))
    if (doctype, name) not in row and table == doctype:
        raise FrappeError(417, "DataError", f"Field not permitted in query: {name}")
    if op == "=":
        return bool(actual == value)
    if op == "in":
        return actual in value
    if op == ">":
        return actual is not None and actual > value
    if op == "like":
        pattern = "^" + re.escape(value).replace("%", ".*") + "$"
        return actual is not None and re.match(pattern, str(actual), re.IGNORECASE) is not None
    raise FrappeError(417, "DataError", f"Unsupported operator {op}")


def _project(row: dict[Any, Any], doctype: str, fields: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for spec in fields:
        match = _FIELD.match(spec)
        if match is None:
            raise FrappeError(417, "DataError", f"Invalid field {spec}")
        out[match["alias"] or match["name"]] = row.get((match["child"] or doctype, match["name"]))
    return out


def _group(rows: list[dict[Any, Any]], doctype: str, by: str, fields: list[str]) -> list[Any]:
    groups: dict[Any, list[dict[Any, Any]]] = {}
    for row in rows:
        groups.setdefault(row[(doctype, by)], []).append(row)
    out = []
    for key, members in groups.items():
        entry: dict[str, Any] = {}
        for spec in fields:
            if (total := _SUM.match(spec)) is not None:
                entry[total["alias"]] = sum(m[(doctype, total["name"])] for m in members)
            elif spec == by:
                entry[by] = key
            else:
                raise FrappeError(417, "DataError", f"{spec} is neither grouped nor aggregated")
        out.append(entry)
    return out

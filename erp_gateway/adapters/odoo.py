"""The ``odoo`` adapter: Odoo's external JSON-RPC API (``POST /jsonrpc``) on ``res.partner``.

Mapping (documented in the README's Odoo section):

- the customer number is the partner's ``ref`` ("Reference"); only top-level partners
  (no ``parent_id``) with a ``ref`` are customers;
- billing and shipping addresses are the child partners of ``type`` ``invoice`` and
  ``delivery``; without one, the partner's own address stands in (as Odoo's own
  ``address_get`` does). A batch of customers and their child addresses is ONE
  ``search_read`` (a domain over ``ref`` OR ``parent_id.ref``);
- credit limit ``credit_limit``, payment terms ``property_payment_term_id`` (many2one:
  ``[id, name]``), balance ``total_due`` (configurable, for example ``credit``), currency
  ``currency_id``; the version digests the ``write_date`` of the partner and its addresses;
- credit hold (Odoo has no flag): the partner is archived (``active`` false), or a credit limit
  is set (above zero) and the balance exceeds it.

Errors: JSON-RPC ``error`` objects carry the exception's class in ``data.name``:
``ValidationError``/``UserError`` -> ``ErpRejected``; ``MissingError`` -> ``ErpNotFound``;
``AccessDenied``/``AccessError`` (the integration's own credentials or rights: a configuration
fault the caller cannot fix) and anything else -> ``ErpUnavailable``, like HTTP 429/5xx,
timeouts and refused connections.
"""

from __future__ import annotations

import asyncio
import itertools
from typing import TYPE_CHECKING, Any

import httpx

from erp_gateway.adapters.common import (
    idempotency_digest,
    keyset_page,
    status_failure,
    transport_failure,
    utc_now,
)
from erp_gateway.adapters.odoo_records import PARTNER_FIELDS, OdooPartner, assemble
from erp_gateway.errors import ErpConflict, ErpNotFound, ErpRejected, ErpUnavailable

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable, Mapping, Sequence

    from erp_gateway.records import (
        Address,
        AddressRole,
        CustomerQuery,
        ErpCustomer,
        NewCustomer,
        Page,
    )

_REJECTED = ("odoo.exceptions.ValidationError", "odoo.exceptions.UserError")
_CHILD_TYPES = ["invoice", "delivery"]


class OdooGateway:
    """``ErpGateway`` over Odoo's JSON-RPC; one ``search_read`` per batch of customers."""

    def __init__(
        self,
        *,
        url: str,
        database: str,
        username: str,
        password: str,
        balance_field: str = "total_due",
        number_prefix: str = "FD-",
        timeout: float = 10.0,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], dt.datetime] = utc_now,
    ) -> None:
        self._http = httpx.AsyncClient(base_url=url, timeout=timeout, transport=transport)
        self._database = database
        self._username = username
        self._password = password
        self._balance_field = balance_field
        self._number_prefix = number_prefix
        self._clock = clock
        self._ids = itertools.count(1)
        self._uid: int | None = None
        self._countries: dict[int, str] = {}
        self._login_lock = asyncio.Lock()

    # --- the port

    async def get_customers(self, numbers: Sequence[str]) -> Mapping[str, ErpCustomer]:
        found = await self._partners(list(dict.fromkeys(numbers)))
        return {number: partner.customer for number, partner in found.items()}

    async def search_customers(self, query: CustomerQuery) -> Page[ErpCustomer]:
        domain: list[Any] = [["parent_id", "=", False], ["ref", "!=", False]]
        if query.numbers is not None:
            domain.append(["ref", "in", list(query.numbers)])
        if query.text:
            text = query.text
            domain += ["|", "|", ["ref", "ilike", text], ["name", "ilike", text]]
            domain.append(["vat", "ilike", text])

        async def fetch(after: str | None, size: int) -> Sequence[ErpCustomer]:
            page_domain = [*domain, ["ref", ">", after]] if after else domain
            rows = await self._execute(
                "res.partner",
                "search_read",
                [page_domain],
                {
                    "fields": ["ref"],
                    "order": "ref asc",
                    "limit": size,
                    "context": {"active_test": False},
                },
            )
            refs = [str(row["ref"]) for row in rows]
            found = await self._partners(refs)
            return [found[ref].customer for ref in refs if ref in found]

        async def count() -> int:
            context = {"context": {"active_test": False}}
            return int(await self._execute("res.partner", "search_count", [domain], context))

        return await keyset_page(query, fetch, count)

    async def update_address(
        self,
        number: str,
        role: AddressRole,
        address: Address,
        *,
        expected_version: str | None = None,
    ) -> ErpCustomer:
        partner = await self._partner(number)
        if expected_version is not None and expected_version != partner.customer.version:
            raise ErpConflict(f"customer {number} changed since version {expected_version}")
        values = await self._address_values(address)
        child_id = partner.child_ids.get(role)
        if child_id is not None:
            await self._execute("res.partner", "write", [[child_id], values])
        else:
            child_type = "invoice" if role.value == "billing" else "delivery"
            values |= {"parent_id": partner.id, "type": child_type}
            await self._execute("res.partner", "create", [values])
        return (await self._partner(number)).customer

    async def create_customer(self, draft: NewCustomer, *, idempotency_key: str) -> ErpCustomer:
        """Create the partner with a ``ref`` derived from the key, unless one already has it.

        The key decides the customer number, so a retry (after a timeout, say) finds the
        partner the first attempt created instead of creating a second one.
        """
        number = self._number_prefix + idempotency_digest(idempotency_key)
        existing = await self._partners([number])
        if number in existing:
            return existing[number].customer
        values: dict[str, Any] = {
            "name": draft.name,
            "ref": number,
            "is_company": True,
            "customer_rank": 1,
            "email": draft.email or False,
            "phone": draft.phone or False,
            "vat": draft.tax_id or False,
        }
        if draft.billing_address is not None:
            values |= await self._address_values(draft.billing_address)
        await self._execute("res.partner", "create", [values])
        return (await self._partner(number)).customer

    async def ping(self) -> None:
        await self._call("common", "version", [])

    async def close(self) -> None:
        await self._http.aclose()

    # --- reading

    async def _partner(self, number: str) -> OdooPartner:
        found = await self._partners([number])
        if number not in found:
            raise ErpNotFound(f"no customer {number} in Odoo")
        return found[number]

    async def _partners(self, numbers: list[str]) -> dict[str, OdooPartner]:
        if not numbers:
            return {}
        await self._login()
        domain = [
            "|",
            "&",
            ["parent_id", "=", False],
            ["ref", "in", numbers],
            "&",
            ["parent_id.ref", "in", numbers],
            ["type", "in", _CHILD_TYPES],
        ]
        rows = await self._execute(
            "res.partner",
            "search_read",
            [domain],
            {
                "fields": [*PARTNER_FIELDS, self._balance_field],
                "order": "id asc",
                "context": {"active_test": False},
            },
        )
        return assemble(rows, self._balance_field, self._countries, self._clock())

    async def _address_values(self, address: Address) -> dict[str, Any]:
        await self._login()
        country_id: int | bool = False
        if address.country is not None:
            codes = {code: id_ for id_, code in self._countries.items()}
            if address.country.upper() not in codes:
                raise ErpRejected(f"Odoo knows no country {address.country!r}")
            country_id = codes[address.country.upper()]
        state_id: int | bool = False
        if address.region:
            region = address.region
            states = await self._execute(
                "res.country.state",
                "search_read",
                [
                    [
                        ["country_id", "=", country_id],
                        "|",
                        ["code", "=ilike", region],
                        ["name", "=ilike", region],
                    ]
                ],
                {"fields": ["id"], "limit": 1},
            )
            if not states:
                raise ErpRejected(f"Odoo knows no state {region!r} in {address.country}")
            state_id = int(states[0]["id"])
        return {
            "street": address.street or False,
            "city": address.city or False,
            "zip": address.postal_code or False,
            "state_id": state_id,
            "country_id": country_id,
        }

    # --- the wire

    async def _login(self) -> int:
        async with self._login_lock:
            if self._uid is None:
                uid = await self._call(
                    "common",
                    "authenticate",
                    [self._database, self._username, self._password, {}],
                )
                if not isinstance(uid, int) or isinstance(uid, bool):
                    raise ErpUnavailable("Odoo refused the configured login and password")
                self._uid = uid
                countries = await self._execute(
                    "res.country", "search_read", [[]], {"fields": ["code"]}
                )
                self._countries = {int(row["id"]): str(row["code"]) for row in countries}
            return self._uid

    async def _execute(
        self, model: str, method: str, args: list[Any], kwargs: dict[str, Any] | None = None
    ) -> Any:
        uid = self._uid if self._uid is not None else await self._login()
        call = [self._database, uid, self._password, model, method, args]
        return await self._call("object", "execute_kw", [*call, kwargs or {}])

    async def _call(self, service: str, method: str, args: list[Any]) -> Any:
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {"service": service, "method": method, "args": args},
            "id": next(self._ids),
        }
        try:
            response = await self._http.post("/jsonrpc", json=payload)
        except httpx.HTTPError as exc:
            raise transport_failure("Odoo", exc) from exc
        failure = status_failure("Odoo", response)
        if failure is not None:
            raise failure
        try:
            body = response.json()
        except ValueError as exc:
            raise ErpUnavailable(f"Odoo answered HTTP {response.status_code} without JSON") from exc
        if "error" in body:
            raise translate_error(body["error"], f"{service}.{method}")
        return body.get("result")


def translate_error(error: dict[str, Any], operation: str) -> Exception:
    data = error.get("data") or {}
    name = str(data.get("name", ""))
    message = str(data.get("message") or error.get("message") or "Odoo Server Error")
    if name in _REJECTED:
        return ErpRejected(message, operation=operation)
    if name == "odoo.exceptions.MissingError":
        return ErpNotFound(message, operation=operation)
    return ErpUnavailable(
        f"Odoo failed ({name or error.get('code')}): {message}", operation=operation
    )

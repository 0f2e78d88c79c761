"""The ``erpnext`` adapter: the Frappe REST API (``/api/resource/<DocType>``) of ERPNext.

Mapping (documented in the README's ERPNext section):

- the customer number is the ``Customer`` document's ``name`` (its ID); name
  ``customer_name``, tax id ``tax_id``, e-mail ``email_id``, payment terms ``payment_terms``
  (a Payment Terms Template), credit limit the ``credit_limits`` row of the configured company;
- addresses are ``Address`` documents linked through their ``links`` (Dynamic Link) rows;
  billing is the ``Billing`` address (primary first), shipping the ``Shipping`` one;
- the balance is the sum of ``outstanding_amount`` over the customer's submitted
  ``Sales Invoice`` documents of the company, in the company's currency;
- credit hold: ``disabled`` or ``is_frozen``;
- the version digests ``modified`` of the customer and its chosen addresses.

A batch costs three GET requests whatever its size: customers (with the credit-limit child
table joined), linked addresses, summed outstanding invoices. The ``Country`` list (names to
ISO codes) is read once per gateway.

Errors: Frappe answers HTTP 417 (``ValidationError``, ``MandatoryError``, ...) and 409
(``DuplicateEntryError``) with ``exc_type`` and ``_server_messages`` -> ``ErpRejected`` with
the server's message; ``TimestampMismatchError`` -> ``ErpConflict``; 404 -> ``ErpNotFound``;
401/403 (the integration's token or roles: configuration) and 429/5xx, timeouts, refused
connections -> ``ErpUnavailable``.
"""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING, Any

import httpx

from erp_gateway.adapters.common import (
    idempotency_digest,
    keyset_page,
    status_failure,
    transport_failure,
    utc_now,
)
from erp_gateway.adapters.erpnext_errors import translate_error
from erp_gateway.adapters.erpnext_records import (
    ADDRESS_FIELDS,
    CUSTOMER_FIELDS,
    ErpNextCustomer,
    assemble,
)
from erp_gateway.errors import ErpConflict, ErpNotFound, ErpRejected, ErpUnavailable
from erp_gateway.records import AddressRole

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable, Mapping, Sequence

    from erp_gateway.records import Address, CustomerQuery, ErpCustomer, NewCustomer, Page

_ALL = 0
"""``limit_page_length=0`` asks Frappe for every matching row."""


class ErpNextGateway:
    """``ErpGateway`` over ERPNext's REST API; three requests per batch of customers."""

    def __init__(
        self,
        *,
        url: str,
        api_key: str,
        api_secret: str,
        company: str,
        currency: str,
        idempotency_field: str = "customer_details",
        timeout: float = 10.0,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], dt.datetime] = utc_now,
    ) -> None:
        self._http = httpx.AsyncClient(
            base_url=url,
            timeout=timeout,
            transport=transport,
            headers={
                "Authorization": f"token {api_key}:{api_secret}",
                "Accept": "application/json",
            },
        )
        self._company = company
        self._currency = currency
        self._idempotency_field = idempotency_field
        self._clock = clock
        self._countries: dict[str, str] | None = None
        self._countries_lock = asyncio.Lock()

    # --- the port

    async def get_customers(self, numbers: Sequence[str]) -> Mapping[str, ErpCustomer]:
        found = await self._customers(list(dict.fromkeys(numbers)))
        return {number: entry.customer for number, entry in found.items()}

    async def search_customers(self, query: CustomerQuery) -> Page[ErpCustomer]:
        filters: list[list[Any]] = []
        or_filters: list[list[Any]] = []
        if query.numbers is not None:
            filters.append(["name", "in", list(query.numbers)])
        if query.text:
            pattern = f"%{query.text}%"
            or_filters = [[f, "like", pattern] for f in ("name", "customer_name", "tax_id")]

        async def fetch(after: str | None, size: int) -> Sequence[ErpCustomer]:
            params: dict[str, Any] = {
                "fields": ["name"],
                "filters": [*filters, ["name", ">", after]] if after else filters,
                "order_by": "name asc",
                "limit_start": 0,
                "limit_page_length": size,
            }
            if or_filters:
                params["or_filters"] = or_filters
            rows = await self._get("/api/resource/Customer", params)
            names = [str(row["name"]) for row in rows]
            found = await self._customers(names)
            return [found[name].customer for name in names if name in found]

        async def count() -> int:
            params: dict[str, Any] = {"fields": ["count(name) as total"], "filters": filters}
            if or_filters:
                params["or_filters"] = or_filters
            rows = await self._get("/api/resource/Customer", params)
            return int(rows[0]["total"])

        return await keyset_page(query, fetch, count)

    async def update_address(
        self,
        number: str,
        role: AddressRole,
        address: Address,
        *,
        expected_version: str | None = None,
    ) -> ErpCustomer:
        """Write the role's Address; Frappe's own ``modified`` check guards the race."""
        current = await self._customer(number)
        if expected_version is not None and expected_version != current.customer.version:
            raise ErpConflict(f"customer {number} changed since version {expected_version}")
        values = await self._address_values(address)
        existing = current.addresses.get(role)
        billing = role is AddressRole.BILLING
        if existing is not None and existing.get("address_type") == (
            "Billing" if billing else "Shipping"
        ):
            body = values | {"modified": existing["modified"]}
            await self._send("PUT", f"/api/resource/Address/{existing['name']}", body)
        else:
            await self._create_address(current.customer, role, values)
        return (await self._customer(number)).customer

    async def create_customer(self, draft: NewCustomer, *, idempotency_key: str) -> ErpCustomer:
        """Create the customer with a marker derived from the key, unless one already has it.

        The marker goes to ``idempotency_field`` (``customer_details`` unless configured, for
        example to a custom field); a retry finds the first attempt's customer by it.
        """
        marker = f"frontdesk-key:{idempotency_digest(idempotency_key)}"
        rows = await self._get(
            "/api/resource/Customer",
            {"fields": ["name"], "filters": [[self._idempotency_field, "=", marker]]},
        )
        if rows:
            number = str(rows[0]["name"])
        else:
            body: dict[str, Any] = {
                "customer_name": draft.name,
                "customer_type": "Company",
                self._idempotency_field: marker,
            }
            if draft.tax_id:
                body["tax_id"] = draft.tax_id
            if draft.email:
                body["email_id"] = draft.email
            if draft.phone:
                body["mobile_no"] = draft.phone
            if draft.currency:
                body["default_currency"] = draft.currency
            created = await self._send("POST", "/api/resource/Customer", body)
            number = str(created["name"])
        current = await self._customer(number)
        if draft.billing_address is not None and AddressRole.BILLING not in current.addresses:
            values = await self._address_values(draft.billing_address)
            await self._create_address(current.customer, AddressRole.BILLING, values)
            current = await self._customer(number)
        return current.customer

    async def ping(self) -> None:
        await self._get_json("/api/method/frappe.auth.get_logged_user", {})

    async def close(self) -> None:
        await self._http.aclose()

    # --- reading

    async def _customer(self, number: str) -> ErpNextCustomer:
        found = await self._customers([number])
        if number not in found:
            raise ErpNotFound(f"no customer {number} in ERPNext")
        return found[number]

    async def _customers(self, numbers: list[str]) -> dict[str, ErpNextCustomer]:
        if not numbers:
            return {}
        countries = await self._country_codes()
        customers = await self._get(
            "/api/resource/Customer",
            {
                "fields": CUSTOMER_FIELDS,
                "filters": [["name", "in", numbers]],
                "limit_page_length": _ALL,
            },
        )
        addresses = await self._get(
            "/api/resource/Address",
            {
                "fields": ADDRESS_FIELDS,
                "filters": [
                    ["Dynamic Link", "link_doctype", "=", "Customer"],
                    ["Dynamic Link", "link_name", "in", numbers],
                    ["disabled", "=", 0],
                ],
                "limit_page_length": _ALL,
            },
        )
        balances = await self._get(
            "/api/resource/Sales Invoice",
            {
                "fields": ["customer", "sum(outstanding_amount) as outstanding"],
                "filters": [
                    ["customer", "in", numbers],
                    ["company", "=", self._company],
                    ["docstatus", "=", 1],
                ],
                "group_by": "customer",
                "limit_page_length": _ALL,
            },
        )
        return assemble(
            customers,
            addresses,
            balances,
            company=self._company,
            currency=self._currency,
            countries={name: code for code, name in countries.items()},
            fetched_at=self._clock(),
        )

    async def _country_codes(self) -> dict[str, str]:
        """ISO code (upper case) -> ERPNext's Country name, read once."""
        async with self._countries_lock:
            if self._countries is None:
                rows = await self._get(
                    "/api/resource/Country",
                    {"fields": ["name", "code"], "limit_page_length": _ALL},
                )
                self._countries = {
                    str(r["code"]).upper(): str(r["name"]) for r in rows if r["code"]
                }
            return self._countries

    # --- writing

    async def _address_values(self, address: Address) -> dict[str, Any]:
        countries = await self._country_codes()
        country = None
        if address.country is not None:
            country = countries.get(address.country.upper())
            if country is None:
                raise ErpRejected(f"ERPNext knows no country {address.country!r}")
        return {
            "address_line1": address.street,
            "city": address.city,
            "pincode": address.postal_code,
            "state": address.region,
            "country": country,
        }

    async def _create_address(
        self, customer: ErpCustomer, role: AddressRole, values: dict[str, Any]
    ) -> None:
        billing = role is AddressRole.BILLING
        body = values | {
            "address_title": customer.name,
            "address_type": "Billing" if billing else "Shipping",
            "is_primary_address": 1 if billing else 0,
            "is_shipping_address": 0 if billing else 1,
            "links": [{"link_doctype": "Customer", "link_name": customer.number}],
        }
        await self._send("POST", "/api/resource/Address", body)

    # --- the wire

    async def _get(self, path: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        body = await self._get_json(path, params)
        data: list[dict[str, Any]] = body["data"]
        return data

    async def _get_json(self, path: str, params: dict[str, Any]) -> dict[str, Any]:
        encoded = {k: v if isinstance(v, str | int) else json.dumps(v) for k, v in params.items()}
        return await self._request("GET", path, params=encoded)

    async def _send(self, method: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
        answer = await self._request(method, path, json=body)
        data: dict[str, Any] = answer["data"]
        return data

    async def _request(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        operation = f"{method} {path}"
        try:
            response = await self._http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise transport_failure("ERPNext", exc) from exc
        failure = status_failure("ERPNext", response)
        if failure is not None:
            raise failure
        try:
            body: dict[str, Any] = response.json()
        except ValueError as exc:
            raise ErpUnavailable(
                f"ERPNext answered HTTP {response.status_code} without JSON"
            ) from exc
        if response.is_success:
            return body
        raise translate_error(response.status_code, body, operation)

"""The ``tryton`` adapter: customers are Tryton parties, read and written over JSON-RPC.

* Number = the party's ``code``. Archived parties are read too (``active_test`` off), so that
  the credit-hold rule can flag them; searches skip the company's own party.
* Batches: ``get_customers`` is one ``party.party.search_read`` per call, whatever the size.
* Money is in the company's currency (read once per company from ``company.company``).
* Version: a hash of the party's and its addresses' write (or create) timestamps. Writes also
  send Tryton's ``_timestamp`` context for the rows they read, so a change that lands between
  the read and the write is refused by Tryton (``ConcurrencyException`` -> ``ErpConflict``).
* Idempotent creation: the party's ``code`` is derived from the idempotency key
  (``FD-`` + 10 base32 characters of its SHA-256). Tryton keeps codes unique, so a retry after
  a timeout or a crash finds the party it created, and two racing creations cannot both
  succeed: the loser's refusal is answered with the winner's party.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from typing import TYPE_CHECKING, Any, TypeAlias

from erp_gateway.adapters.tryton_client import TrytonClient
from erp_gateway.adapters.tryton_records import (
    PARTY_FIELDS,
    CreditHoldRule,
    billing_row,
    customer_of,
    flagged_row,
    timestamps_of,
)
from erp_gateway.errors import ErpConflict, ErpNotFound, ErpRejected
from erp_gateway.records import AddressRole, Page

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    import httpx

    from erp_gateway.records import Address, CustomerQuery, ErpCustomer, NewCustomer

Domain: TypeAlias = list[Any]

READ_ALL = {"active_test": False}
ORDER = [["code", "ASC"]]
SCAN_CHUNK = 200
"""Rows fetched per round when a page is filtered by credit hold (computed, not searchable)."""


def idempotent_code(key: str) -> str:
    """The party code a creation under ``key`` gets: same key, same code."""
    digest = base64.b32encode(hashlib.sha256(key.encode()).digest()).decode()
    return f"FD-{digest[:10]}"


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class TrytonGateway:
    """``ErpGateway`` over one Tryton database (see the module docstring for the mapping)."""

    def __init__(
        self,
        *,
        base_url: str,
        database: str,
        username: str,
        password: str,
        credit_hold: CreditHoldRule | None = None,
        timeout: float = 10.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._client = TrytonClient(
            base_url=base_url,
            database=database,
            username=username,
            password=password,
            timeout=timeout,
            transport=transport,
        )
        self._rule = credit_hold or CreditHoldRule()
        self._companies: dict[int, tuple[str, int]] = {}

    async def ping(self) -> None:
        await self._client.server_version()

    async def close(self) -> None:
        await self._client.close()

    # --- reads

    async def get_customers(self, numbers: Sequence[str]) -> Mapping[str, ErpCustomer]:
        wanted = sorted(set(numbers))
        if not wanted:
            return {}
        rows = await self._read([["code", "in", wanted]], limit=None)
        customers = await self._customers(rows)
        return {customer.number: customer for customer in customers}

    async def search_customers(self, query: CustomerQuery) -> Page[ErpCustomer]:
        _currency, company_party = await self._company()
        domain: Domain = [["id", "!=", company_party]]
        if query.text:
            pattern = _like(query.text)
            domain.append(
                [
                    "OR",
                    ["code", "ilike", pattern],
                    ["name", "ilike", pattern],
                    ["identifiers.code", "ilike", pattern],
                ]
            )
        if query.numbers is not None:
            domain.append(["code", "in", list(query.numbers)])
        if query.credit_hold is None:
            return await self._plain_page(domain, query)
        return await self._filtered_page(domain, query, query.credit_hold)

    async def _plain_page(self, domain: Domain, query: CustomerQuery) -> Page[ErpCustomer]:
        paged = [*domain, ["code", ">", query.after]] if query.after else domain
        rows = await self._read(paged, limit=query.limit + 1)
        total = await self._client.call("model.party.party.search_count", domain, context=READ_ALL)
        items = await self._customers(rows[: query.limit])
        return Page(items=tuple(items), has_next=len(rows) > query.limit, total=int(total))

    async def _filtered_page(
        self, domain: Domain, query: CustomerQuery, credit_hold: bool
    ) -> Page[ErpCustomer]:
        """Scan in code order, keeping rows whose computed hold matches, until a page is full."""
        matched: list[ErpCustomer] = []
        after = query.after
        while len(matched) <= query.limit:
            paged = [*domain, ["code", ">", after]] if after else domain
            rows = await self._read(paged, limit=SCAN_CHUNK)
            customers = await self._customers(rows)
            matched += [c for c in customers if c.credit_hold is credit_hold]
            if len(rows) < SCAN_CHUNK:
                break
            after = rows[-1]["code"]
        return Page(items=tuple(matched[: query.limit]), has_next=len(matched) > query.limit)

    async def _read(self, domain: Domain, *, limit: int | None) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = await self._client.call(
            "model.party.party.search_read",
            domain,
            0,
            limit,
            ORDER,
            list(PARTY_FIELDS),
            context=READ_ALL,
        )
        return rows

    async def customer_versions(self) -> dict[str, str]:
        """Every customer's code and version, for the change feed: the party's write stamp
        (``write_date``, else ``create_date``) and its addresses' (an address is a record of
        its own in Tryton)."""
        _currency, company_party = await self._company()
        rows: list[dict[str, Any]] = await self._client.call(
            "model.party.party.search_read",
            [["id", "!=", company_party]],
            0,
            None,
            ORDER,
            ["code", "_timestamp", "addresses._timestamp"],
            context=READ_ALL,
        )
        versions: dict[str, str] = {}
        for row in rows:
            if row.get("code"):
                stamps = sorted(f"{a['id']}:{a['_timestamp']}" for a in row.get("addresses.") or [])
                versions[str(row["code"])] = "|".join([str(row["_timestamp"]), *stamps])
        return versions

    async def _read_one(self, number: str) -> dict[str, Any]:
        rows = await self._read([["code", "=", number]], limit=1)
        if not rows:
            raise ErpNotFound(f"no Tryton party with code {number!r}")
        return rows[0]

    async def _customers(self, rows: list[dict[str, Any]]) -> list[ErpCustomer]:
        currency, _party = await self._company()
        now = dt.datetime.now(dt.UTC)
        return [customer_of(r, currency=currency, rule=self._rule, fetched_at=now) for r in rows]

    async def _company(self) -> tuple[str, int]:
        """(currency code, party id) of the session's company, read once per company."""
        company: int = (await self._client.session_context())["company"]
        if company not in self._companies:
            rows = await self._client.call(
                "model.company.company.read", [company], ["currency.code", "party"]
            )
            self._companies[company] = (rows[0]["currency."]["code"], rows[0]["party"])
        return self._companies[company]

    # --- writes

    async def update_address(
        self,
        number: str,
        role: AddressRole,
        address: Address,
        *,
        expected_version: str | None = None,
    ) -> ErpCustomer:
        row = await self._read_one(number)
        (current,) = await self._customers([row])
        if expected_version is not None and expected_version != current.version:
            raise ErpConflict(
                f"customer {number} changed since version {expected_version}",
                operation="update_address",
            )
        values = await self._address_values(address)
        flag, other = (
            ("invoice", "delivery") if role is AddressRole.BILLING else ("delivery", "invoice")
        )
        target = billing_row(row) if role is AddressRole.BILLING else flagged_row(row, "delivery")
        if target is None:
            commands: list[Any] = [["create", [{**values, flag: True}]]]
        elif bool(target.get(other)):
            # The address serves both roles: give this role its own address, keep the other.
            commands = [
                ["write", [target["id"]], {flag: False}],
                ["create", [{**values, flag: True}]],
            ]
        else:
            commands = [["write", [target["id"]], {**values, flag: True}]]
        await self._client.call(
            "model.party.party.write",
            [row["id"]],
            {"addresses": commands},
            context={"_timestamp": timestamps_of(row)},
        )
        (fresh,) = await self._customers([await self._read_one(number)])
        return fresh

    async def _address_values(self, address: Address) -> dict[str, Any]:
        country_id = subdivision_id = None
        if address.country:
            found = await self._client.call(
                "model.country.country.search", [["code", "=", address.country.upper()]], 0, 1, None
            )
            if not found:
                raise ErpRejected(f"Tryton has no country {address.country!r}")
            country_id = found[0]
            if address.region:
                region = address.region
                matches = await self._client.call(
                    "model.country.subdivision.search",
                    [
                        ["country", "=", country_id],
                        ["OR", ["code", "=", region.upper()], ["name", "ilike", region]],
                    ],
                    0,
                    1,
                    None,
                )
                if not matches:
                    raise ErpRejected(f"Tryton has no region {region!r} in {address.country}")
                subdivision_id = matches[0]
        elif address.region:
            raise ErpRejected("a region needs a country")
        return {
            "street": address.street or "",
            "postal_code": address.postal_code or "",
            "city": address.city or "",
            "country": country_id,
            "subdivision": subdivision_id,
        }

    async def create_customer(self, draft: NewCustomer, *, idempotency_key: str) -> ErpCustomer:
        code = idempotent_code(idempotency_key)
        existing = await self.get_customers([code])
        if code in existing:
            return existing[code]
        values: dict[str, Any] = {"code": code, "name": draft.name}
        if draft.billing_address is not None:
            address = await self._address_values(draft.billing_address)
            values["addresses"] = [["create", [{**address, "invoice": True}]]]
        if draft.tax_id:
            identifier = {"type": "eu_vat", "code": draft.tax_id}
            values["identifiers"] = [["create", [identifier]]]
        mechanisms = [{"type": "email", "value": draft.email}] if draft.email else []
        mechanisms += [{"type": "phone", "value": draft.phone}] if draft.phone else []
        if mechanisms:
            values["contact_mechanisms"] = [["create", mechanisms]]
        try:
            await self._client.call("model.party.party.create", [values])
        except ErpRejected:
            # A concurrent retry may have created it first (codes are unique): that one wins.
            existing = await self.get_customers([code])
            if code in existing:
                return existing[code]
            raise
        (created,) = await self._customers([await self._read_one(code)])
        return created

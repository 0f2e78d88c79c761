"""The ``sql`` adapter: direct access to an ERP's own tables through SQLAlchemy (async).

Which tables and columns hold what is not code but a ``SqlMapping`` (see ``sql_mapping``).
Reads are one query per call: the customer table joined twice to its address table (billing
and shipping rows by role). Driver errors become ``ErpUnavailable``.

A SQLite ERP is opened read-write but never created (``mode=rw``): a missing file is an
unavailable ERP, not a new empty one. Connections are pooled (opening one starts a thread),
and each is checked out only while the file it opened is still the file at that path: a file
moved away fails the next call, one that comes back is picked up at once.
"""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal, InvalidOperation
from functools import cached_property
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, bindparam, event, func, literal, or_, select, sql
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, DisconnectionError, IntegrityError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from erp_gateway.adapters.sql_mapping import DEMO_MAPPING, SqlMapping, load_mapping
from erp_gateway.errors import ErpConflict, ErpNotFound, ErpRejected, ErpUnavailable
from erp_gateway.records import Address, AddressRole, ErpCustomer, Money, Page

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from pathlib import Path

    from sqlalchemy import Select
    from sqlalchemy.engine import Row
    from sqlalchemy.sql.expression import ColumnElement, TableClause

    from erp_gateway.records import CustomerQuery, NewCustomer

_ADDRESS_FIELDS = ("street", "city", "postal_code", "region", "country")


def engine_url(url: str) -> str:
    """For a SQLite file, a URI that refuses to create the file; other URLs unchanged."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.query:
        return url
    if parsed.database == ":memory:":
        return url
    return parsed.set(
        database=f"file:{parsed.database}", query={"mode": "rw", "uri": "true"}
    ).render_as_string(hide_password=False)


def _file_identity(path: str) -> tuple[int, int] | None:
    try:
        found = os.stat(path)
    except OSError:
        return None
    return (found.st_dev, found.st_ino)


def _watch_file(engine: AsyncEngine, path: str) -> None:
    """Pooled connections to the SQLite file at ``path`` are used only while that path still
    names the file they opened (one ``stat`` per checkout)."""

    def opened(_dbapi_connection: Any, record: Any) -> None:
        record.info["erp_file"] = _file_identity(path)

    def checked_out(_dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if _file_identity(path) != record.info.get("erp_file"):
            # The pool drops this connection and opens a new one, which fails (mode=rw)
            # while the file is gone.
            raise DisconnectionError("the ERP database file changed")

    event.listen(engine.sync_engine, "connect", opened)
    event.listen(engine.sync_engine, "checkout", checked_out)


def create_erp_engine(url: str) -> AsyncEngine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_async_engine(url, pool_pre_ping=True)
    if not parsed.database or parsed.database == ":memory:":
        return create_async_engine(engine_url(url), poolclass=NullPool)
    engine = create_async_engine(engine_url(url))
    _watch_file(engine, parsed.database)
    return engine


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


class SqlGateway:
    """``ErpGateway`` over an ERP's own database, as described by ``mapping``."""

    def __init__(
        self, engine: AsyncEngine, mapping: SqlMapping, *, owns_engine: bool = True
    ) -> None:
        self.engine = engine
        self.mapping = mapping
        self._owns_engine = owns_engine
        m = mapping.customer
        cols = [m.number, m.name, m.version, m.credit_hold]
        cols += [
            c
            for c in (
                m.tax_id,
                m.email,
                m.credit_hold_reason,
                m.credit_limit,
                m.balance,
                m.currency,
                m.payment_terms,
            )
            if c
        ]
        self.customers: TableClause = sql.table(m.table, *(sql.column(c) for c in cols))
        self.addresses: TableClause | None = None
        if mapping.address is not None:
            a = mapping.address
            acols = [a.customer, a.role] + [c for f in _ADDRESS_FIELDS if (c := getattr(a, f))]
            self.addresses = sql.table(a.table, *(sql.column(c) for c in acols))
        self.requests: TableClause | None = None
        if mapping.idempotency is not None:
            i = mapping.idempotency
            self.requests = sql.table(i.table, sql.column(i.key), sql.column(i.customer))

    @classmethod
    def from_config(cls, *, url: str, mapping_path: Path | str | None = None) -> SqlGateway:
        """Build from plain settings values: a SQLAlchemy async URL and a mapping file."""
        return cls(create_erp_engine(url), load_mapping(mapping_path or DEMO_MAPPING))

    # --- the query

    @cached_property
    def _joined(self) -> Select[Any]:
        """The customer columns and both addresses, joined: built once per gateway."""
        m = self.mapping.customer
        c = self.customers.c
        picked: list[ColumnElement[Any]] = [col.label(f"c_{col.name}") for col in c]
        source: Any = self.customers
        if self.addresses is not None and self.mapping.address is not None:
            a = self.mapping.address
            for role, value in a.roles.items():
                alias = self.addresses.alias(f"a_{role}")
                source = source.outerjoin(
                    alias,
                    and_(alias.c[a.customer] == c[m.number], alias.c[a.role] == literal(value)),
                )
                picked += [
                    alias.c[col].label(f"{role}_{f}")
                    for f in _ADDRESS_FIELDS
                    if (col := getattr(a, f))
                ]
                picked.append(alias.c[a.role].label(f"{role}__present"))
        return select(*picked).select_from(source)

    @cached_property
    def _by_numbers(self) -> Select[Any]:
        """``get_customers``' statement: the numbers travel as an expanding parameter, so the
        statement is built and keyed once rather than per call."""
        number = self.customers.c[self.mapping.customer.number]
        return self._joined.where(number.in_(bindparam("numbers", expanding=True)))

    def _record(self, row: Row[Any], fetched_at: dt.datetime) -> ErpCustomer:
        m = self.mapping.customer
        data = row._mapping

        def get(column: str | None, prefix: str = "c_") -> Any:
            return data.get(f"{prefix}{column}") if column else None

        currency = str(get(m.currency) or m.default_currency).upper()
        limit = _decimal(get(m.credit_limit))
        balance = _decimal(get(m.balance))
        return ErpCustomer(
            number=str(get(m.number)),
            name=str(get(m.name) or ""),
            tax_id=get(m.tax_id) or None,
            email=get(m.email) or None,
            credit_hold=bool(get(m.credit_hold)),
            credit_hold_reason=get(m.credit_hold_reason) or None,
            credit_limit=Money(limit, currency) if limit is not None else None,
            payment_terms=get(m.payment_terms) or None,
            balance=Money(balance, currency) if balance is not None else None,
            billing_address=self._address(data, "billing"),
            shipping_address=self._address(data, "shipping"),
            version=str(get(m.version)),
            fetched_at=fetched_at,
        )

    def _address(self, data: Any, role: str) -> Address | None:
        if data.get(f"{role}__present") is None:
            return None
        country = data.get(f"{role}_country")
        return Address(
            street=data.get(f"{role}_street"),
            city=data.get(f"{role}_city"),
            postal_code=data.get(f"{role}_postal_code"),
            region=data.get(f"{role}_region"),
            country=str(country).upper() if country else None,
        )

    # --- reads

    async def get_customers(self, numbers: Sequence[str]) -> Mapping[str, ErpCustomer]:
        wanted = list(dict.fromkeys(numbers))
        if not wanted:
            return {}
        try:
            async with self.engine.connect() as conn:
                rows = (await conn.execute(self._by_numbers, {"numbers": wanted})).all()
        except SQLAlchemyError as exc:
            raise ErpUnavailable(f"ERP database error: {exc}", operation="get_customers") from exc
        now = dt.datetime.now(dt.UTC)
        records = (self._record(row, now) for row in rows)
        return {r.number: r for r in records}

    async def customer_versions(self) -> dict[str, str]:
        """Every customer's number and version (the change feed polls this)."""
        c = self.customers.c
        m = self.mapping.customer
        try:
            async with self.engine.connect() as conn:
                rows = (await conn.execute(select(c[m.number], c[m.version]))).all()
        except SQLAlchemyError as exc:
            raise ErpUnavailable(f"ERP database error: {exc}", operation="versions") from exc
        return {str(number): str(version) for number, version in rows}

    def _filters(self, query: CustomerQuery) -> list[ColumnElement[bool]]:
        m = self.mapping.customer
        c = self.customers.c
        where: list[ColumnElement[bool]] = []
        if query.text:
            pattern = f"%{query.text.lower()}%"
            options = [
                func.lower(c[col]).like(pattern) for col in (m.number, m.name, m.tax_id) if col
            ]
            where.append(or_(*options))
        if query.credit_hold is not None:
            hold = c[m.credit_hold]
            where.append(hold != 0 if query.credit_hold else or_(hold == 0, hold.is_(None)))
        if query.numbers is not None:
            where.append(c[m.number].in_(list(query.numbers)))
        return where

    async def search_customers(self, query: CustomerQuery) -> Page[ErpCustomer]:
        number = self.customers.c[self.mapping.customer.number]
        where = self._filters(query)
        page = self._joined.where(*where)
        if query.after is not None:
            page = page.where(number > query.after)
        page = page.order_by(number).limit(query.limit + 1)
        count = select(func.count()).select_from(self.customers).where(*where)
        try:
            async with self.engine.connect() as conn:
                rows = (await conn.execute(page)).all()
                total = (await conn.execute(count)).scalar_one()
        except SQLAlchemyError as exc:
            raise ErpUnavailable(
                f"ERP database error: {exc}", operation="search_customers"
            ) from exc
        now = dt.datetime.now(dt.UTC)
        items = tuple(self._record(row, now) for row in rows[: query.limit])
        return Page(items=items, has_next=len(rows) > query.limit, total=int(total))

    async def ping(self) -> None:
        try:
            async with self.engine.connect() as conn:
                await conn.execute(select(func.count()).select_from(self.customers).limit(1))
        except SQLAlchemyError as exc:
            raise ErpUnavailable(f"ERP database error: {exc}", operation="ping") from exc

    # --- writes

    def _next_version(self, current: Any) -> Any:
        if self.mapping.customer.version_kind == "counter":
            return int(current or 0) + 1
        return dt.datetime.now(dt.UTC).isoformat()

    async def _one(self, number: str) -> ErpCustomer:
        found = await self.get_customers([number])
        if number not in found:
            raise ErpNotFound(f"no customer {number} in the ERP")
        return found[number]

    async def update_address(
        self,
        number: str,
        role: AddressRole,
        address: Address,
        *,
        expected_version: str | None = None,
    ) -> ErpCustomer:
        a = self.mapping.address
        if a is None or self.addresses is None or role.value not in a.roles:
            raise ErpRejected(f"this ERP keeps no {role.value} address", operation="update_address")
        m = self.mapping.customer
        c = self.customers.c
        values = {col: getattr(address, f) for f in _ADDRESS_FIELDS if (col := getattr(a, f))}
        try:
            async with self.engine.begin() as conn:
                current = (
                    await conn.execute(select(c[m.version]).where(c[m.number] == number))
                ).first()
                if current is None:
                    raise ErpNotFound(f"no customer {number} in the ERP")
                if expected_version is not None and str(current[0]) != expected_version:
                    raise ErpConflict(
                        f"customer {number} is at version {current[0]}, not {expected_version}",
                        operation="update_address",
                    )
                bumped = await conn.execute(
                    self.customers.update()
                    .where(c[m.number] == number, c[m.version] == current[0])
                    .values({m.version: self._next_version(current[0])})
                )
                if bumped.rowcount != 1:
                    raise ErpConflict(
                        f"customer {number} changed meanwhile", operation="update_address"
                    )
                await self._write_address(conn, number, a.roles[role.value], values)
        except DBAPIError as exc:
            raise ErpUnavailable(f"ERP database error: {exc}", operation="update_address") from exc
        return await self._one(number)

    async def _write_address(
        self, conn: AsyncConnection, number: str, role_value: str, values: dict[str, Any]
    ) -> None:
        a = self.mapping.address
        table = self.addresses
        if a is None or table is None:  # pragma: no cover - checked by the caller
            return
        match = and_(table.c[a.customer] == number, table.c[a.role] == role_value)
        updated = await conn.execute(table.update().where(match).values(values))
        if updated.rowcount == 0:
            await conn.execute(
                table.insert().values({a.customer: number, a.role: role_value, **values})
            )

    async def create_customer(self, draft: NewCustomer, *, idempotency_key: str) -> ErpCustomer:
        if self.requests is None or self.mapping.idempotency is None:
            raise ErpRejected("this ERP mapping has no idempotency table", operation="create")
        try:
            number = await self._create(draft, idempotency_key)
        except IntegrityError as exc:
            twin = await self._number_for_key(idempotency_key)  # a concurrent twin won
            if twin is None:
                raise ErpRejected(
                    f"the ERP refused the customer: {exc.orig}", operation="create_customer"
                ) from exc
            number = twin
        except DBAPIError as exc:
            raise ErpUnavailable(f"ERP database error: {exc}", operation="create_customer") from exc
        return await self._one(number)

    async def _number_for_key(self, key: str) -> str | None:
        i = self.mapping.idempotency
        if i is None or self.requests is None:  # pragma: no cover - checked by the caller
            return None
        r = self.requests.c
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(r[i.customer]).where(r[i.key] == key))).first()
        return None if row is None else str(row[0])

    async def _create(self, draft: NewCustomer, key: str) -> str:
        i = self.mapping.idempotency
        if i is None or self.requests is None:  # pragma: no cover - checked by the caller
            raise ErpRejected("no idempotency table")
        m = self.mapping.customer
        c = self.customers.c
        r = self.requests.c
        prefix = self.mapping.numbering.prefix
        async with self.engine.begin() as conn:
            known = (await conn.execute(select(r[i.customer]).where(r[i.key] == key))).first()
            if known is not None:
                return str(known[0])
            last = (
                await conn.execute(
                    select(c[m.number])
                    .where(c[m.number].like(f"{prefix}%"))
                    .order_by(func.length(c[m.number]).desc(), c[m.number].desc())
                    .limit(1)
                )
            ).scalar()
            try:
                following = int(str(last)[len(prefix) :]) + 1 if last else None
            except ValueError:
                following = None
            number = f"{prefix}{max(following or 0, self.mapping.numbering.start)}"
            values: dict[str, Any] = {
                m.number: number,
                m.name: draft.name,
                m.credit_hold: 0,
                m.version: self._next_version(None),
            }
            optional = {
                m.tax_id: draft.tax_id,
                m.email: draft.email,
                m.currency: (draft.currency or m.default_currency).upper(),
                m.balance: "0.00",
            }
            values.update({col: v for col, v in optional.items() if col and v is not None})
            await conn.execute(self.customers.insert().values(values))
            a = self.mapping.address
            if draft.billing_address is not None and a is not None and "billing" in a.roles:
                fields = {
                    col: getattr(draft.billing_address, f)
                    for f in _ADDRESS_FIELDS
                    if (col := getattr(a, f))
                }
                await self._write_address(conn, number, a.roles["billing"], fields)
            await conn.execute(self.requests.insert().values({i.key: key, i.customer: number}))
        return number

    async def close(self) -> None:
        if self._owns_engine:
            await self.engine.dispose()

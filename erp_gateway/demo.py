"""The demo ERP: ERP-style tables in a SQLite file, seeded with believable customers.

The tables look like a legacy ERP's (``debtor``, ``debtor_address`` with role codes INV and
DEL, a text ``revision`` counter) so that the ``sql`` adapter reads them through its mapping
(``adapters/mappings/demo.toml``), exactly as it would read a customer's own ERP.

``seed_demo(url)`` creates the tables and, when ``debtor`` is empty, adds customers
``C10001`` .. ``C10300`` (other demo data refers to these numbers). It never seeds over
existing data. The same seed gives the same customers.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import CheckConstraint, Column, Integer, MetaData, String, Table, Text, func, select
from sqlalchemy.ext.asyncio import create_async_engine

if TYPE_CHECKING:
    from pathlib import Path

metadata = MetaData()

debtor = Table(
    "debtor",
    metadata,
    Column("number", String(20), primary_key=True),
    Column("name", Text, nullable=False),
    Column("vat", String(32)),
    Column("email", Text),
    Column("blocked", Integer, nullable=False, server_default="0"),
    Column("block_reason", Text),
    Column("credit_limit", String(24)),
    Column("currency", String(3), nullable=False),
    Column("terms", Text),
    Column("balance", String(24)),
    Column("revision", Integer, nullable=False, server_default="1"),
    CheckConstraint("length(trim(name)) > 0", name="debtor_name_required"),
)

debtor_address = Table(
    "debtor_address",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("debtor", String(20), nullable=False, index=True),
    Column("kind", String(3), nullable=False),
    Column("street", Text),
    Column("city", Text),
    Column("zip", String(16)),
    Column("state", Text),
    Column("country", String(2)),
)

frontdesk_request = Table(
    "frontdesk_request",
    metadata,
    Column("request_key", String(200), primary_key=True),
    Column("debtor", String(20), nullable=False),
)

FIRST_NUMBER = 10001
DEMO_CUSTOMERS = 300


@dataclass(frozen=True)
class _Country:
    code: str
    currency: str
    vat_prefix: str
    cities: tuple[tuple[str, str, str | None], ...]
    """(city, postal code, region)"""
    streets: tuple[str, ...]
    suffixes: tuple[str, ...]


COUNTRIES = (
    _Country(
        "DE",
        "EUR",
        "DE",
        (
            ("Berlin", "10115", None),
            ("Hamburg", "20095", None),
            ("München", "80331", "Bayern"),
            ("Köln", "50667", "Nordrhein-Westfalen"),
        ),
        ("Hauptstraße", "Bahnhofstraße", "Industriestraße", "Lindenweg"),
        ("GmbH", "AG", "GmbH & Co. KG"),
    ),
    _Country(
        "FR",
        "EUR",
        "FR",
        (
            ("Paris", "75002", "Île-de-France"),
            ("Lyon", "69002", None),
            ("Toulouse", "31000", "Occitanie"),
        ),
        ("rue de la République", "avenue Jean Jaurès", "boulevard Voltaire"),
        ("SARL", "SA", "SAS"),
    ),
    _Country(
        "NL",
        "EUR",
        "NL",
        (
            ("Amsterdam", "1012 AB", None),
            ("Utrecht", "3511 AA", None),
            ("Rotterdam", "3011 AD", "Zuid-Holland"),
        ),
        ("Keizersgracht", "Stationsplein", "Kerkstraat"),
        ("B.V.", "N.V."),
    ),
    _Country(
        "US",
        "USD",
        "",
        (
            ("Chicago", "60601", "IL"),
            ("Austin", "78701", "TX"),
            ("Boston", "02108", "MA"),
            ("Denver", "80202", "CO"),
        ),
        ("Main Street", "Market Street", "Oak Avenue", "Commerce Drive"),
        ("Inc.", "LLC", "Corp."),
    ),
    _Country(
        "GB",
        "GBP",
        "GB",
        (
            ("London", "EC1A 1BB", None),
            ("Manchester", "M1 1AE", None),
            ("Leeds", "LS1 4DY", "West Yorkshire"),
        ),
        ("High Street", "Station Road", "Victoria Road"),
        ("Ltd", "PLC"),
    ),
    _Country(
        "CH",
        "CHF",
        "CHE-",
        (("Zürich", "8001", "ZH"), ("Basel", "4051", "BS"), ("Bern", "3011", "BE")),
        ("Bahnhofstrasse", "Seestrasse", "Marktgasse"),
        ("AG", "GmbH", "SA"),
    ),
    _Country(
        "SE",
        "SEK",
        "SE",
        (("Stockholm", "111 52", None), ("Göteborg", "411 05", None), ("Malmö", "211 22", "Skåne")),
        ("Drottninggatan", "Storgatan", "Kungsgatan"),
        ("AB",),
    ),
)

WORDS = (
    "Nordic",
    "Alpine",
    "Harbor",
    "Summit",
    "Blue River",
    "Ironwood",
    "Silver Oak",
    "Meridian",
    "Atlas",
    "Beacon",
    "Cedar",
    "Falcon",
    "Granite",
    "Horizon",
    "Juniper",
    "Keystone",
    "Lakeside",
    "Maple",
    "Northwind",
    "Orchard",
    "Pinnacle",
    "Quarry",
    "Redwood",
    "Sterling",
)
TRADES = (
    "Logistics",
    "Tools",
    "Foods",
    "Textiles",
    "Machinery",
    "Pharma",
    "Packaging",
    "Electric",
    "Furniture",
    "Software",
    "Chemicals",
    "Print",
    "Optics",
    "Motors",
    "Supplies",
)
TERMS = ("Net 30", "Net 14", "Net 60", "2% 10, net 30", "Due on receipt")
HOLD_REASONS = (
    "Overdue invoices above 60 days",
    "Credit limit exceeded",
    "Returned direct debit",
    "Insolvency proceedings announced",
    "Disputed invoices under review",
)


def _vat(country: _Country, rng: random.Random) -> str:
    digits = "".join(str(rng.randrange(10)) for _ in range(9))
    if country.code == "US":
        return f"{digits[:2]}-{digits[2:]}"
    if country.code == "CH":
        return f"CHE-{digits[:3]}.{digits[3:6]}.{digits[6:]}"
    return f"{country.vat_prefix}{digits}"


def demo_rows(
    seed: int = 4, count: int = DEMO_CUSTOMERS
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The first ``count`` demo customers and their addresses (deterministic for a seed:
    ``C10001``.. are the same whatever the count, so a larger count only adds customers)."""
    rng = random.Random(seed)
    customers: list[dict[str, Any]] = []
    addresses: list[dict[str, Any]] = []
    for index in range(count):
        number = f"C{FIRST_NUMBER + index}"
        country = rng.choice(COUNTRIES)
        name = f"{rng.choice(WORDS)} {rng.choice(TRADES)} {rng.choice(country.suffixes)}"
        slug = "".join(ch for ch in name.lower().split()[0] if ch.isalnum())
        limit = Decimal(rng.choice((5, 10, 20, 25, 50, 75, 100, 250))) * 1000
        balance = (limit * Decimal(rng.uniform(0, 0.9))).quantize(Decimal("0.01"))
        on_hold = rng.random() < 0.08
        if on_hold:
            balance = (limit * Decimal(rng.uniform(0.9, 1.4))).quantize(Decimal("0.01"))
        customers.append(
            {
                "number": number,
                "name": name,
                "vat": _vat(country, rng),
                "email": f"accounts@{slug}-{index + 1}.example",
                "blocked": 1 if on_hold else 0,
                "block_reason": rng.choice(HOLD_REASONS) if on_hold else None,
                "credit_limit": f"{limit:.2f}",
                "currency": country.currency,
                "terms": rng.choice(TERMS),
                "balance": f"{balance:.2f}",
                "revision": 1,
            }
        )
        city, postal, region = rng.choice(country.cities)
        street = f"{rng.choice(country.streets)} {rng.randint(1, 180)}"
        addresses.append(
            {
                "debtor": number,
                "kind": "INV",
                "street": street,
                "city": city,
                "zip": postal,
                "state": region,
                "country": country.code,
            }
        )
        if rng.random() < 0.6:
            city, postal, region = rng.choice(country.cities)
            street = f"{rng.choice(country.streets)} {rng.randint(1, 180)}"
        addresses.append(
            {
                "debtor": number,
                "kind": "DEL",
                "street": street,
                "city": city,
                "zip": postal,
                "state": region,
                "country": country.code,
            }
        )
    return customers, addresses


def demo_url(data_dir: Path) -> str:
    return f"sqlite+aiosqlite:///{(data_dir / 'demo-erp.sqlite3').as_posix()}"


async def seed_demo(url: str, *, seed: int = 4, count: int = DEMO_CUSTOMERS) -> int:
    """Create the demo ERP's tables and seed ``count`` customers (``C10001``..) when empty;
    returns customers added."""
    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(metadata.create_all)
            existing = (await conn.execute(select(func.count()).select_from(debtor))).scalar_one()
            if existing:
                return 0
            customers, addresses = demo_rows(seed, count)
            await conn.execute(debtor.insert(), customers)
            await conn.execute(debtor_address.insert(), addresses)
            return len(customers)
    finally:
        await engine.dispose()

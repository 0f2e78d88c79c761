"""The sql adapter against the real demo ERP database."""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import event

from erp_gateway.adapters.sql import SqlGateway
from erp_gateway.adapters.sql_mapping import MappingError, load_mapping, parse_mapping
from erp_gateway.errors import ErpConflict, ErpNotFound, ErpUnavailable
from erp_gateway.records import Address, AddressRole, CustomerQuery, Money, NewCustomer

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from pathlib import Path

    from tests.support.erp import DemoErp


@pytest.fixture
async def gateway(demo_erp: DemoErp) -> AsyncIterator[SqlGateway]:
    adapter = demo_erp.adapter()
    yield adapter
    await adapter.close()


def count_statements(gateway: SqlGateway) -> list[str]:
    seen: list[str] = []

    def on_execute(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    event.listen(gateway.engine.sync_engine, "before_cursor_execute", on_execute)
    return seen


async def test_get_customers_reads_a_batch_in_one_query(gateway: SqlGateway) -> None:
    numbers = [f"C{n}" for n in range(10001, 10101)]
    statements = count_statements(gateway)
    found = await gateway.get_customers([*numbers, "C99999"])
    assert len(statements) == 1
    assert sorted(found) == numbers
    assert "C99999" not in found


async def test_a_record_carries_every_field_from_the_tables(
    gateway: SqlGateway, demo_erp: DemoErp
) -> None:
    with sqlite3.connect(demo_erp.path) as db:
        row = db.execute(
            "SELECT name, vat, email, blocked, credit_limit, currency, terms, balance, revision "
            "FROM debtor WHERE number = 'C10001'"
        ).fetchone()
        city, country = db.execute(
            "SELECT city, country FROM debtor_address WHERE debtor = 'C10001' AND kind = 'INV'"
        ).fetchone()
    before = dt.datetime.now(dt.UTC)
    record = (await gateway.get_customers(["C10001"]))["C10001"]
    assert record.name == row[0]
    assert record.tax_id == row[1]
    assert record.email == row[2]
    assert record.credit_hold is bool(row[3])
    assert record.credit_limit == Money(Decimal(row[4]), row[5])
    assert record.payment_terms == row[6]
    assert record.balance == Money(Decimal(row[7]), row[5])
    assert record.version == str(row[8])
    assert record.billing_address is not None
    assert (record.billing_address.city, record.billing_address.country) == (city, country)
    assert record.shipping_address is not None
    assert record.fetched_at >= before


async def test_customers_on_hold_say_why(gateway: SqlGateway) -> None:
    page = await gateway.search_customers(CustomerQuery(credit_hold=True, limit=200))
    assert page.items
    assert all(c.credit_hold and c.credit_hold_reason for c in page.items)
    others = await gateway.search_customers(CustomerQuery(credit_hold=False, limit=1))
    assert others.total == 300 - len(page.items)


async def test_search_matches_number_name_and_tax_id(gateway: SqlGateway) -> None:
    target = (await gateway.get_customers(["C10042"]))["C10042"]
    assert target.tax_id is not None
    by_number = await gateway.search_customers(CustomerQuery(text="c10042"))
    by_tax_id = await gateway.search_customers(CustomerQuery(text=target.tax_id))
    by_name = await gateway.search_customers(CustomerQuery(text=target.name.upper()))
    assert [c.number for c in by_number.items] == ["C10042"]
    assert "C10042" in [c.number for c in by_tax_id.items]
    assert "C10042" in [c.number for c in by_name.items]
    assert all(target.name.lower() in c.name.lower() for c in by_name.items)


async def test_search_pages_by_number(gateway: SqlGateway) -> None:
    first = await gateway.search_customers(CustomerQuery(limit=20))
    assert [c.number for c in first.items] == [f"C{n}" for n in range(10001, 10021)]
    assert first.has_next
    assert first.total == 300
    last = await gateway.search_customers(CustomerQuery(limit=20, after="C10290"))
    assert [c.number for c in last.items] == [f"C{n}" for n in range(10291, 10301)]
    assert not last.has_next


async def test_search_within_given_numbers(gateway: SqlGateway) -> None:
    page = await gateway.search_customers(
        CustomerQuery(numbers=("C10003", "C10001", "C10500"), limit=10)
    )
    assert [c.number for c in page.items] == ["C10001", "C10003"]
    assert page.total == 2


async def test_update_address_bumps_the_version_and_refuses_stale_versions(
    gateway: SqlGateway,
) -> None:
    before = (await gateway.get_customers(["C10007"]))["C10007"]
    new = Address(street="Neue Straße 1", city="Leipzig", postal_code="04109", country="DE")
    after = await gateway.update_address(
        "C10007", AddressRole.SHIPPING, new, expected_version=before.version
    )
    assert after.shipping_address == new
    assert after.billing_address == before.billing_address
    assert after.version != before.version
    with pytest.raises(ErpConflict):
        await gateway.update_address(
            "C10007", AddressRole.BILLING, new, expected_version=before.version
        )
    assert (await gateway.get_customers(["C10007"]))["C10007"].billing_address == (
        before.billing_address
    )
    with pytest.raises(ErpNotFound):
        await gateway.update_address("C99999", AddressRole.BILLING, new)


async def test_create_customer_is_idempotent_per_key(gateway: SqlGateway) -> None:
    draft = NewCustomer(
        name="Fjord Instruments AS",
        email="ap@fjord.example",
        tax_id="NO123456789",
        currency="NOK",
        billing_address=Address(street="Karl Johans gate 1", city="Oslo", country="NO"),
    )
    created = await gateway.create_customer(draft, idempotency_key="lead-17")
    again = await gateway.create_customer(draft, idempotency_key="lead-17")
    other = await gateway.create_customer(draft, idempotency_key="lead-18")
    assert created.number == "C10301"
    assert again == replace(created, fetched_at=again.fetched_at)
    assert other.number == "C10302"
    assert created.billing_address is not None
    assert created.billing_address.city == "Oslo"
    assert created.balance == Money(Decimal("0.00"), "NOK")


async def test_a_missing_database_is_unavailable_not_created(demo_erp: DemoErp) -> None:
    gateway = demo_erp.adapter()
    demo_erp.take_down()
    try:
        with pytest.raises(ErpUnavailable):
            await gateway.get_customers(["C10001"])
        with pytest.raises(ErpUnavailable):
            await gateway.ping()
        assert not demo_erp.path.exists()
        demo_erp.bring_back()
        await gateway.ping()
    finally:
        await gateway.close()


async def test_a_mapping_describes_another_erps_tables(tmp_path: Path) -> None:
    db = tmp_path / "legacy.sqlite3"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE KUNDE (KDNR TEXT, FIRMA TEXT, SPERRE INTEGER, GEAENDERT TEXT)")
        conn.execute("INSERT INTO KUNDE VALUES ('K1', 'Alt GmbH', 0, '2024-01-01T00:00:00')")
    mapping = parse_mapping(
        {
            "customer": {
                "table": "KUNDE",
                "number": "KDNR",
                "name": "FIRMA",
                "credit_hold": "SPERRE",
                "version": "GEAENDERT",
                "version_kind": "timestamp",
            }
        }
    )
    from erp_gateway.adapters.sql import create_erp_engine

    gateway = SqlGateway(create_erp_engine(f"sqlite+aiosqlite:///{db}"), mapping)
    try:
        record = (await gateway.get_customers(["K1"]))["K1"]
    finally:
        await gateway.close()
    assert (record.name, record.credit_hold, record.billing_address) == ("Alt GmbH", False, None)
    assert record.version == "2024-01-01T00:00:00"


def test_a_wrong_mapping_names_the_problem(tmp_path: Path) -> None:
    with pytest.raises(MappingError, match="unknown keys: colour"):
        parse_mapping({"customer": {"table": "t", "colour": "x"}})
    with pytest.raises(MappingError, match=r"\[customer\]"):
        parse_mapping({"customer": {"table": "t"}})
    broken = tmp_path / "m.toml"
    broken.write_text("[customer", encoding="utf-8")
    with pytest.raises(MappingError, match="cannot read"):
        load_mapping(broken)

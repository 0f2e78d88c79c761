from collections import Counter
from pathlib import Path

from erp_gateway.adapters.sql import SqlGateway
from erp_gateway.demo import demo_rows, seed_demo
from erp_gateway.records import CustomerQuery, NewCustomer


def test_the_demo_customers_are_c10001_to_c10300() -> None:
    customers, _ = demo_rows()
    assert [c["number"] for c in customers] == [f"C{n}" for n in range(10001, 10301)]


def test_the_demo_is_believable_and_varied() -> None:
    customers, addresses = demo_rows()
    currencies = Counter(c["currency"] for c in customers)
    assert {"EUR", "USD", "GBP", "CHF", "SEK"} <= set(currencies)
    on_hold = [c for c in customers if c["blocked"]]
    assert 0.04 <= len(on_hold) / len(customers) <= 0.12
    assert all(c["block_reason"] for c in on_hold)
    assert not any(c["block_reason"] for c in customers if not c["blocked"])
    assert len({a["country"] for a in addresses}) >= 5
    assert len({c["name"] for c in customers}) > 200


def test_the_same_seed_gives_the_same_customers() -> None:
    assert demo_rows(7) == demo_rows(7)
    assert demo_rows(7) != demo_rows(8)


async def test_seeding_never_overwrites_existing_data(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'erp.sqlite3'}"
    assert await seed_demo(url) == 300
    gateway = SqlGateway.from_config(url=url)
    try:
        await gateway.create_customer(NewCustomer(name="Kept AG"), idempotency_key="k1")
        assert await seed_demo(url) == 0
        assert (await gateway.search_customers(CustomerQuery(limit=1))).total == 301
        kept = await gateway.search_customers(CustomerQuery(text="Kept AG", limit=5))
        assert [c.name for c in kept.items] == ["Kept AG"]
    finally:
        await gateway.close()

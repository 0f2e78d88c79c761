"""The queries the payments API stands on: filtered keyset pages and per-customer batches."""

from crm_store.models.payments import NoticeStatus
from crm_store.repositories.payments import PaymentFilter, PaymentRepository
from tests.support.databases import Store
from tests.workflows.payments.sending import import_demo_payments


async def test_pages_walk_every_payment_once_newest_first(store: Store) -> None:
    await import_demo_payments(store.sessionmaker, 25)
    seen = []
    after = None
    async with store.sessionmaker() as session:
        repository = PaymentRepository(session)
        while True:
            with store.count_queries() as counter:
                rows, total = await repository.page(PaymentFilter(), limit=10, after=after)
            assert counter.count == 2
            assert total == 25
            page = rows[:10]
            seen += page
            if len(rows) <= 10:
                break
            after = (page[-1].value_date, page[-1].id)
    assert len({p.id for p in seen}) == 25
    keys = [(p.value_date, p.id) for p in seen]
    assert keys == sorted(keys, reverse=True)


async def test_filters_by_customer_search_and_notice_status(store: Store) -> None:
    await import_demo_payments(store.sessionmaker, 30)
    async with store.sessionmaker() as session:
        repository = PaymentRepository(session)
        rows, total = await repository.page(PaymentFilter(customer_number="C10002"), limit=50)
        assert total == 10
        assert {p.customer_number for p in rows} == {"C10002"}
        rows, total = await repository.page(PaymentFilter(search="invoice 1"), limit=50)
        assert sorted(p.remittance or "" for p in rows) == [
            "Invoice 1",
            *(f"Invoice {n}" for n in range(10, 20)),
        ]
        _, total = await repository.page(PaymentFilter(notice_status=NoticeStatus.SENT), limit=5)
        assert total == 0


async def test_latest_payments_of_many_customers_in_one_query(store: Store) -> None:
    await import_demo_payments(store.sessionmaker, 30)
    async with store.sessionmaker() as session:
        with store.count_queries() as counter:
            latest = await PaymentRepository(session).latest_by_customers(
                ["C10001", "C10003", "C404"], limit=4
            )
    assert counter.count == 1
    assert {number: len(rows) for number, rows in latest.items()} == {
        "C10001": 4,
        "C10003": 4,
        "C404": 0,
    }
    for rows in latest.values():
        keys = [(p.value_date, p.id) for p in rows]
        assert keys == sorted(keys, reverse=True)

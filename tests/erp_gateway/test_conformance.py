"""What every ERP adapter must do, run against each one in ``tests/support/erp_adapters.py``.

Adding an adapter means registering its harness there and passing this module unchanged.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import TYPE_CHECKING

import pytest

from erp_gateway.errors import ErpConflict, ErpRejected, ErpUnavailable
from erp_gateway.port import ErpGateway
from erp_gateway.records import AddressRole, CustomerQuery, NewCustomer
from tests.support.erp_adapters import ON_HOLD, SEED

if TYPE_CHECKING:
    from tests.support.erp_adapters import AdapterHarness


async def test_the_adapter_implements_the_port(erp_harness: AdapterHarness) -> None:
    assert isinstance(erp_harness.gateway, ErpGateway)
    await erp_harness.gateway.ping()


async def test_a_batch_reads_every_customer_in_a_constant_number_of_calls(
    erp_harness: AdapterHarness,
) -> None:
    gateway, numbers = erp_harness.gateway, erp_harness.numbers
    await gateway.get_customers(numbers[:1])  # log in, load lookup tables
    before = erp_harness.calls()
    one = await gateway.get_customers(numbers[:1])
    after_one = erp_harness.calls()
    found = await gateway.get_customers([*numbers, "NO-SUCH-CUSTOMER"])
    after_all = erp_harness.calls()

    assert set(found) == set(numbers)
    assert [found[n].name for n in numbers] == [seed.name for seed in SEED]
    assert [found[n].tax_id for n in numbers] == [seed.tax_id for seed in SEED]
    assert found[numbers[0]].email == SEED[0].email
    assert list(one) == [numbers[0]]
    assert after_all - after_one == after_one - before
    if erp_harness.calls_per_batch is not None:
        assert after_all - after_one == erp_harness.calls_per_batch


async def test_missing_numbers_are_absent_not_errors(erp_harness: AdapterHarness) -> None:
    assert await erp_harness.gateway.get_customers(["NO-SUCH-CUSTOMER"]) == {}
    assert await erp_harness.gateway.get_customers([]) == {}


async def test_credit_hold_is_derived_with_a_reason(erp_harness: AdapterHarness) -> None:
    found = await erp_harness.gateway.get_customers(erp_harness.numbers)
    held = {i for i, number in enumerate(erp_harness.numbers) if found[number].credit_hold}
    assert held == ON_HOLD
    assert all(found[erp_harness.numbers[i]].credit_hold_reason for i in ON_HOLD)
    query = CustomerQuery(numbers=erp_harness.numbers, credit_hold=True)
    page = await erp_harness.gateway.search_customers(query)
    assert [c.number for c in page.items] == [erp_harness.numbers[i] for i in sorted(ON_HOLD)]


async def test_search_pages_through_customers_in_number_order(
    erp_harness: AdapterHarness,
) -> None:
    query = CustomerQuery(numbers=erp_harness.numbers, limit=2)
    seen: list[str] = []
    flags: list[bool] = []
    totals: set[int | None] = set()
    while True:
        page = await erp_harness.gateway.search_customers(query)
        seen += [c.number for c in page.items]
        flags.append(page.has_next)
        totals.add(page.total)
        if not page.has_next:
            break
        query = replace(query, after=page.items[-1].number)
    assert seen == sorted(erp_harness.numbers)
    assert flags == [True, True, False]
    assert totals <= {None, len(erp_harness.numbers)}


async def test_search_matches_names_case_insensitively(erp_harness: AdapterHarness) -> None:
    query = CustomerQuery(text="chemie nord", numbers=erp_harness.numbers)
    page = await erp_harness.gateway.search_customers(query)
    assert [c.name for c in page.items] == ["Chemie Nord KG"]
    assert not page.has_next


@pytest.mark.parametrize("role", list(AddressRole))
async def test_an_address_update_shows_on_the_next_read_with_a_new_version(
    erp_harness: AdapterHarness, role: AddressRole
) -> None:
    gateway, number = erp_harness.gateway, erp_harness.numbers[0]
    before = (await gateway.get_customers([number]))[number]
    returned = await gateway.update_address(
        number, role, erp_harness.address, expected_version=before.version
    )
    after = (await gateway.get_customers([number]))[number]

    field = "billing_address" if role is AddressRole.BILLING else "shipping_address"
    assert getattr(after, field) == erp_harness.address
    assert getattr(returned, field) == erp_harness.address
    assert after.version != before.version
    assert returned.version == after.version


async def test_a_stale_version_is_a_conflict_and_writes_nothing(
    erp_harness: AdapterHarness,
) -> None:
    gateway, number = erp_harness.gateway, erp_harness.numbers[1]
    stale = (await gateway.get_customers([number]))[number].version
    first = await gateway.update_address(number, AddressRole.BILLING, erp_harness.address)
    moved = replace(erp_harness.address, street="Elsewhere 9")
    with pytest.raises(ErpConflict):
        await gateway.update_address(number, AddressRole.BILLING, moved, expected_version=stale)
    now = (await gateway.get_customers([number]))[number]
    assert now.billing_address == erp_harness.address
    assert now.version == first.version


async def test_creating_twice_with_one_key_creates_one_customer(
    erp_harness: AdapterHarness,
) -> None:
    name = f"Lead Converted {uuid.uuid4().hex[:8]}"
    draft = NewCustomer(name=name, email=erp_harness.new_email, billing_address=erp_harness.address)
    key = str(uuid.uuid4())
    first = await erp_harness.gateway.create_customer(draft, idempotency_key=key)
    second = await erp_harness.gateway.create_customer(draft, idempotency_key=key)
    other = await erp_harness.gateway.create_customer(draft, idempotency_key=str(uuid.uuid4()))

    assert first.number == second.number != other.number
    assert first.name == name
    assert first.billing_address == erp_harness.address
    page = await erp_harness.gateway.search_customers(CustomerQuery(text=name))
    assert sorted(c.number for c in page.items) == sorted([first.number, other.number])
    found = await erp_harness.gateway.get_customers([first.number])
    assert found[first.number].name == name


async def test_an_unreachable_erp_is_unavailable(erp_harness: AdapterHarness) -> None:
    gateway = erp_harness.gateway
    with erp_harness.unreachable():
        with pytest.raises(ErpUnavailable):
            await gateway.get_customers(erp_harness.numbers)
        with pytest.raises(ErpUnavailable):
            await gateway.ping()
        with pytest.raises(ErpUnavailable):
            await gateway.create_customer(NewCustomer(name="Nobody"), idempotency_key="k-1")
    assert set(await gateway.get_customers(erp_harness.numbers)) == set(erp_harness.numbers)


async def test_a_refused_write_is_rejected_with_the_erps_message(
    erp_harness: AdapterHarness,
) -> None:
    draft = erp_harness.rejected_draft
    with pytest.raises(ErpRejected) as caught:
        await erp_harness.gateway.create_customer(draft, idempotency_key=str(uuid.uuid4()))
    assert not isinstance(caught.value, ErpConflict)
    assert caught.value.message
    if draft.name:
        page = await erp_harness.gateway.search_customers(CustomerQuery(text=draft.name))
        assert page.items == ()


async def test_credit_hold_filters_page_past_batches_without_matches(
    erp_harness: AdapterHarness,
) -> None:
    numbers = erp_harness.numbers
    held = [numbers[i] for i in sorted(ON_HOLD)]
    free = [n for n in sorted(numbers) if n not in held]
    only_held = CustomerQuery(numbers=numbers, credit_hold=True, limit=1)
    page = await erp_harness.gateway.search_customers(only_held)
    assert ([c.number for c in page.items], page.has_next) == (held, False)
    not_held = CustomerQuery(numbers=numbers, credit_hold=False, limit=2)
    first = await erp_harness.gateway.search_customers(not_held)
    rest = await erp_harness.gateway.search_customers(replace(not_held, after=free[1]))
    assert ([c.number for c in first.items], first.has_next) == (free[:2], True)
    assert ([c.number for c in rest.items], rest.has_next) == (free[2:], False)

"""The registry of ERP adapters that ``tests/erp_gateway/test_conformance.py`` runs against.

Adding an adapter to the conformance suite takes two steps:

1. write an async fixture named ``erp_harness_<name>`` that yields an ``AdapterHarness``: the
   gateway, seeded with ``SEED`` (every customer in it, in order, with its number reported in
   ``numbers``; the ones in ``ON_HOLD`` put on credit hold the ERP's way), a count of the ERP
   calls made so far, a way to cut the ERP off, a draft the ERP refuses, and an address it
   accepts;
2. append ``<name>`` to ``ADAPTERS`` and make the fixture visible (import it in
   ``tests/conftest.py`` next to the others, or define it there).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest

from erp_gateway.adapters.erpnext import ErpNextGateway
from erp_gateway.adapters.odoo import OdooGateway
from erp_gateway.records import Address, NewCustomer
from tests.support import fake_erpnext, fake_odoo

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable, Iterator

    from erp_gateway.port import ErpGateway

ADAPTERS = ["odoo", "erpnext", "sql", "tryton"]
"""Adapter names; each needs a fixture ``erp_harness_<name>``."""
LIVE = {"tryton": pytest.mark.tryton}
"""Marks of adapters that need a live server (``-m "not tryton"`` leaves them out)."""


@dataclass(frozen=True, slots=True)
class SeedCustomer:
    name: str
    tax_id: str | None
    email: str | None
    billing: Address | None


SEED = (
    SeedCustomer("Alpen Bau AG", "DE811907980", "office@alpenbau.example", None),
    SeedCustomer("Brot & Butter GmbH", None, "hallo@brot.example", None),
    SeedCustomer("Chemie Nord KG", "DE136695976", None, None),
    SeedCustomer("Druckerei Ost", None, None, None),
    SeedCustomer("Elektro Süd GmbH", "DE129273398", "info@elektro.example", None),
)
ON_HOLD = frozenset({3})
"""Indexes into ``SEED`` of the customers seeded on credit hold."""


@dataclass(frozen=True)
class AdapterHarness:
    """What the conformance suite needs from one adapter under test."""

    name: str
    gateway: ErpGateway
    numbers: tuple[str, ...]
    """The ERP's numbers for ``SEED``, in ``SEED`` order."""
    calls: Callable[[], int]
    """How many requests the ERP has answered so far."""
    calls_per_batch: int | None
    """Requests one ``get_customers`` batch costs once the adapter is warm (None: no promise)."""
    unreachable: Callable[[], contextlib.AbstractContextManager[None]]
    """While entered, the ERP cannot be reached (connection refused)."""
    rejected_draft: NewCustomer
    """A customer this ERP refuses to create (``ErpRejected``)."""
    address: Address
    """An address this ERP accepts (a country, and a region when given, it knows)."""
    new_email: str | None = "buyer@converted.example"
    """An e-mail the ERP accepts on a new customer; None where it cannot here (Tryton checks
    the domain in DNS, which the test machine cannot reach)."""


def _switch(fake: fake_odoo.FakeOdoo | fake_erpnext.FakeErpNext) -> Callable[[], Iterator[None]]:
    @contextlib.contextmanager
    def unreachable() -> Iterator[None]:
        fake.unreachable = True
        try:
            yield
        finally:
            fake.unreachable = False

    return unreachable


@pytest.fixture
async def erp_harness_odoo() -> AsyncIterator[AdapterHarness]:
    fake = fake_odoo.FakeOdoo()
    numbers = []
    for index, seed in enumerate(SEED):
        number = f"C{index + 1:04d}"
        fake.add_partner(
            name=seed.name,
            ref=number,
            vat=seed.tax_id or False,
            email=seed.email or False,
            is_company=True,
            active=index not in ON_HOLD,
        )
        numbers.append(number)
    gateway = OdooGateway(
        url="http://odoo.test",
        database=fake_odoo.DATABASE,
        username=fake_odoo.LOGIN,
        password=fake_odoo.API_KEY,
        transport=fake.transport,
    )
    yield AdapterHarness(
        name="odoo",
        gateway=gateway,
        numbers=tuple(numbers),
        calls=lambda: len(fake.requests),
        calls_per_batch=1,
        unreachable=_switch(fake),
        rejected_draft=NewCustomer(name="Invalid VAT Ltd", tax_id="not-a-vat"),
        address=Address(street="Marienplatz 1", city="München", postal_code="80331", country="DE"),
    )
    await gateway.close()


@pytest.fixture
async def erp_harness_erpnext() -> AsyncIterator[AdapterHarness]:
    fake = fake_erpnext.FakeErpNext()
    numbers = []
    for index, seed in enumerate(SEED):
        doc = fake.insert(
            "Customer",
            {
                "customer_name": seed.name,
                "tax_id": seed.tax_id,
                "email_id": seed.email,
                "is_frozen": int(index in ON_HOLD),
            },
        )
        numbers.append(doc["name"])
    gateway = ErpNextGateway(
        url="http://erpnext.test",
        api_key=fake_erpnext.API_KEY,
        api_secret=fake_erpnext.API_SECRET,
        company=fake_erpnext.COMPANY,
        currency="EUR",
        transport=fake.transport,
    )
    yield AdapterHarness(
        name="erpnext",
        gateway=gateway,
        numbers=tuple(numbers),
        calls=lambda: len(fake.requests),
        calls_per_batch=3,
        unreachable=_switch(fake),
        rejected_draft=NewCustomer(name=""),
        address=Address(street="Marienplatz 1", city="München", postal_code="80331", country="DE"),
    )
    await gateway.close()


@pytest.fixture(params=[pytest.param(name, marks=LIVE.get(name, ())) for name in ADAPTERS])
def erp_harness(request: pytest.FixtureRequest) -> AdapterHarness:
    """Each registered adapter in turn."""
    harness: AdapterHarness = request.getfixturevalue(f"erp_harness_{request.param}")
    return harness

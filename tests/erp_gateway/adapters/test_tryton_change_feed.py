"""The change feed over a live Tryton: parties' (and their addresses') write stamps."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from erp_gateway.adapters.tryton import TrytonGateway
from erp_gateway.change_feed import ChangePoller, VersionedCustomers
from erp_gateway.records import Address, AddressRole

if TYPE_CHECKING:
    from tests.support.tryton import TrytonServer

pytestmark = pytest.mark.tryton


async def test_tryton_changes_are_reported_by_the_poller(tryton: TrytonServer) -> None:
    gateway = TrytonGateway(
        base_url=tryton.url,
        database=tryton.database,
        username=tryton.username,
        password=tryton.password,
        timeout=60,
    )
    rpc = tryton.rpc()
    reported: list[list[str]] = []

    async def on_changed(numbers: list[str]) -> None:
        reported.append(sorted(numbers))

    assert isinstance(gateway, VersionedCustomers)
    poller = ChangePoller(gateway, on_changed, interval=60)
    ((party,),) = [rpc.search_read("party.party", [["code", "=", "C1003"]], ["name"])]
    try:
        assert await poller.poll_once() == []
        assert await poller.poll_once() == []  # nothing changed in between
        rpc.call("model.party.party.write", [party["id"]], {"name": "Renamed in Tryton"})
        new = Address(street="Marktplatz 1", city="Bremen", postal_code="28195", country="DE")
        await gateway.update_address("C2003", AddressRole.SHIPPING, new)
        assert sorted(await poller.poll_once()) == ["C1003", "C2003"]
    finally:
        rpc.call("model.party.party.write", [party["id"]], {"name": party["name"]})
        rpc.close()
        await gateway.close()
    assert reported == [["C1003", "C2003"]]

"""``FRONTDESK_CRM_PHONE_REGION`` decides how numbers without +country are read."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from api.settings import Settings, SettingsError, load_settings
from tests.support.crm import CREATE_CONTACT, mutate

if TYPE_CHECKING:
    from pathlib import Path

    import httpx


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", database_url=None, crm_phone_region="us")


async def test_numbers_are_read_in_the_configured_region(client: httpx.AsyncClient) -> None:
    payload = await mutate(
        client,
        CREATE_CONTACT,
        "createContact",
        {"customerNumber": "C10001", "name": "Sam", "phone": "(415) 555-0132"},
    )
    assert payload["contact"]["phone"] == "+14155550132"


def test_an_unknown_region_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRONTDESK_CRM_PHONE_REGION", "XX")
    with pytest.raises(SettingsError, match="FRONTDESK_CRM_PHONE_REGION"):
        load_settings()

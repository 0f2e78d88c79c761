"""FRONTDESK_ERP_ADAPTER picks the adapter; a vendor's missing setting stops the start.

The adapters are built from settings alone (no network at construction), so each test checks
the class ``build_stack`` wraps and the values it was given.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from api.app import create_app
from api.erp import erp_config
from api.settings import Settings, SettingsError
from erp_gateway.adapters.erpnext import ErpNextGateway
from erp_gateway.adapters.odoo import OdooGateway
from erp_gateway.adapters.sql import SqlGateway
from erp_gateway.adapters.tryton import TrytonGateway
from erp_gateway.factory import build_stack
from erp_gateway.vendors import ErpNextOptions, OdooOptions, TrytonOptions

if TYPE_CHECKING:
    from pathlib import Path

TRYTON = {
    "erp_adapter": "tryton",
    "tryton_url": "http://tryton.internal:8000",
    "tryton_database": "erp",
    "tryton_password": "s3cret",
    "tryton_credit_tolerance": "250",
    "tryton_hold_archived": "false",
}
ODOO = {
    "erp_adapter": "odoo",
    "odoo_url": "https://odoo.internal",
    "odoo_database": "prod",
    "odoo_username": "frontdesk",
    "odoo_api_key": "key-1",
}
ERPNEXT = {
    "erp_adapter": "erpnext",
    "erpnext_url": "https://erpnext.internal",
    "erpnext_api_key": "k",
    "erpnext_api_secret": "s",
    "erpnext_company": "ACME GmbH",
    "erpnext_currency": "eur",
}


def _settings(tmp_path: Path, values: dict[str, str]) -> Settings:
    return Settings(data_dir=tmp_path, **values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("values", "adapter_class"),
    [(TRYTON, TrytonGateway), (ODOO, OdooGateway), (ERPNEXT, ErpNextGateway), ({}, SqlGateway)],
    ids=["tryton", "odoo", "erpnext", "sql"],
)
async def test_the_setting_names_the_adapter_that_is_built(
    tmp_path: Path, values: dict[str, str], adapter_class: type
) -> None:
    stack = build_stack(erp_config(_settings(tmp_path, values)))
    try:
        assert type(stack.adapter) is adapter_class
        assert stack.resilient.inner is stack.adapter
    finally:
        await stack.gateway.close()


def test_vendor_settings_reach_the_adapter_as_plain_values(tmp_path: Path) -> None:
    tryton = erp_config(_settings(tmp_path, TRYTON)).vendor
    assert tryton == TrytonOptions(
        url="http://tryton.internal:8000",
        database="erp",
        username="admin",
        password="s3cret",
        credit_tolerance=250,  # type: ignore[arg-type]
        hold_archived=False,
    )
    odoo = erp_config(_settings(tmp_path, ODOO)).vendor
    assert isinstance(odoo, OdooOptions)
    assert (odoo.api_key, odoo.username) == ("key-1", "frontdesk")
    erpnext = erp_config(_settings(tmp_path, ERPNEXT)).vendor
    assert isinstance(erpnext, ErpNextOptions)
    assert (erpnext.company, erpnext.currency) == ("ACME GmbH", "EUR")


@pytest.mark.parametrize(
    ("values", "missing"),
    [
        (TRYTON, "tryton_url"),
        (TRYTON, "tryton_password"),
        (ODOO, "odoo_api_key"),
        (ODOO, "odoo_database"),
        (ERPNEXT, "erpnext_company"),
        (ERPNEXT, "erpnext_api_secret"),
    ],
)
def test_a_missing_vendor_setting_is_refused_with_its_name(
    tmp_path: Path, values: dict[str, str], missing: str
) -> None:
    incomplete = {k: v for k, v in values.items() if k != missing}
    with pytest.raises(SettingsError) as caught:
        erp_config(_settings(tmp_path, incomplete))
    message = str(caught.value)
    adapter = values["erp_adapter"]
    assert message == (
        f"FRONTDESK_{missing.upper()} is required when FRONTDESK_ERP_ADAPTER is {adapter}"
    )
    assert "\n" not in message


def test_an_unknown_adapter_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="FRONTDESK_ERP_ADAPTER must be one of sql, tryton"):
        erp_config(_settings(tmp_path, {"erp_adapter": "sap"}))


async def test_the_app_does_not_start_without_the_vendor_settings(tmp_path: Path) -> None:
    from asgi_lifespan import LifespanManager

    settings = _settings(tmp_path, {"erp_adapter": "tryton", "tryton_url": "http://t:8000"})
    app = create_app(settings)
    with pytest.raises(SettingsError, match="FRONTDESK_TRYTON_DATABASE is required"):
        async with LifespanManager(app):
            pass

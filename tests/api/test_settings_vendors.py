"""The Odoo and ERPNext settings come from the environment, secrets kept out of reprs."""

import pytest

from api.settings import SettingsError, load_settings


def test_odoo_and_erpnext_settings_are_read_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("FRONTDESK_ODOO_URL", "https://erp.example.com")
    monkeypatch.setenv("FRONTDESK_ODOO_DATABASE", "prod")
    monkeypatch.setenv("FRONTDESK_ODOO_USERNAME", "frontdesk@example.com")
    monkeypatch.setenv("FRONTDESK_ODOO_API_KEY", "s3cret-odoo")
    monkeypatch.setenv("FRONTDESK_ERPNEXT_API_SECRET", "s3cret-erpnext")
    monkeypatch.setenv("FRONTDESK_ERPNEXT_COMPANY", "Frontdesk GmbH")
    settings = load_settings()
    assert (settings.odoo_url, settings.odoo_database) == ("https://erp.example.com", "prod")
    assert settings.odoo_api_key is not None
    assert settings.odoo_api_key.get_secret_value() == "s3cret-odoo"
    assert settings.erpnext_company == "Frontdesk GmbH"
    assert "s3cret" not in repr(settings)


def test_a_non_positive_timeout_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRONTDESK_ERPNEXT_TIMEOUT", "0")
    with pytest.raises(SettingsError, match="FRONTDESK_ERPNEXT_TIMEOUT"):
        load_settings()

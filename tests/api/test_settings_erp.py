from pathlib import Path

import pytest

from api.erp import erp_config
from api.settings import SettingsError, load_settings
from erp_gateway.adapters.sql_mapping import DEMO_MAPPING


def test_the_default_erp_is_the_demo_with_an_in_process_cache(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("FRONTDESK_ERP_SQL_URL", "FRONTDESK_CACHE_URL", "FRONTDESK_DATA_DIR"):
        monkeypatch.delenv(name, raising=False)
    config = erp_config(load_settings())
    assert config.adapter == "sql"
    assert config.sql_url == "sqlite+aiosqlite:///.frontdesk/demo-erp.sqlite3"
    assert config.sql_mapping == DEMO_MAPPING
    assert (config.timeout, config.cache_ttl, config.stale_limit) == (2.0, 30.0, 86400.0)
    assert config.cache_url is None


def test_the_environment_configures_the_erp(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRONTDESK_ERP_SQL_URL", "postgresql+asyncpg://erp@erp-db/erp")
    monkeypatch.setenv("FRONTDESK_ERP_SQL_MAPPING", "/etc/frontdesk/erp.toml")
    monkeypatch.setenv("FRONTDESK_CACHE_URL", "redis://cache:6379/2")
    monkeypatch.setenv("FRONTDESK_ERP_BREAKER_THRESHOLD", "3")
    settings = load_settings()
    config = erp_config(settings)
    assert not settings.erp_is_demo
    assert config.sql_url == "postgresql+asyncpg://erp@erp-db/erp"
    assert config.sql_mapping == Path("/etc/frontdesk/erp.toml")
    assert config.cache_url == "redis://cache:6379/2"
    assert config.breaker_threshold == 3


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("FRONTDESK_CACHE_URL", "memcached://cache"),
        ("FRONTDESK_ERP_TIMEOUT", "0"),
        ("FRONTDESK_ERP_BREAKER_THRESHOLD", "0"),
    ],
)
def test_a_bad_erp_setting_is_named(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError, match=variable):
        load_settings()

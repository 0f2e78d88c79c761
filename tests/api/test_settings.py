import pytest

from api.settings import SettingsError, load_settings


def test_defaults_are_the_embedded_store(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FRONTDESK_DATABASE_URL", raising=False)
    settings = load_settings()
    assert settings.embedded
    assert settings.crm_database_url == "sqlite+aiosqlite:///.frontdesk/crm.sqlite3"
    assert settings.port == 8000
    assert settings.graphiql_enabled


def test_environment_configures_production(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRONTDESK_DATABASE_URL", "postgresql+asyncpg://app@db/frontdesk")
    monkeypatch.setenv("FRONTDESK_PORT", "9000")
    settings = load_settings()
    assert not settings.embedded
    assert settings.port == 9000
    assert not settings.graphiql_enabled


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("FRONTDESK_PORT", "eighty"),
        ("FRONTDESK_PORT", "70000"),
        ("FRONTDESK_DATABASE_URL", "postgresql://sync-driver/db"),
        ("FRONTDESK_LOG_LEVEL", "loud"),
        ("FRONTDESK_TRYTON_CREDIT_TOLERANCE", "-5"),
    ],
)
def test_a_bad_setting_is_named_in_one_line(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    message = str(caught.value)
    assert variable in message
    assert "\n" not in message

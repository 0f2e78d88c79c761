"""Frontdesk's settings: environment variables with the prefix ``FRONTDESK_``.

Settings are built once, by the composition root (``create_app`` or the CLI), never at import
time. Every field here is documented in the README's configuration table.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATA_DIR = Path(".frontdesk")


class SettingsError(Exception):
    """A setting is invalid; the message names it in one line."""


class Settings(BaseSettings):
    """Every knob of a Frontdesk process."""

    model_config = SettingsConfigDict(env_prefix="FRONTDESK_", extra="ignore", frozen=True)

    # --- serving
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    workers: int = Field(default=1, ge=1, le=64)
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    log_format: Literal["console", "json"] = "console"
    graphiql: bool | None = None
    """GraphiQL on GET /graphql; unset means on for the embedded default, off otherwise."""

    # --- the CRM store
    data_dir: Path = DEFAULT_DATA_DIR
    database_url: str | None = None
    """SQLAlchemy URL of the CRM store; unset means SQLite under ``data_dir``."""
    database_pool_size: int = Field(default=10, ge=1, le=500)
    database_echo: bool = False

    # --- Payment notices
    smtp_host: str | None = None
    """SMTP server for notices; unset means notices go to a Maildir under ``data_dir/mail``."""
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = True
    smtp_ca_file: Path | None = None
    """Extra certificates to trust for STARTTLS (a private CA); the system's are always used."""
    smtp_timeout_seconds: float = Field(default=30.0, gt=0, le=600)
    notice_from: str = "Frontdesk <notices@frontdesk.invalid>"
    """The From address of payment notices."""
    payments_import_max_bytes: int = Field(default=5_000_000, ge=1)
    payments_import_max_rows: int = Field(default=10_000, ge=1)
    notice_sender_in_process: bool = True
    """Run the notice sender inside the API process (off when ``frontdesk worker`` runs it)."""
    notice_poll_interval_seconds: float = Field(default=5.0, gt=0, le=3600)
    notice_batch_size: int = Field(default=50, ge=1, le=1000)
    notice_retry_base_seconds: float = Field(default=30.0, gt=0)
    notice_retry_max_seconds: float = Field(default=3600.0, gt=0)
    notice_max_attempts: int = Field(default=12, ge=1, le=100)
    notice_lease_seconds: float = Field(default=300.0, ge=10)
    """How long a claimed notice stays reserved for its worker (longer than one send)."""

    @property
    def mail_dir(self) -> Path:
        """The Maildir notices go to when no SMTP server is configured."""
        return self.data_dir / "mail"

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not value.startswith(("postgresql+asyncpg://", "sqlite+aiosqlite://")):
            raise ValueError(
                "must start with postgresql+asyncpg:// or sqlite+aiosqlite:// (an async driver)"
            )
        return value

    @property
    def embedded(self) -> bool:
        """True when running on the embedded default store (no database configured)."""
        return self.database_url is None

    @property
    def crm_database_url(self) -> str:
        if self.database_url is not None:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'crm.sqlite3').as_posix()}"

    @property
    def graphiql_enabled(self) -> bool:
        return self.embedded if self.graphiql is None else self.graphiql


def load_settings(**overrides: object) -> Settings:
    """Read the settings from the environment, raising ``SettingsError`` with one line."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise SettingsError(describe_validation_error(exc)) from exc


def describe_validation_error(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors():
        name = "_".join(str(part) for part in error["loc"]).upper()
        parts.append(f"FRONTDESK_{name}: {error['msg']}")
    return "invalid setting " + "; ".join(parts)

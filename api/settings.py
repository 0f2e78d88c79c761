"""Frontdesk's settings: environment variables with the prefix ``FRONTDESK_``.

Settings are built once, by the composition root (``create_app`` or the CLI), never at import
time. Every field here is documented in the README's configuration table.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, field_validator
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

    # --- benchmark
    debug_counters: bool = False
    """Add ``extensions.counters`` (ERP calls, SQL statements) to every GraphQL answer."""

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

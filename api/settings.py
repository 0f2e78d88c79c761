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

    # --- ERP
    erp_adapter: str = "sql"
    """Which ERP adapter: ``sql`` (the demo ERP by default); vendors add theirs."""
    erp_sql_url: str | None = None
    """SQLAlchemy async URL of the ERP's database; unset means the demo ERP in ``data_dir``."""
    erp_sql_mapping: Path | None = None
    """TOML mapping of the ERP's tables; unset means the demo ERP's shipped mapping."""
    erp_timeout: float = Field(default=2.0, gt=0, le=120)
    erp_retries: int = Field(default=2, ge=0, le=10)
    erp_backoff: float = Field(default=0.05, ge=0, le=30)
    erp_backoff_max: float = Field(default=1.0, ge=0, le=60)
    erp_breaker_threshold: int = Field(default=5, ge=1, le=1000)
    erp_breaker_cool_down: float = Field(default=30.0, gt=0, le=3600)
    cache_url: str | None = None
    """Redis URL (``redis://host:6379/0``) for the shared ERP cache; unset means in-process."""
    cache_namespace: str = "frontdesk"
    erp_cache_ttl: float = Field(default=30.0, ge=0, le=86400)
    erp_stale_limit: float = Field(default=24 * 3600.0, ge=0, le=30 * 86400)
    erp_webhook_secret: str | None = None
    """Shared secret of ``POST /erp/events``; unset turns the webhook off (404)."""
    erp_webhook_tolerance: int = Field(default=300, ge=1, le=3600)

    @field_validator("cache_url")
    @classmethod
    def _check_cache_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("redis://", "rediss://")):
            raise ValueError("must start with redis:// or rediss://")
        return value

    @property
    def erp_url(self) -> str:
        if self.erp_sql_url is not None:
            return self.erp_sql_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'demo-erp.sqlite3').as_posix()}"

    @property
    def erp_is_demo(self) -> bool:
        """True when the ERP is the embedded demo (the sql adapter on its default file)."""
        return self.erp_adapter == "sql" and self.erp_sql_url is None

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

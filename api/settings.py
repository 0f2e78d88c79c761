"""Frontdesk's settings: environment variables with the prefix ``FRONTDESK_``.

Settings are built once, by the composition root (``create_app`` or the CLI), never at import
time. Every field here is documented in the README's configuration table.
"""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path
from typing import Literal

import phonenumbers
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
    workers: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1, le=64)
    """Worker processes of ``frontdesk serve``; default: the number of cores."""
    planned_execution: bool = True
    """Run queries on the planned executor (``resolvers/execution``); false: graphql-core's."""
    plain_queries: bool = True
    """Answer validated JSON queries on the plain query path (``api/plain_queries.py``);
    false: every request through strawberry's view and ``Schema.execute``."""
    gc_tuning: bool = True
    """Served processes freeze their start-up heap and collect the young generation every
    10,000 allocations (``api/gc_tuning.py``); false keeps CPython's defaults."""
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

    # --- Odoo / ERPNext
    odoo_url: str | None = None
    """Base URL of the Odoo server (JSON-RPC at ``<url>/jsonrpc``)."""
    odoo_database: str | None = None
    odoo_username: str | None = None
    """The integration user's login."""
    odoo_api_key: SecretStr | None = None
    """The user's API key (Odoo 14+) or password."""
    odoo_balance_field: str = "total_due"
    """``res.partner`` field read as the balance (``credit`` on databases without it)."""
    odoo_number_prefix: str = "FD-"
    """Prefix of the ``ref`` given to customers created through Frontdesk."""
    odoo_timeout: float = Field(default=10.0, gt=0)
    erpnext_url: str | None = None
    """Base URL of the ERPNext site (REST at ``<url>/api/resource/...``)."""
    erpnext_api_key: str | None = None
    erpnext_api_secret: SecretStr | None = None
    erpnext_company: str | None = None
    """The company whose credit limits and invoices count."""
    erpnext_currency: str | None = None
    """That company's currency (ISO 4217), in which limits and balances are stated."""
    erpnext_idempotency_field: str = "customer_details"
    """Customer field holding the marker derived from a creation's idempotency key."""
    erpnext_timeout: float = Field(default=10.0, gt=0)
    # --- Tryton (the ``tryton`` ERP adapter; see the README's "Tryton adapter")
    tryton_url: str | None = None
    """Base URL of trytond's web listener, e.g. ``http://erp.internal:8000``."""
    tryton_database: str | None = None
    tryton_username: str = "admin"
    tryton_password: SecretStr | None = None
    tryton_timeout: float = Field(default=10.0, gt=0, le=300)
    """Seconds per JSON-RPC call before the ERP counts as unavailable."""
    tryton_hold_archived: bool = True
    """Credit hold when the party is archived."""
    tryton_hold_over_limit: bool = True
    """Credit hold when the party's credit amount exceeds its credit limit."""
    tryton_credit_tolerance: Decimal = Field(default=Decimal(0), ge=0)
    """How far over its credit limit a party may go before it is on hold."""
    # --- CRM
    crm_phone_region: str = "DE"
    """Region (ISO 3166-1 alpha-2) assumed for phone numbers written without +country."""

    @field_validator("crm_phone_region")
    @classmethod
    def _check_phone_region(cls, value: str) -> str:
        if value.upper() not in phonenumbers.SUPPORTED_REGIONS:
            raise ValueError("must be an ISO 3166-1 alpha-2 region code such as DE or US")
        return value.upper()

    # --- security
    jwt_jwks_url: str | None = None
    """JWKS URL of the identity provider; JWTs are verified against its keys."""
    jwt_public_key: str | None = None
    """A PEM public key to verify JWTs with, instead of a JWKS URL."""
    jwt_issuer: str | None = None
    jwt_audience: str | None = None
    jwt_algorithms: list[Literal["RS256", "RS384", "RS512", "ES256", "ES384", "ES512"]] = [
        "RS256",
        "ES256",
    ]
    jwt_roles_claim: str = "roles"
    jwt_partner_claim: str = "partner_id"
    jwt_name_claim: str = "name"
    jwt_leeway_seconds: int = Field(default=0, ge=0, le=300)
    api_key_cache_seconds: float = Field(default=5.0, ge=0, le=300)
    """How long a valid API key is remembered in the process: a revoked key stops working
    within this many seconds; 0 looks every key up in the store on every request."""
    metrics_public: bool = False
    """Serve /metrics without credentials (for a scraper on a private network)."""
    cors_allow_origins: list[str] = []
    max_body_bytes: int = Field(default=1_000_000, ge=1024)
    rate_limit_per_minute: int = Field(default=600, ge=0)
    """Requests per principal per minute (token bucket refill); 0 turns rate limiting off."""
    rate_limit_burst: int = Field(default=60, ge=1)
    introspection: bool = True
    query_max_tokens: int = Field(default=2000, ge=1)
    query_max_depth: int = Field(default=10, ge=1)
    query_max_aliases: int = Field(default=15, ge=0)
    query_max_root_fields: int = Field(default=10, ge=1)
    query_max_cost: int = Field(default=10_000, ge=1)
    query_default_list_size: int = Field(default=50, ge=1)
    persisted_queries_only: bool = False
    """Accept only registered documents (the registry file, or stored by an admin's APQ)."""
    persisted_queries_file: Path | None = None
    """JSON file of documents accepted in persisted-only mode: a list of documents."""
    # --- ERP
    erp_adapter: str = "sql"
    """Which ERP adapter: ``sql`` (the demo ERP by default), ``tryton``, ``odoo`` or ``erpnext``;
    the vendor's own settings (``FRONTDESK_<VENDOR>_*``) are checked at start-up."""
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
    # --- federation and subscriptions
    subscriptions_per_connection: int = Field(default=20, ge=1, le=1000)
    """How many subscriptions one WebSocket connection may hold at once."""
    subscription_auth_recheck: float = Field(default=30.0, gt=0, le=3600)
    """Seconds between re-checks of a socket's credentials (revoked keys are disconnected)."""
    erp_change_poll_interval: float = Field(default=0.0, ge=0, le=86400)
    """Seconds between polls of the ERP's change feed (``sql``: version column); 0: off."""

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

    # --- benchmark
    debug_counters: bool = False
    """Add ``extensions.counters`` (ERP calls, SQL statements) to every GraphQL answer."""

    # --- performance
    erp_latency_ms: float = Field(default=0.0, ge=0, le=60_000)
    """Benchmark only: a fixed delay added to every ERP call (behind the cache, so cache hits
    neither wait nor count). 0 (the default) adds nothing."""
    customers_max_page: int = Field(default=200, ge=1, le=5000)
    """The cap of ``customers(first:)``; the benchmark raises it to ask pages of 500."""

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

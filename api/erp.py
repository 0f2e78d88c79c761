"""The ERP's wiring: settings -> ``ErpConfig``, and the webhook by which the ERP says
"these customers changed".

``POST /erp/events`` (see README, "ERP gateway"):

    X-Frontdesk-Timestamp: <unix seconds>
    X-Frontdesk-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>
    {"customers": ["C10001", ...]}

A timestamp further than the tolerance from now is refused (replay protection). The numbers
are dropped from the cache of every instance (Redis pub/sub when Redis is configured).
"""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import TYPE_CHECKING

import orjson
from starlette.responses import JSONResponse

from api.settings import SettingsError
from erp_gateway.adapters.sql_mapping import DEMO_MAPPING
from erp_gateway.factory import ADAPTERS, ErpConfig
from erp_gateway.vendors import ErpNextOptions, OdooOptions, TrytonOptions, VendorOptions

if TYPE_CHECKING:
    from starlette.requests import Request

    from api.lifespan import AppState
    from api.settings import Settings

TIMESTAMP_HEADER = "X-Frontdesk-Timestamp"
SIGNATURE_HEADER = "X-Frontdesk-Signature"
MAX_NUMBERS = 1000


def _required(settings: Settings, adapter: str, *names: str) -> list[str]:
    """The values of settings ``names``; ``SettingsError`` naming the first one unset."""
    values = []
    for name in names:
        value = getattr(settings, name)
        if value is not None and hasattr(value, "get_secret_value"):
            value = value.get_secret_value()
        if value is None or value == "":
            raise SettingsError(
                f"FRONTDESK_{name.upper()} is required when FRONTDESK_ERP_ADAPTER is {adapter}"
            )
        values.append(str(value))
    return values


def vendor_options(settings: Settings) -> VendorOptions | None:
    """The vendor adapter's options from its ``FRONTDESK_<VENDOR>_*`` settings (None for sql).

    Raises ``SettingsError`` with one line naming the first required setting that is missing.
    """
    adapter = settings.erp_adapter
    if adapter == "tryton":
        url, database, password = _required(
            settings, adapter, "tryton_url", "tryton_database", "tryton_password"
        )
        return TrytonOptions(
            url=url,
            database=database,
            username=settings.tryton_username,
            password=password,
            timeout=settings.tryton_timeout,
            hold_archived=settings.tryton_hold_archived,
            hold_over_limit=settings.tryton_hold_over_limit,
            credit_tolerance=settings.tryton_credit_tolerance,
        )
    if adapter == "odoo":
        url, database, username, api_key = _required(
            settings, adapter, "odoo_url", "odoo_database", "odoo_username", "odoo_api_key"
        )
        return OdooOptions(
            url=url,
            database=database,
            username=username,
            api_key=api_key,
            balance_field=settings.odoo_balance_field,
            number_prefix=settings.odoo_number_prefix,
            timeout=settings.odoo_timeout,
        )
    if adapter == "erpnext":
        url, key, secret, company, currency = _required(
            settings,
            adapter,
            "erpnext_url",
            "erpnext_api_key",
            "erpnext_api_secret",
            "erpnext_company",
            "erpnext_currency",
        )
        return ErpNextOptions(
            url=url,
            api_key=key,
            api_secret=secret,
            company=company,
            currency=currency.upper(),
            idempotency_field=settings.erpnext_idempotency_field,
            timeout=settings.erpnext_timeout,
        )
    if adapter != "sql":
        raise SettingsError(
            f"FRONTDESK_ERP_ADAPTER must be one of {', '.join(ADAPTERS)}, not {adapter!r}"
        )
    return None


def erp_config(settings: Settings) -> ErpConfig:
    """The gateway's plain configuration; ``SettingsError`` (one line) when incomplete."""
    return ErpConfig(
        adapter=settings.erp_adapter,
        vendor=vendor_options(settings),
        sql_url=settings.erp_url,
        sql_mapping=settings.erp_sql_mapping or DEMO_MAPPING,
        timeout=settings.erp_timeout,
        retries=settings.erp_retries,
        backoff=settings.erp_backoff,
        backoff_max=settings.erp_backoff_max,
        breaker_threshold=settings.erp_breaker_threshold,
        breaker_cool_down=settings.erp_breaker_cool_down,
        cache_url=settings.cache_url,
        cache_namespace=settings.cache_namespace,
        cache_ttl=settings.erp_cache_ttl,
        stale_limit=settings.erp_stale_limit,
        latency_ms=settings.erp_latency_ms,
        count_calls=settings.debug_counters,
    )


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The signature header's value for ``body`` sent at ``timestamp``."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={digest.hexdigest()}"


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


async def erp_events(request: Request) -> JSONResponse:
    """Verify the signature, then invalidate the customers the event names."""
    state: AppState = request.app.state.frontdesk
    secret = state.settings.erp_webhook_secret
    if not secret:
        return _error(404, "the ERP webhook is not configured")
    body = await request.body()
    timestamp = request.headers.get(TIMESTAMP_HEADER, "")
    signature = request.headers.get(SIGNATURE_HEADER, "")
    if not hmac.compare_digest(sign(secret, timestamp, body), signature):
        return _error(401, "bad signature")
    try:
        sent = int(timestamp)
    except ValueError:
        return _error(401, "bad timestamp")
    if abs(time.time() - sent) > state.settings.erp_webhook_tolerance:
        return _error(401, "timestamp outside the tolerance (replayed or clock skew)")
    try:
        payload = orjson.loads(body)
    except orjson.JSONDecodeError:
        return _error(400, "the body is not JSON")
    numbers = payload.get("customers") if isinstance(payload, dict) else None
    if (
        not isinstance(numbers, list)
        or not numbers
        or len(numbers) > MAX_NUMBERS
        or not all(isinstance(n, str) and 0 < len(n) <= 64 for n in numbers)
    ):
        return _error(400, f'expected {{"customers": [1 to {MAX_NUMBERS} customer numbers]}}')
    await state.erp.gateway.invalidate(numbers)
    return JSONResponse({"invalidated": numbers}, status_code=202)

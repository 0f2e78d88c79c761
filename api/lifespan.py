"""The application's resources, built at start-up and released at shutdown."""

from __future__ import annotations

from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from api.erp import erp_config
from api.gc_tuning import tune_gc
from api.metrics import Metrics
from api.notices import notice_sender_running
from crm_store.session import create_engine, create_sessionmaker
from crm_store.statement_count import install_statement_counter
from erp_gateway.change_feed import ChangePoller, VersionedCustomers
from erp_gateway.factory import build_stack
from erp_gateway.invalidation import RedisInvalidations
from workflows.events import EventBus
from workflows.payments.history import InteractionNoticeLog

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
    from starlette.applications import Starlette

    from api.security import Security
    from api.settings import Settings
    from erp_gateway.factory import ErpStack
    from erp_gateway.port import ErpGateway
    from workflows.mail import Mailer
    from workflows.payments.runner import NoticeSenderTask


@dataclass(slots=True)
class AppState:
    """Typed application state, reachable as ``request.app.state.frontdesk``."""

    settings: Settings
    sessionmaker: async_sessionmaker[AsyncSession]
    metrics: Metrics
    erp: ErpStack
    events: EventBus
    """Subscription events, shared with every instance over Redis when configured."""
    notices: NoticeSenderTask | None = None
    """The in-process payment notice sender, when it runs in this process."""


@dataclass(slots=True, kw_only=True)
class Overrides:
    """Resources a test (or an embedding program) hands in instead of building them."""

    sessionmaker: async_sessionmaker[AsyncSession] | None = None
    erp_adapter: ErpGateway | None = None
    """An ERP adapter to wrap (cache, resilience) instead of the one the settings name."""
    notice_sender: bool | None = None
    """Run the in-process notice sender. None: as the settings say, unless a sessionmaker is
    handed in (it may be bound to one connection, as the tests' rolled-back transaction is,
    which a background task must not share); True or False decide."""
    notice_mailer: Mailer | None = None
    """Where notices go instead of the mailer the settings describe."""
    tune_gc: bool = False
    """Apply ``api.gc_tuning`` once start-up is done: for a process that only serves (the
    ASGI entry point sets it from ``FRONTDESK_GC_TUNING``), never for one that also runs
    other work, such as a test session."""


def event_bus(erp: ErpStack) -> EventBus:
    """The bus, riding on the cache's invalidation channel when there is one."""
    channel = erp.gateway.invalidations
    redis = channel if isinstance(channel, RedisInvalidations) else None
    events = EventBus(redis)
    if redis is not None:
        redis.on_events = events.deliver_wire
    erp.gateway.change_listeners.append(events.customers_changed)
    return events


def start_change_poller(settings: Settings, erp: ErpStack) -> ChangePoller | None:
    """The ERP change feed, when an interval is set and the adapter can list versions."""
    if settings.erp_change_poll_interval <= 0:
        return None
    if not isinstance(erp.adapter, VersionedCustomers):
        raise ValueError(
            f"FRONTDESK_ERP_CHANGE_POLL_INTERVAL: the {settings.erp_adapter} adapter has no "
            "change feed"
        )
    poller = ChangePoller(
        erp.adapter, erp.gateway.invalidate, interval=settings.erp_change_poll_interval
    )
    poller.start()
    return poller


def build_lifespan(settings: Settings, overrides: Overrides) -> object:
    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        owned_engine: AsyncEngine | None = None
        if overrides.sessionmaker is not None:
            sessionmaker = overrides.sessionmaker
        else:
            owned_engine = create_engine(
                settings.crm_database_url,
                pool_size=settings.database_pool_size,
                echo=settings.database_echo,
            )
            sessionmaker = create_sessionmaker(owned_engine)
            if settings.debug_counters:
                install_statement_counter(owned_engine)
        metrics = Metrics()
        erp = build_stack(erp_config(settings), observer=metrics, adapter=overrides.erp_adapter)
        events = event_bus(erp)
        await erp.gateway.start()
        state = AppState(
            settings=settings, sessionmaker=sessionmaker, metrics=metrics, erp=erp, events=events
        )
        app.state.frontdesk = state
        poller = start_change_poller(settings, erp)
        run_sender = overrides.notice_sender
        if run_sender is None:
            run_sender = settings.notice_sender_in_process and overrides.sessionmaker is None
        try:
            async with notice_sender_running(
                settings.model_copy(update={"notice_sender_in_process": run_sender}),
                sessionmaker=sessionmaker,
                gateway=erp.gateway,
                notice_log=InteractionNoticeLog(),
                registry=metrics.registry,
                mailer=overrides.notice_mailer,
            ) as notices:
                state.notices = notices
                if overrides.tune_gc:
                    tune_gc()
                yield
                state.notices = None
        finally:
            try:
                if poller is not None:
                    await poller.close()
                await erp.gateway.close()
            finally:
                if owned_engine is not None:
                    await owned_engine.dispose()

    return lifespan


def with_security(lifespan: object, security: Security) -> object:
    """``lifespan``, then closes the security parts' connections (Redis) at shutdown."""

    @asynccontextmanager
    async def wrapped(app: Starlette) -> AsyncIterator[None]:
        try:
            async with lifespan(app):  # type: ignore[operator]
                yield
        finally:
            await security.aclose()

    return wrapped

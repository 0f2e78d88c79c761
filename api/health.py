"""Liveness and readiness probes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import text
from starlette.responses import JSONResponse

from erp_gateway.errors import ErpError

if TYPE_CHECKING:
    from starlette.requests import Request

    from api.lifespan import AppState


async def healthz(request: Request) -> JSONResponse:
    """The process is alive and serving."""
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> JSONResponse:
    """Every dependency answers: 200 when all do, 503 naming the ones that do not."""
    state: AppState = request.app.state.frontdesk
    checks: dict[str, str] = {}
    try:
        async with state.sessionmaker() as session:
            await session.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:  # any failure means "not ready"; the reason is reported
        checks["database"] = f"error: {type(exc).__name__}"
    try:
        await state.erp.gateway.ping()
        checks["erp"] = "ok"
    except ErpError as exc:
        checks["erp"] = f"error: {type(exc).__name__}"
    ready = all(value == "ok" for value in checks.values())
    return JSONResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks},
        status_code=200 if ready else 503,
    )

"""Frappe's error answers (``exc_type``, ``exception``, ``_server_messages``) -> ``ErpError``.

HTTP 417/409/400 (``ValidationError``, ``MandatoryError``, ``DuplicateEntryError``, ...) ->
``ErpRejected`` with the server's message; ``TimestampMismatchError`` -> ``ErpConflict``; 404 ->
``ErpNotFound``; 401/403 (the integration's token or roles) and anything else ->
``ErpUnavailable``.
"""

from __future__ import annotations

import json
from typing import Any

from erp_gateway.errors import ErpConflict, ErpNotFound, ErpRejected, ErpUnavailable


def translate_error(status: int, body: dict[str, Any], operation: str) -> Exception:
    exc_type = str(body.get("exc_type") or "")
    message = server_message(body) or exc_type or f"HTTP {status}"
    if exc_type == "TimestampMismatchError":
        return ErpConflict(message, operation=operation)
    if status == 404 or exc_type == "DoesNotExistError":
        return ErpNotFound(message, operation=operation)
    if status in (401, 403):
        return ErpUnavailable(
            f"ERPNext refused the integration's token: {message}", operation=operation
        )
    if status in (409, 417) or status == 400:
        return ErpRejected(message, operation=operation)
    return ErpUnavailable(f"ERPNext answered HTTP {status}: {message}", operation=operation)


def server_message(body: dict[str, Any]) -> str | None:
    """The user-facing text of a Frappe error.

    ``_server_messages`` is a JSON string holding a list of JSON strings, each an object with
    a ``message`` (Frappe's ``frappe.msgprint`` log); ``exception`` is the fallback.
    """
    raw = body.get("_server_messages")
    if isinstance(raw, str):
        try:
            entries = [json.loads(item) for item in json.loads(raw)]
            messages = [str(e.get("message", "")) for e in entries if isinstance(e, dict)]
        except (ValueError, TypeError):
            messages = []
        if any(messages):
            return "; ".join(m for m in messages if m)
    exception = body.get("exception")
    if isinstance(exception, str) and exception:
        return exception.split(": ", 1)[-1]
    return None

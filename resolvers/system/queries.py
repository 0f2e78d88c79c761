"""Queries about the service itself."""

from __future__ import annotations

from importlib import metadata

import strawberry


def _version() -> str:
    try:
        return metadata.version("frontdesk")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "0+unknown"


@strawberry.type
class SystemQuery:
    @strawberry.field(description="Frontdesk's version.")
    def api_version(self) -> str:
        return _version()

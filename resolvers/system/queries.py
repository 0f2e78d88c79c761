"""Queries about the service itself."""

from __future__ import annotations

from functools import cache
from importlib import metadata

import strawberry


@cache
def _version() -> str:
    """Read once: the installed metadata does not change under a running process, and
    reading it costs milliseconds (it parses the package's METADATA file)."""
    try:
        return metadata.version("frontdesk")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "0+unknown"


@strawberry.type
class SystemQuery:
    @strawberry.field(description="Frontdesk's version.")
    def api_version(self) -> str:
        return _version()

"""Who is acting: the one place that names the person behind a request.

Until authentication exists the actor is the optional ``X-Actor`` request header (trimmed,
at most 100 characters). The security work replaces this function's body with the
authenticated principal's name; callers stay as they are.
"""

from __future__ import annotations

from resolvers.context import Info

ACTOR_HEADER = "x-actor"
MAX_ACTOR_LENGTH = 100


def actor_of(info: Info) -> str | None:
    value = info.context.request.headers.get(ACTOR_HEADER, "").strip()
    return value[:MAX_ACTOR_LENGTH] or None

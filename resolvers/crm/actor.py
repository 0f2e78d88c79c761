"""Who is acting: the one place that names the person behind a request.

The actor is the authenticated principal's name (a JWT's name claim, or an API key's name),
recorded as "by" on lead transitions and as the default owner of logged interactions.
"""

from __future__ import annotations

from resolvers.context import Info

MAX_ACTOR_LENGTH = 100


def actor_of(info: Info) -> str | None:
    principal = info.context.principal
    if principal is None:
        return None
    return principal.name[:MAX_ACTOR_LENGTH] or None

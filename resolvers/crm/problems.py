"""Workflow problems as the client sees them: ``UserError`` with a path from ``input``."""

from __future__ import annotations

from collections.abc import Iterable

from resolvers.errors import ErrorCode, UserError, user_error
from workflows.problems import Problem


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def user_errors(problems: Iterable[Problem]) -> list[UserError]:
    """``Problem(("postal_code",), INVALID, ...)`` -> ``field: ["input", "postalCode"]``."""
    return [
        user_error(ErrorCode(p.code.value), p.message, "input", *(camel(f) for f in p.field))
        for p in problems
    ]


def not_found(what: str, field: str) -> list[UserError]:
    return [user_error(ErrorCode.NOT_FOUND, f"no such {what}", "input", field)]

"""What a workflow reports instead of writing: problems with a field path, a code, a message.

Framework-free on purpose: the GraphQL layer turns a ``Problem`` into a ``UserError``, the CSV
import into a report line. Field names are the store's (snake_case); each edge renames them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Generic, TypeVar

T = TypeVar("T")


class ProblemCode(StrEnum):
    INVALID = "INVALID"
    NOT_FOUND = "NOT_FOUND"
    CONFLICT = "CONFLICT"
    INVALID_TRANSITION = "INVALID_TRANSITION"
    CUSTOMER_REQUIRED = "CUSTOMER_REQUIRED"
    CREDIT_HOLD = "CREDIT_HOLD"
    CREDIT_LIMIT = "CREDIT_LIMIT"
    ERP_UNAVAILABLE = "ERP_UNAVAILABLE"
    ERP_REJECTED = "ERP_REJECTED"


@dataclass(frozen=True, slots=True)
class Problem:
    field: tuple[str, ...]
    code: ProblemCode
    message: str


@dataclass(slots=True)
class Outcome(Generic[T]):
    """The changed object, or the problems that stopped the change (never both)."""

    value: T | None = None
    problems: list[Problem] = field(default_factory=list)

    @classmethod
    def refused(cls, *problems: Problem) -> Outcome[T]:
        return cls(value=None, problems=list(problems))


def problem(code: ProblemCode, message: str, *path: str) -> Problem:
    return Problem(field=path, code=code, message=message)

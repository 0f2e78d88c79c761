"""Errors as the client sees them.

Expected outcomes are part of the schema: mutations return ``userErrors`` (field path, code,
message). Errors at a field's path carry ``extensions.code``:

    GraphQLError
     +-- FrontdeskError            code from ``ErrorCode``; shown to the client as is
     |    +-- BadUserInput         BAD_USER_INPUT (an argument out of range, a bad cursor)
     |    +-- NotFound             NOT_FOUND
     +-- anything else            masked: "Unexpected error.", code INTERNAL, with request id
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import strawberry
from graphql import GraphQLError


class ErrorCode(StrEnum):
    BAD_USER_INPUT = "BAD_USER_INPUT"
    NOT_FOUND = "NOT_FOUND"
    INTERNAL = "INTERNAL"
    INVALID = "INVALID"
    CONFLICT = "CONFLICT"
    INVALID_TRANSITION = "INVALID_TRANSITION"
    ERP_UNAVAILABLE = "ERP_UNAVAILABLE"
    ERP_REJECTED = "ERP_REJECTED"
    CUSTOMER_REQUIRED = "CUSTOMER_REQUIRED"
    CREDIT_HOLD = "CREDIT_HOLD"
    CREDIT_LIMIT = "CREDIT_LIMIT"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"


class FrontdeskError(GraphQLError):
    """An error meant for the client, with a stable ``extensions.code``."""

    code: ErrorCode = ErrorCode.INTERNAL

    def __init__(self, message: str, *, code: ErrorCode | None = None, **extra: Any) -> None:
        resolved = code or type(self).code
        super().__init__(message, extensions={"code": resolved.value, **extra})


class BadUserInput(FrontdeskError):
    code = ErrorCode.BAD_USER_INPUT


class NotFound(FrontdeskError):
    code = ErrorCode.NOT_FOUND


@strawberry.type(description="Why a mutation did not do what was asked.")
class UserError:
    field: list[str] | None = strawberry.field(
        description="Path of the offending input field, from the mutation's `input`."
    )
    code: str = strawberry.field(description="Stable machine-readable reason.")
    message: str = strawberry.field(description="A sentence for a person.")


def user_error(code: ErrorCode, message: str, *field: str) -> UserError:
    return UserError(field=list(field) if field else None, code=code.value, message=message)

"""Schema extensions that wrap every operation: the transaction and error masking."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from typing import TYPE_CHECKING, Any

import structlog
from graphql import GraphQLError
from strawberry.extensions import MaskErrors, SchemaExtension

from resolvers.errors import ErrorCode

if TYPE_CHECKING:
    from resolvers.context import Context

log = structlog.get_logger("frontdesk.graphql")


def is_unexpected(error: GraphQLError) -> bool:
    """An exception the code did not mean to show (not a GraphQLError of ours)."""
    original = error.original_error
    return original is not None and not isinstance(original, GraphQLError)


def _result_errors(result: object) -> Iterable[GraphQLError]:
    return getattr(result, "errors", None) or ()


class OperationTransaction(SchemaExtension):
    """One transaction per operation, owned by the edge.

    A mutation commits unless a top-level field failed or anything unexpected was raised;
    an error deeper in the answer (say an ERP field of the returned customer) does not undo
    the write. Queries never commit: closing the session ends their transaction (the
    connection goes back to the pool, which rolls it back), without the explicit rollback
    that would first expire every row the query loaded (hundreds on a page).
    """

    async def on_operation(self) -> AsyncIterator[None]:
        yield
        context: Context = self.execution_context.context
        uow = context.uow
        if not uow.started:
            return
        if not self._is_mutation():
            await uow.close()
            return
        try:
            errors = list(_result_errors(self.execution_context.result))
            failed = any(
                is_unexpected(e) or (e.path is not None and len(e.path) == 1) for e in errors
            )
            if not failed:
                await uow.commit()
                if context.events is not None:
                    await context.events.publish(context.pending_events)
            else:
                await uow.rollback()
        finally:
            await uow.close()

    def _is_mutation(self) -> bool:
        try:
            return self.execution_context.operation_type.value == "mutation"
        except RuntimeError:
            return False


class MaskUnexpectedErrors(MaskErrors):
    """Unexpected exceptions reach the client as ``INTERNAL`` with the request id only."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=is_unexpected, error_message="Unexpected error.")

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        context: Context | None = getattr(self.execution_context, "context", None)
        request_id = context.request_id if context is not None else None
        original = error.original_error
        log.error(
            "unexpected error in resolver",
            path=error.path,
            exc_info=(type(original), original, original.__traceback__) if original else None,
        )
        extensions: dict[str, Any] = {"code": ErrorCode.INTERNAL.value}
        if request_id:
            extensions["requestId"] = request_id
        return GraphQLError(
            message=self.error_message,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            original_error=None,
            extensions=extensions,
        )


class ResponseExtensions(SchemaExtension):
    """Merges what resolvers put in ``Context.extensions`` into the response's extensions."""

    def get_results(self) -> dict[str, Any]:
        context: Context | None = getattr(self.execution_context, "context", None)
        return dict(context.extensions) if context is not None else {}

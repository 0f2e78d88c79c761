"""The schema extension that wraps every operation: transaction, error masking, extensions."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from typing import TYPE_CHECKING, Any

import structlog
from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import GraphQLError
from starlette.background import BackgroundTasks
from starlette.responses import Response
from strawberry.extensions import MaskErrors
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from crm_store.unit_of_work import UnitOfWork
from resolvers.errors import ErrorCode
from resolvers.execution.read_ahead import send_reads

if TYPE_CHECKING:
    from resolvers.context import Context

log = structlog.get_logger("frontdesk.graphql")


def is_unexpected(error: GraphQLError) -> bool:
    """An exception the code did not mean to show (not a GraphQLError of ours)."""
    original = error.original_error
    return original is not None and not isinstance(original, GraphQLError)


def _result_errors(result: object) -> Iterable[GraphQLError]:
    return getattr(result, "errors", None) or ()


class OperationLifecycle(MaskErrors):
    """What wraps every operation, as one extension (each extension costs every request a
    set of hooks): its transaction, then the masking of unexpected errors, and the response
    extensions resolvers put in ``Context.extensions``.

    One transaction per operation, owned by the edge. A mutation commits unless a top-level
    field failed or anything unexpected was raised, anywhere in the answer; an expected error
    deeper in the answer (say an ERP field of the returned customer) does not undo the write.
    The transaction is decided on the errors as raised, before masking hides what they were.
    Queries never commit: closing the session ends their transaction (the connection goes
    back to the pool, which rolls it back), without the explicit rollback that would first
    expire every row the query loaded (hundreds on a page); over HTTP it is closed once the
    answer is sent.

    Unexpected exceptions reach the client as ``INTERNAL`` with the request id only.
    """

    def __init__(self) -> None:
        super().__init__(should_mask_error=is_unexpected, error_message="Unexpected error.")

    async def on_operation(self) -> AsyncIterator[None]:  # type: ignore[override]
        self._stream_result_processed = False
        yield
        try:
            await self._end_transaction()
        finally:
            self._mask_result()

    async def on_execute(self) -> AsyncIterator[None]:
        await self.prepare_execution()
        yield

    async def prepare_execution(self) -> None:
        """Once the document has passed validation, before any resolver runs: a query's
        unit of work reads without a session (``UnitOfWork.read_only``) and the reads its
        root fields declare go out ahead (``resolvers/execution/read_ahead.py``). The plain
        query path calls this itself, as it calls ``on_operation``."""
        execution = self.execution_context
        try:
            is_query = execution.operation_type is OperationType.QUERY
        except RuntimeError:  # no operation to run: nothing to prepare
            return
        context = execution.context
        uow = getattr(context, "uow", None)
        if isinstance(uow, UnitOfWork):
            uow.read_only = is_query
        document = execution.graphql_document
        if is_query and document is not None:
            await send_reads(
                execution.schema._schema,
                document,
                execution.operation_name,
                execution.variables,
                context,
            )

    def _mask_result(self) -> None:
        """``MaskErrors.on_operation`` after its ``yield``."""
        if self._stream_result_processed:
            return
        result = self.execution_context.result
        if isinstance(result, (GraphQLExecutionResult, ExecutionResult)):
            self._process_result(result)
        elif initial_result := getattr(result, "initial_result", None):
            self._process_result(initial_result)

    def _process_result(self, result: object) -> None:
        """``MaskErrors._process_result`` without its runtime-Protocol ``isinstance`` (about
        10 us a request)."""
        errors = getattr(result, "errors", None)
        if errors:
            result.errors = self._process_errors(errors)  # type: ignore[attr-defined]

    async def _end_transaction(self) -> None:
        context: Context = self.execution_context.context
        uow = context.uow
        if not uow.started:
            return
        if not self._is_mutation():
            if not self._close_after_response():
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

    def _close_after_response(self) -> bool:
        """Leave closing a query's session to the HTTP response, once its answer is sent
        (a Starlette background task): closing costs a few hundred microseconds that the
        client need not wait for. Streamed answers and WebSocket operations close now.
        ``FrontdeskGraphQL.run`` closes it should the response never be made."""
        context: Context = self.execution_context.context
        response = context.response
        if not isinstance(response, Response):
            return False
        if getattr(self.execution_context.result, "initial_result", None) is not None:
            return False
        tasks = response.background
        if not isinstance(tasks, BackgroundTasks):
            tasks = BackgroundTasks([tasks] if tasks is not None else [])
            response.background = tasks
        tasks.add_task(context.uow.close)
        return True

    def _is_mutation(self) -> bool:
        try:
            return self.execution_context.operation_type.value == "mutation"
        except RuntimeError:
            return False

    def get_results(self) -> dict[str, Any]:
        context: Context | None = getattr(self.execution_context, "context", None)
        return dict(context.extensions) if context is not None else {}

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

"""The plain query path: a validated JSON query answered without strawberry's HTTP and
schema pipeline around the executor.

For a cached query, strawberry's view and ``Schema.execute`` cost about 0.27 ms around the
executor (content-type parsing through ``email.message``, a request adapter, hook context
managers and wrapped hook functions built per request, ...), a quarter of the request.
``PlainQueries`` answers the commonest request directly: a POST of
``{"query", "variables", "operationName"}`` as ``application/json``, whose document is a
query that parses, passes validation and the document limits, from an authenticated
principal, with a plain JSON answer wanted. It runs the same steps in the same order with the
same pieces: the schema's own extensions (``PreparedDocuments``' checks,
``OperationLifecycle``'s operation hook, its preparation of execution and its results), the
schema's own executor call and error logging, the view's context, persisted-query check,
metrics, result processing and response. Anything else, and anything that does not pass
before execution starts, goes to the standard path, which answers it as it always has.

``tests/resolvers/execution/test_plain_queries.py`` proves the two paths answer byte for byte
alike (status, body and headers) for every query document of the tests, as every kind of
principal, with the ERP up and down.
"""

from __future__ import annotations

import contextlib
import time
from typing import TYPE_CHECKING, Any, cast

import orjson
from graphql import ExecutionResult as GraphQLExecutionResult
from graphql.language.visitor import BREAK, Visitor, visit
from strawberry.execution.is_awaitable import optimized_is_awaitable
from strawberry.schema._graphql_core import execution_context_class_kwargs
from strawberry.schema.schema import _coerce_error
from strawberry.types import ExecutionContext, ExecutionResult
from strawberry.types.graphql import OperationType
from strawberry.utils.await_maybe import await_maybe

from api.metrics import operation_label
from resolvers.document_memo import DocumentMemo
from resolvers.documents import PreparedDocuments
from resolvers.extensions import OperationLifecycle

if TYPE_CHECKING:
    from collections.abc import AsyncGenerator

    from graphql import DirectiveNode, DocumentNode
    from starlette.requests import Request
    from starlette.responses import Response
    from strawberry import Schema

    from api.graphql_view import FrontdeskGraphQL

POST_OPERATIONS = frozenset({OperationType.QUERY, OperationType.MUTATION})
PLAIN_KEYS = frozenset({"query", "variables", "operationName"})
PLAIN_ACCEPT = frozenset({"", "*/*", "application/json"})


class _Incremental(Visitor):
    """Finds ``@defer`` or ``@stream``: answers with them are streamed."""

    found = False

    def enter_directive(self, node: DirectiveNode, *_args: Any) -> Any:
        if node.name.value in ("defer", "stream"):
            self.found = True
            return BREAK
        return None


_INCREMENTAL: DocumentMemo[bool] = DocumentMemo()


def _incremental(document: DocumentNode) -> bool:
    found = _INCREMENTAL.get(document)
    if found is None:
        visitor = _Incremental()
        visit(document, visitor)
        found = _INCREMENTAL.put(document, visitor.found)
    return found


def plain_body(
    request: Request, body: bytes
) -> tuple[str, dict[str, Any] | None, str | None] | None:
    """``(query, variables, operationName)`` of a plain JSON query request, else None."""
    headers = request.headers
    content_type = headers.get("content-type", "").lower().replace(" ", "")
    if content_type not in ("application/json", "application/json;charset=utf-8"):
        return None
    if headers.get("accept", "").lower().replace(" ", "") not in PLAIN_ACCEPT:
        return None
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(data, dict) or not data.keys() <= PLAIN_KEYS:
        return None
    query, variables, name = data.get("query"), data.get("variables"), data.get("operationName")
    if not isinstance(query, str) or not query:
        return None
    if not (variables is None or isinstance(variables, dict)):
        return None
    if not (name is None or isinstance(name, str)):
        return None
    return query, variables, name


class PlainQueries:
    """The plain query path of one view; ``usable`` says whether its schema allows it."""

    def __init__(self, schema: Schema, *, enabled: bool = True) -> None:
        self.schema = schema
        self.usable = enabled and not schema.config.enable_experimental_incremental_execution

    async def answer(self, view: FrontdeskGraphQL, request: Request) -> Response | None:
        """The response to ``request``, or None for the standard path (nothing done yet)."""
        if request.method != "POST" or not self.usable:
            return None
        plain = plain_body(request, await request.body())
        if plain is None:
            return None
        query, variables, operation_name = plain
        sub_response = await view.get_sub_response(request)
        context = await view.get_context(request, response=sub_response)
        principal = context.principal
        if principal is None:
            return None
        security = request.app.state.security
        try:
            document_text = await security.persisted_queries.document(query, None, principal)
        except Exception:  # its error is the standard path's to give
            return None
        if document_text is not query:
            return None
        schema = self.schema
        execution = ExecutionContext(
            query=query,
            schema=schema,
            allowed_operations=POST_OPERATIONS,
            context=context,
            root_value=None,
            variables=variables,
            provided_operation_name=operation_name,
            operation_extensions=None,
        )
        extensions = schema.get_extensions()
        if [type(e) for e in extensions] != [PreparedDocuments, OperationLifecycle]:
            return None  # other extensions (debug counters, say): the standard path
        documents, lifecycle = extensions
        for extension in extensions:
            extension.execution_context = execution
        try:
            documents.parse_document()  # type: ignore[attr-defined]
            document = execution.graphql_document
            if document is None or _incremental(document):
                return None
            if execution.operation_type is not OperationType.QUERY:
                return None
            documents.validate_document()  # type: ignore[attr-defined]
            if execution.pre_execution_errors:
                return None
        except Exception:  # a refused or broken document: the standard path says why
            return None
        return await self._run(
            view,
            request,
            execution,
            extensions,
            lifecycle,  # type: ignore[arg-type]
            sub_response,
        )

    async def _run(
        self,
        view: FrontdeskGraphQL,
        request: Request,
        execution: ExecutionContext,
        extensions: list[Any],
        lifecycle: OperationLifecycle,
        sub_response: Response,
    ) -> Response:
        schema = self.schema
        operation = cast("AsyncGenerator[None, None]", lifecycle.on_operation())
        await operation.__anext__()
        started = time.perf_counter()
        try:
            await lifecycle.prepare_execution()
            result = await await_maybe(
                schema._get_execute_function()(
                    schema._schema,
                    execution.graphql_document,
                    root_value=None,
                    middleware=schema._get_middleware_manager(extensions),
                    variable_values=execution.variables,
                    operation_name=execution.operation_name,
                    context_value=execution.context,
                    is_awaitable=optimized_is_awaitable,
                    **execution_context_class_kwargs(schema.execution_context_class),
                    **schema._get_custom_context_kwargs(None),
                )
            )
            execution.result = result
            if result.errors:
                execution.pre_execution_errors = result.errors
                schema._process_errors(result.errors, execution)
        except Exception as error:
            # As strawberry's ``execute``: the operation hook gets the exception at its
            # yield, and the answer is the error (logged), unmasked.
            try:
                await operation.athrow(error)
            except Exception as raised:
                if raised is not error:
                    raise
            errors = [_coerce_error(error)]
            result = GraphQLExecutionResult(data=None, errors=errors)
            execution.pre_execution_errors = errors
            schema._process_errors(errors, execution)
        else:
            with contextlib.suppress(StopAsyncIteration):
                await operation.__anext__()
        answer = ExecutionResult(data=result.data, errors=result.errors)
        merged: dict[str, Any] = {}
        for extension in extensions:
            merged.update(extension.get_results())
        answer.extensions = merged
        execution.result = answer
        label = operation_label(execution.query, execution._provided_operation_name)
        view.record_operation(request, label, ok=not answer.errors, started=started)
        data = await view.process_result(request, answer)
        return view.create_response(response_data=data, sub_response=sub_response)

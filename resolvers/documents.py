"""Parsing, limits and validation of a document, each done once per query text.

strawberry's ``ParserCache`` and ``ValidationCache`` do the same as two extensions, but the
validation cache keys on the parsed document, whose hash walks every node of it on every
request (about 20 us for a 60-field query), and every extension costs each request its own
set of hooks. ``PreparedDocuments`` is one extension: the token limit, then the parse (one
``DocumentNode`` per query text, so every cache below can key on its identity), then the
document limits, then validation, remembered per document, schema and rule set.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from graphql import DocumentNode, GraphQLError, GraphQLSchema, parse
from strawberry.schema.schema import validate_document

from resolvers.document_memo import DocumentMemo
from resolvers.limits import DocumentLimits

CACHE_SIZE = 1024

_parse = lru_cache(maxsize=CACHE_SIZE)(parse)
_VALIDATED: DocumentMemo[list[GraphQLError]] = DocumentMemo(CACHE_SIZE)


def validated(
    schema: GraphQLSchema, document: DocumentNode, rules: tuple[type[Any], ...]
) -> list[GraphQLError]:
    """strawberry's ``validate_document``, remembered per document (by identity), schema and
    rules: the same list of errors for every request that sends the same text."""
    key = (schema, rules)
    errors = _VALIDATED.get(document, key)
    if errors is None:
        errors = _VALIDATED.put(document, validate_document(schema, document, rules), key)
    return errors


class PreparedDocuments(DocumentLimits):
    def on_parse(self) -> Iterator[None]:
        self.parse_document()
        yield

    def on_validate(self) -> Iterator[None]:
        self.validate_document()
        yield

    def parse_document(self) -> None:
        """The token limit, then the document (raises what either refuses)."""
        self._check_tokens()
        context = self.execution_context
        if context.query:
            context.graphql_document = _parse(context.query, **context.parse_options)

    def validate_document(self) -> None:
        """The document limits (raises), then validation: errors in
        ``pre_execution_errors``."""
        self._check_document()
        context = self.execution_context
        document = context.graphql_document
        if document is not None and context.validation_rules:
            context.pre_execution_errors = validated(
                context.schema._schema, document, context.validation_rules
            )

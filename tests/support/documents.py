"""Every query document the project's tests, benchmark and README send.

Found statically, so that a document added anywhere later is covered without a list to
keep: every string literal in ``tests/**/*.py`` (implicitly concatenated literals count as
one), every ``bench/queries/*.graphql`` file and every fenced ``graphql`` block of the
README that parses and validates against the served schema and holds a query operation.
Documents assembled at run time (f-strings) are not seen.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from graphql import (
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    parse,
    validate,
)

from resolvers.schema import build_schema

ROOT = Path(__file__).resolve().parents[2]
_FENCED = re.compile(r"```graphql\n(.*?)```", re.DOTALL)


@dataclass(frozen=True, slots=True)
class QueryDocument:
    text: str
    operation_name: str | None
    """Set when the document holds several operations."""
    origin: str

    @property
    def label(self) -> str:
        name = f" ({self.operation_name})" if self.operation_name else ""
        return f"{self.origin}{name}: {' '.join(self.text.split())[:160]}"

    def operation(self) -> OperationDefinitionNode:
        """The operation the document runs (its only one, or the one named)."""
        operations = [
            d for d in parse(self.text).definitions if isinstance(d, OperationDefinitionNode)
        ]
        if self.operation_name is None:
            return operations[0]
        return next(o for o in operations if o.name and o.name.value == self.operation_name)


def _candidates() -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        origin = str(path.relative_to(ROOT))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and "{" in node.value:
                found.append((node.value, origin))
    for path in sorted((ROOT / "bench" / "queries").glob("*.graphql")):
        found.append((path.read_text(encoding="utf-8"), str(path.relative_to(ROOT))))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found.extend((match.group(1), "README.md") for match in _FENCED.finditer(readme))
    return found


def query_documents(schema: GraphQLSchema) -> list[QueryDocument]:
    """Each valid query operation once (by text and operation name)."""
    documents: dict[tuple[str, str | None], QueryDocument] = {}
    for text, origin in _candidates():
        try:
            document = parse(text)
        except GraphQLError:
            continue
        if validate(schema, document):
            continue
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        for operation in operations:
            if operation.operation is not OperationType.QUERY:
                continue
            name = operation.name.value if len(operations) > 1 and operation.name else None
            documents.setdefault((text, name), QueryDocument(text, name, origin))
    return list(documents.values())


@cache
def served_query_documents() -> tuple[QueryDocument, ...]:
    return tuple(query_documents(build_schema()._schema))

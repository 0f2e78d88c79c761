"""The operation transaction and error masking, on a small schema of the test's own."""

from __future__ import annotations

from typing import Any

import pytest
import strawberry
from sqlalchemy import text

from crm_store.unit_of_work import UnitOfWork
from resolvers.context import Context, Info
from resolvers.errors import ErrorCode, FrontdeskError
from resolvers.loaders import Loaders
from resolvers.schema import extensions
from tests.support.databases import Store


async def _insert(info: Info, value: str) -> None:
    async with info.context.uow.session() as session:
        await session.execute(text("INSERT INTO scratch (value) VALUES (:v)"), {"v": value})


@strawberry.type
class Query:
    @strawberry.field
    def boom(self) -> str:
        raise RuntimeError("database password is hunter2")

    @strawberry.field
    def refused(self) -> str:
        raise FrontdeskError("not here", code=ErrorCode.NOT_FOUND)

    @strawberry.field
    async def write_in_query(self, info: Info) -> bool:
        await _insert(info, "from a query")
        return True


@strawberry.type
class Written:
    value: str

    @strawberry.field
    def check(self) -> str:
        raise RuntimeError("a bug below the mutation's own field")


@strawberry.type
class Mutation:
    @strawberry.mutation
    async def write(self, info: Info, value: str) -> str:
        await _insert(info, value)
        return value

    @strawberry.mutation
    async def write_then_fail(self, info: Info, value: str) -> str:
        await _insert(info, value)
        raise RuntimeError("half-way")

    @strawberry.mutation
    async def write_nested(self, info: Info, value: str) -> Written | None:
        await _insert(info, value)
        return Written(value=value)


schema = strawberry.Schema(query=Query, mutation=Mutation, extensions=extensions())


@pytest.fixture
async def scratch(store: Store) -> Store:
    async with store.sessionmaker() as session:
        await session.execute(text("CREATE TABLE scratch (value VARCHAR(50))"))
        await session.commit()
    return store


async def _run(store: Store, document: str) -> Any:
    uow = UnitOfWork(store.sessionmaker)
    context = Context(
        request=None,  # type: ignore[arg-type]
        response=None,
        request_id="req-42",
        uow=uow,
        loaders=Loaders.create(uow=uow),
    )
    return await schema.execute(document, context_value=context)


async def _values(store: Store) -> list[str]:
    async with store.sessionmaker() as session:
        rows = await session.execute(text("SELECT value FROM scratch ORDER BY value"))
        return [row[0] for row in rows]


async def test_unexpected_errors_are_masked_with_the_request_id(scratch: Store) -> None:
    result = await _run(scratch, "{ boom }")
    (error,) = result.errors
    assert error.message == "Unexpected error."
    assert "hunter2" not in str(error.formatted)
    assert error.extensions == {"code": "INTERNAL", "requestId": "req-42"}


async def test_errors_meant_for_the_client_keep_their_code(scratch: Store) -> None:
    result = await _run(scratch, "{ refused }")
    (error,) = result.errors
    assert error.message == "not here"
    assert error.extensions == {"code": "NOT_FOUND"}


async def test_a_mutation_commits(scratch: Store) -> None:
    result = await _run(scratch, 'mutation { write(value: "kept") }')
    assert result.errors is None
    assert await _values(scratch) == ["kept"]


async def test_a_failing_mutation_leaves_nothing_behind(scratch: Store) -> None:
    result = await _run(
        scratch, 'mutation { write(value: "kept") w: writeThenFail(value: "lost") }'
    )
    assert result.errors is not None
    assert await _values(scratch) == []


async def test_a_query_never_commits(scratch: Store) -> None:
    result = await _run(scratch, "{ writeInQuery }")
    assert result.errors is None
    assert await _values(scratch) == []


async def test_an_unexpected_error_deeper_in_a_mutations_answer_undoes_it(scratch: Store) -> None:
    result = await _run(scratch, 'mutation { writeNested(value: "lost") { value check } }')
    (error,) = result.errors
    assert error.extensions == {"code": "INTERNAL", "requestId": "req-42"}
    assert error.path == ["writeNested", "check"]
    assert await _values(scratch) == []

"""Prepared reads: a Core ``select`` compiled once per dialect, run as one driver round trip.

A hot read (a page's interactions, say) spends more time in SQLAlchemy's execution machinery
than in the database: a cursor, a result object, and with aiosqlite a hop to the connection's
thread for each of cursor, execute, fetch and close. ``PreparedRead`` keeps what SQLAlchemy
would do and drops the rest:

- the statement is compiled once per dialect; expanding (``IN``) parameters are rendered once
  per number of values, and each parameter's bind processor is applied as SQLAlchemy would;
- it runs on the session's own connection, inside its transaction, or on a bare connection
  where no session is wanted (a query's reads: ``UnitOfWork.reads``), as one call on the
  driver: aiosqlite's ``execute_fetchall`` (one hop) or asyncpg's ``fetch`` (the dialect
  compiles to asyncpg's ``$n`` placeholders);
- each result column's result processor for the dialect is applied (the same values an
  ``execute`` would give: timezone-aware datetimes, enum members, ...), computed once;
- the engine's ``before_cursor_execute`` listeners see the statement (statement counters
  count one per round trip; they get no cursor and no execution context);
- a driver error is raised as the ``sqlalchemy.exc.DBAPIError`` subclass ``execute`` raises.

Other drivers, engines that echo their SQL and tuple-valued parameters go through the
session's (or connection's) ``execute``. Rows come back as sequences of column values in the
order the statement selects them.

On asyncpg a read on a connection that holds no transaction yet runs as a statement of its
own (SQLAlchemy's adapter would open one first); for one ``SELECT`` at the default READ
COMMITTED that is the same snapshot. A later write opens the transaction as usual.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, TypeAlias, cast

from sqlalchemy.dialects.postgresql.asyncpg import PGDialect_asyncpg
from sqlalchemy.dialects.sqlite.aiosqlite import SQLiteDialect_aiosqlite
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.types import Enum, TupleType

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from sqlalchemy import ColumnElement, Select
    from sqlalchemy.engine import Connection, Dialect
    from sqlalchemy.sql.compiler import SQLCompiler

    Processor: TypeAlias = Callable[[Any], Any]
    _Argument: TypeAlias = tuple[str | None, int, Any, Processor | None]
    """How a positional argument is found, and its bind processor: ``(name, -1, _, p)`` a
    caller's parameter, ``(name, i, _, p)`` the i-th value of an expanding parameter,
    ``(None, _, value, None)`` a value fixed in the statement (a literal, processed)."""
    _Result: TypeAlias = tuple[int, Processor, dict[Any, Any] | None]

Driver = Literal["aiosqlite", "asyncpg"]

Reader: TypeAlias = AsyncSession | AsyncConnection
"""Where a read runs: an operation's session (its connection, after a flush), or a bare
connection."""


def dialect_name(reader: Reader) -> str:
    """The name of the dialect ``reader`` speaks (``sqlite``, ``postgresql``)."""
    if isinstance(reader, AsyncConnection):
        return reader.dialect.name
    return reader.get_bind().dialect.name


def _driver(dialect: Dialect) -> Driver | None:
    if isinstance(dialect, SQLiteDialect_aiosqlite):
        return "aiosqlite"
    if isinstance(dialect, PGDialect_asyncpg):
        return "asyncpg"
    return None


@dataclass(slots=True)
class _Expansion:
    """The SQL and the positional arguments of one shape of parameters."""

    sql: str
    arguments: list[_Argument]

    def bind(self, parameters: Mapping[str, Any]) -> list[Any]:
        values: list[Any] = []
        for name, index, fixed, process in self.arguments:
            if name is None:
                value = fixed
            elif index < 0:
                value = parameters[name]
            else:
                value = parameters[name][index]
            values.append(value if process is None else process(value))
        return values


@dataclass(slots=True)
class _Compiled:
    """A statement compiled for one dialect, with everything derived from it."""

    compiled: SQLCompiler
    driver: Driver | None
    expanding: frozenset[str]
    binds: dict[str, Processor]
    unescaped: dict[str, str]
    cacheable: bool
    """Whether the SQL depends on the number of expanding values alone (no literal values
    rendered into it)."""
    selected: Sequence[ColumnElement[Any]]
    results: list[_Result] | None = None
    """Result processors by column index; None until known (asyncpg: after a describe)."""
    expansions: dict[tuple[tuple[str, int], ...], _Expansion] = field(default_factory=dict)

    @classmethod
    def of(cls, statement: Select[Any], dialect: Dialect) -> _Compiled:
        compiled = statement.compile(dialect=dialect)
        binds: dict[str, Processor] = {}
        tuples = False
        for bind, name in compiled.bind_names.items():
            if isinstance(bind.type, TupleType):
                tuples = True
                continue
            process = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if process is not None:
                binds[name] = process
        # Tuples (``(a, b) IN ...``) are rare here: SQLAlchemy executes those statements.
        driver = None if tuples else _driver(dialect)
        read = cls(
            compiled=compiled,
            driver=driver,
            expanding=frozenset(
                compiled.bind_names[bind] for bind in compiled.post_compile_params if bind.expanding
            ),
            binds=binds,
            unescaped={escaped: name for name, escaped in compiled.escaped_bind_names.items()},
            cacheable=not compiled.literal_execute_params,
            selected=list(statement.selected_columns),
        )
        if driver == "aiosqlite":
            # SQLAlchemy's SQLite dialects read no column type from the driver.
            read.results = read.result_processors(None)
        return read

    def result_processors(self, driver_types: Sequence[Any] | None) -> list[_Result]:
        """Each column's result processor, as ``execute`` computes it from the cursor's
        description (``driver_types``: the type codes the driver reports, if any).

        An enum column also gets the processor's answer for each of its stored values (and
        null): a page maps its enums by a dict lookup instead of a call per value.
        """
        dialect = self.compiled.dialect
        found: list[_Result] = []
        for index, column in enumerate(self.selected):
            code = driver_types[index] if driver_types is not None else None
            process = column.type.dialect_impl(dialect).result_processor(dialect, code)
            if process is None:
                continue
            table = None
            if isinstance(column.type, Enum):
                table = {stored: process(stored) for stored in (None, *column.type.enums)}
            found.append((index, process, table))
        return found

    def expand(self, parameters: Mapping[str, Any]) -> tuple[str, list[Any]]:
        """The SQL and positional arguments for ``parameters``."""
        if not self.cacheable:
            expansion = self._expansion(parameters)
            return expansion.sql, expansion.bind(parameters)
        shape = tuple(
            (name, len(value) if name in self.expanding else -1)
            for name, value in parameters.items()
        )
        found = self.expansions.get(shape)
        if found is None:
            found = self.expansions[shape] = self._expansion(parameters)
        return found.sql, found.bind(parameters)

    def _expansion(self, parameters: Mapping[str, Any]) -> _Expansion:
        state = self.compiled.construct_expanded_state(dict(parameters))
        elements: dict[str, tuple[str, int]] = {}
        for escaped, names in state.parameter_expansion.items():
            name = self.unescaped.get(escaped, escaped)
            for index, expanded in enumerate(names):
                elements[expanded] = (name, index)
        arguments: list[_Argument] = []
        for position in state.positiontup or ():
            element = elements.get(position)
            if element is not None:
                expanding, index = element
                arguments.append((expanding, index, None, state.processors.get(position)))
                continue
            name = self.unescaped.get(position, position)
            process = self.binds.get(name)
            if name in parameters:
                arguments.append((name, -1, None, process))
            else:
                value = state.parameters[position]
                fixed = process(value) if process is not None else value
                arguments.append((None, -1, fixed, None))
        return _Expansion(sql=state.statement, arguments=arguments)

    def columns(self, rows: Sequence[Sequence[Any]]) -> list[Sequence[Any]]:
        """Each column of ``rows``, its result processor applied (column by column: hundreds
        of rows are processed without a Python loop per row)."""
        if not rows:
            return [() for _ in self.selected]
        columns: list[Sequence[Any]] = list(zip(*rows, strict=True))
        for index, process, table in self.results or ():
            values = columns[index]
            if table is not None and table.keys() >= set(values):
                columns[index] = list(map(table.__getitem__, values))
            else:
                columns[index] = list(map(process, values))
        return columns


class PreparedRead:
    """One read statement: ``await read.all(session, parameters)`` gives its rows, and
    ``await read.columns(session, parameters)`` the same values column by column.

    The statement selects columns (not ORM entities); the values are those
    ``session.execute`` would give, in the order the statement selects them.
    """

    __slots__ = ("_compiled", "statement")

    def __init__(self, statement: Select[Any]) -> None:
        self.statement = statement
        self._compiled: weakref.WeakKeyDictionary[Dialect, _Compiled] = weakref.WeakKeyDictionary()

    async def all(self, reader: Reader, parameters: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        return list(zip(*await self.columns(reader, parameters), strict=True))

    async def columns(self, reader: Reader, parameters: Mapping[str, Any]) -> list[Sequence[Any]]:
        """Each selected column's values, one entry per row (all of the same length)."""
        if isinstance(reader, AsyncConnection):
            connection = reader
        else:
            if reader.autoflush:
                await reader.flush()
            connection = await reader.connection()
        sync = _sync(connection)
        dialect = connection.dialect
        prepared = self._compiled.get(dialect)
        if prepared is None:
            prepared = self._compiled[dialect] = _Compiled.of(self.statement, dialect)
        if prepared.driver is None or sync.engine.echo:
            found = await reader.execute(self.statement, parameters)
            rows: Sequence[Sequence[Any]] = found.all()
            return list(zip(*rows, strict=True)) if rows else [() for _ in prepared.selected]
        sql, arguments = prepared.expand(parameters)
        for listener in sync.dispatch.before_cursor_execute:
            sql, arguments = listener(sync, None, sql, arguments, None, False)
        rows = await _fetch(connection, prepared, sql, arguments)
        return prepared.columns(rows)


def _sync(connection: AsyncConnection) -> Connection:
    sync = connection.sync_connection
    if sync is None:
        raise RuntimeError("the session's connection is closed")
    return sync


async def _fetch(
    connection: AsyncConnection, prepared: _Compiled, sql: str, arguments: list[Any]
) -> Sequence[Sequence[Any]]:
    """The rows of one round trip on ``connection``'s driver connection; a driver error is
    raised as SQLAlchemy's execution raises it (the connection invalidated on a disconnect)."""
    sync = _sync(connection)
    adapted: Any = sync.connection.dbapi_connection
    driver: Any = sync.connection.driver_connection
    try:
        try:
            if prepared.driver == "aiosqlite":
                rows: Sequence[Sequence[Any]] = await driver.execute_fetchall(sql, arguments)
            elif prepared.results is None:
                statement = await driver.prepare(sql)
                prepared.results = prepared.result_processors(
                    [attribute.type.oid for attribute in statement.get_attributes()]
                )
                rows = await statement.fetch(*arguments)
            else:
                rows = await driver.fetch(sql, *arguments)
        except Exception as error:
            # The adapter's own translation into the dialect's DBAPI exceptions.
            adapted._handle_exception(error)
    except connection.dialect.loaded_dbapi.Error as error:
        raise await _wrapped(connection, sync, sql, arguments, error) from error
    return rows


async def _wrapped(
    connection: AsyncConnection,
    sync: Connection,
    sql: str,
    arguments: list[Any],
    error: Exception,
) -> BaseException:
    dialect = connection.dialect
    disconnected = dialect.is_disconnect(cast("Any", error), sync.connection.dbapi_connection, None)
    if disconnected:
        await connection.invalidate(error)
    return DBAPIError.instance(
        sql,
        arguments,
        error,
        dialect.loaded_dbapi.Error,
        hide_parameters=sync.engine.hide_parameters,
        connection_invalidated=disconnected,
        dialect=dialect,
        ismulti=False,
    )

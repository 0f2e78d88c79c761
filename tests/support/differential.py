"""Differential execution: one request answered by graphql-core's executor and by the planned
executor (``resolvers/execution``), through the real app, compared byte for byte.

The app's schema is switched between the two executors for each request
(``Schema.execution_context_class``); everything else (the HTTP view, the context, the
extensions, error masking, the orjson encoding) is the same. A request is sent four times:
once to warm the ERP cache (so that every answer reads the same records), then once by each
executor: graphql-core's, the planned executor with its plans written out (``compiled.py``),
and the planned executor running them field by field. The bodies must be equal bytes: data,
errors (message, path, locations, extensions) and the order of every key.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from api.graphql_view import FrontdeskGraphQL
from resolvers.execution import PlannedExecutor

if TYPE_CHECKING:
    import httpx
    import strawberry
    from graphql.pyutils import Path
    from starlette.applications import Starlette

    from resolvers.execution.plan import ObjectPlan

REFERENCE = StrawberryGraphQLCoreExecutionContext
REQUEST_ID = "differential-0001"
ATTEMPTS = 4


class RecordingExecutor(PlannedExecutor):
    """The planned executor, noting for each operation whether it ran planned. Its plans are
    written out (``compiled.py``) from their first run, as a hot plan is in production."""

    outcomes: ClassVar[list[bool]] = []
    compile_after: ClassVar[int] = 0

    def plan(self) -> ObjectPlan | None:
        planned = super().plan()
        RecordingExecutor.outcomes.append(planned is not None)
        return planned


class InterpretingExecutor(RecordingExecutor):
    """The same, running every plan field by field (``_execute_fields``), as the first runs
    of a plan do in production."""

    def _run(self, plan: ObjectPlan, source: Any, path: Path | None) -> Any:
        return self._execute_fields(plan, source, path)


def view_of(app: Starlette) -> FrontdeskGraphQL:
    """The app's ``/graphql`` view."""
    for route in app.routes:
        endpoint = getattr(route, "endpoint", None) or getattr(route, "app", None)
        if isinstance(endpoint, FrontdeskGraphQL):
            return endpoint
    raise LookupError("the app has no GraphQL view")


def schema_of(app: Starlette) -> strawberry.Schema:
    """The strawberry schema the app's ``/graphql`` view executes with."""
    return view_of(app).schema  # type: ignore[return-value]


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    body: bytes
    planned: bool | None
    """Whether the planned executor ran the operation (None: the reference ran it)."""

    def pretty(self) -> str:
        try:
            return json.dumps(json.loads(self.body), indent=1, ensure_ascii=False)
        except ValueError:
            return self.body.decode(errors="replace")


@dataclass(frozen=True, slots=True)
class Mismatch:
    label: str
    reference: Answer
    planned: Answer

    def describe(self) -> str:
        diff = difflib.unified_diff(
            self.reference.pretty().splitlines(),
            self.planned.pretty().splitlines(),
            "graphql-core",
            "planned",
            lineterm="",
        )
        status = f"status {self.reference.status} vs {self.planned.status}\n"
        return f"{self.label}\n{status}" + "\n".join(list(diff)[:80])


@dataclass
class Differential:
    """Clients of one app by principal name; ``compare`` runs a request both ways."""

    schema: strawberry.Schema
    """The app's schema (``schema_of``), whose executor is switched per request."""
    clients: Mapping[str, httpx.AsyncClient]
    planned_executor: type[PlannedExecutor] = RecordingExecutor
    interpreting_executor: type[PlannedExecutor] | None = InterpretingExecutor
    """Also compared, when set: the planned executor with its plans not written out."""
    view: FrontdeskGraphQL | None = None
    """The app's ``/graphql`` view, when the test needs it."""
    mismatches: list[Mismatch] = field(default_factory=list)
    planned_runs: int = 0
    fallback_runs: int = 0

    async def answer(
        self,
        executor: type[Any],
        principal: str,
        document: str,
        variables: Mapping[str, Any] | None,
        operation_name: str | None,
    ) -> Answer:
        schema = self.schema
        schema.execution_context_class = executor
        before = len(RecordingExecutor.outcomes)
        payload: dict[str, Any] = {"query": document, "variables": dict(variables or {})}
        if operation_name is not None:
            payload["operationName"] = operation_name
        try:
            response = await self.clients[principal].post(
                "/graphql", json=payload, headers={"X-Request-ID": REQUEST_ID}
            )
        finally:
            schema.execution_context_class = self.planned_executor
        outcomes = RecordingExecutor.outcomes[before:]
        planned = outcomes[-1] if outcomes and executor is not REFERENCE else None
        return Answer(response.status_code, response.content, planned)

    async def compare(
        self,
        document: str,
        variables: Mapping[str, Any] | None = None,
        *,
        principal: str = "admin",
        operation_name: str | None = None,
        label: str = "",
    ) -> tuple[Answer, Answer]:
        """The reference answer and the planned one (after a warm-up); a difference is
        recorded in ``mismatches``.

        Some answers are not deterministic under either executor: work left to settle in the
        background after an error (graphql-core's ``settle_in_background``) may or may not
        update ``extensions.erp`` (the circuit's state, say) before the response is built. A
        pair that differs is asked again, up to ``ATTEMPTS`` times; only answers that never
        agree are a mismatch.
        """
        await self.answer(REFERENCE, principal, document, variables, operation_name)
        for _ in range(ATTEMPTS):
            reference = await self.answer(REFERENCE, principal, document, variables, operation_name)
            planned = await self.answer(
                self.planned_executor, principal, document, variables, operation_name
            )
            interpreted = planned
            if self.interpreting_executor is not None:
                interpreted = await self.answer(
                    self.interpreting_executor, principal, document, variables, operation_name
                )
            expected = (reference.status, reference.body)
            if expected == (planned.status, planned.body) == (interpreted.status, interpreted.body):
                break
        else:
            text = f"{label or document.strip()[:300]}\nas {principal} with {variables}"
            if expected == (planned.status, planned.body):
                planned, text = interpreted, f"{text}\n(plan run field by field)"
            self.mismatches.append(Mismatch(text, reference, planned))
        if planned.planned:
            self.planned_runs += 1
        else:
            self.fallback_runs += 1
        return reference, planned

    async def assert_same(
        self,
        document: str,
        variables: Mapping[str, Any] | None = None,
        *,
        principal: str = "admin",
        operation_name: str | None = None,
        label: str = "",
    ) -> Answer:
        """``compare``, failing right away on a difference; the planned answer."""
        known = len(self.mismatches)
        _, planned = await self.compare(
            document, variables, principal=principal, operation_name=operation_name, label=label
        )
        if len(self.mismatches) > known:
            raise AssertionError(self.mismatches[-1].describe())
        return planned

    def assert_no_mismatch(self) -> None:
        if self.mismatches:
            shown = "\n\n".join(m.describe() for m in self.mismatches[:5])
            raise AssertionError(
                f"{len(self.mismatches)} answers differ from graphql-core's:\n\n{shown}"
            )

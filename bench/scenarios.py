"""The benchmark's scenarios: each returns a dict that ``bench.report`` summarises.

A scenario whose Frontdesk query does not validate against the current schema (the types
have not landed on this branch) returns ``{"status": "skipped", "reason": ...}``; the
baselines and the always-available trivial Frontdesk query still run, so the harness is
proved end to end on every branch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bench.baselines.data import customer_number
from bench.client import body, frontdesk_problem, load, post
from bench.servers import rss_mb
from bench.setup import ERP_LATENCY_MS
from bench.stats import Comparison, compare_interleaved

if TYPE_CHECKING:
    from collections.abc import Callable

    from bench.loadgen import LoadResult
    from bench.servers import Server
    from bench.setup import FrontdeskSetup

INTERACTIONS = 5
PAGE_SIZES = (10, 100, 500)


@dataclass
class Plan:
    """Durations and repetitions; ``quick`` shrinks them for a smoke run."""

    rounds: int = 5
    duration_s: float = 2.0
    warmup_s: float = 0.5
    connections: int = 10
    page_duration_s: float = 3.0
    page_connections: int = 2
    page_min_requests: int = 6
    """Large pages take tens of milliseconds each: two closed-loop connections keep one
    worker busy (one queued while one is served), more would only queue, and longer runs
    give enough answers per run."""
    latency_requests: int = 100
    memory_requests: int = 10_000


@dataclass
class Context:
    """What every scenario may use: the plan, the servers by name, the Frontdesk setup."""

    plan: Plan
    setup: FrontdeskSetup
    servers: dict[str, Server]
    restart: Callable[[str], Server]
    """Restart a server by name (fresh process, cold caches) and return it."""
    numbers: list[str] = field(default_factory=list)


def skipped(reason: str) -> dict[str, Any]:
    return {"status": "skipped", "reason": reason}


def _first_problem(*names: str) -> str | None:
    for name in names:
        problem = frontdesk_problem(name)
        if problem:
            return problem
    return None


def _throughput(
    ctx: Context,
    server: str,
    bodies: list[str],
    headers: dict[str, str] | None = None,
    *,
    long: bool = False,
) -> Callable[[], float]:
    plan = ctx.plan

    def run() -> float:
        result = load(
            ctx.servers[server],
            bodies,
            connections=plan.page_connections if long else plan.connections,
            duration_s=plan.page_duration_s if long else plan.duration_s,
            warmup_s=2 * plan.warmup_s if long else plan.warmup_s,
            min_requests=plan.page_min_requests if long else 1,
            headers=headers,
        )
        return result.rps

    return run


def generator_ceiling(ctx: Context) -> dict[str, Any]:
    """How fast the generator drives the fastest server, and its CPU per request."""
    bodies = [body("trivial_customer", {"number": customer_number(i)}) for i in range(1, 51)]
    runs: list[LoadResult] = []
    for _ in range(ctx.plan.rounds):
        runs.append(
            load(
                ctx.servers["raw"],
                bodies,
                connections=ctx.plan.connections,
                duration_s=ctx.plan.duration_s,
                warmup_s=ctx.plan.warmup_s,
            )
        )
    best = max(runs, key=lambda r: r.rps)
    cpu_us = [r.cpu_s / r.requests * 1e6 for r in runs]
    cpu_us.sort()
    median_us = cpu_us[len(cpu_us) // 2]
    return {
        "status": "ok",
        "raw_starlette_rps": [round(r.rps) for r in runs],
        "generator_cpu_share": [round(r.cpu_s / r.elapsed_s, 3) for r in runs],
        "generator_cpu_us_per_request": round(median_us, 1),
        "generator_ceiling_rps": round(1e6 / median_us) if median_us else None,
        "best_rps": round(best.rps),
    }


def harness_self_check(ctx: Context) -> dict[str, Any]:
    """Baseline against itself (two processes, same app): the ratio shows the noise."""
    bodies = [body("trivial_customer", {"number": customer_number(i)}) for i in range(1, 51)]
    comparison = compare_interleaved(
        "req/s",
        _throughput(ctx, "stock", bodies),
        _throughput(ctx, "stock_twin", bodies),
        ctx.plan.rounds,
    )
    return {"status": "ok", "stock_vs_stock": comparison.as_dict()}


def frontdesk_trivial(ctx: Context) -> dict[str, Any]:
    """Frontdesk's trivial query vs baseline (a): the full HTTP and schema path, no data."""
    problem = _first_problem("frontdesk_trivial")
    if problem:
        return skipped(problem)
    subject = [body("frontdesk_trivial", {"probe": True})]
    baseline = [body("trivial_customer", {"number": customer_number(i)}) for i in range(1, 51)]
    comparison = compare_interleaved(
        "req/s",
        _throughput(ctx, "frontdesk", subject, ctx.setup.headers),
        _throughput(ctx, "stock", baseline),
        ctx.plan.rounds,
    )
    return {"status": "ok", "throughput": comparison.as_dict()}


def erp_calls_per_level(ctx: Context) -> dict[str, Any]:
    """Scenario 1: ERP calls and SQL statements per request for pages of 10, 100, 500."""
    problem = _first_problem("customers_page")
    if problem:
        return skipped(problem)
    levels: dict[str, Any] = {}
    # One fresh process; each page starts after the previous one, so that no customer (and
    # no search) of a page is in the cache when it is first asked: 10 + 100 + 500 customers.
    server = ctx.restart("frontdesk_counters")
    after = None
    for size in PAGE_SIZES:
        variables = {"first": size, "after": after, "interactions": INTERACTIONS}
        payload = body("customers_page", variables)
        cold = post(server, payload, ctx.setup.headers)
        warm = post(server, payload, ctx.setup.headers)
        connection = cold["data"]["customers"]
        levels[str(size)] = {
            "customers": len(connection["edges"]),
            "first": connection["edges"][0]["node"]["number"],
            "uncached": _counters(cold),
            "cached": _counters(warm),
        }
        after = connection["pageInfo"]["endCursor"]
    return {"status": "ok", "levels": levels}


def _counters(answer: dict[str, Any]) -> dict[str, Any]:
    counters = (answer.get("extensions") or {}).get("counters")
    if counters is None:
        raise RuntimeError("no extensions.counters: is FRONTDESK_DEBUG_COUNTERS wired?")
    return {"erpCalls": counters["erpCalls"], "sqlStatements": counters["sqlStatements"]}


def uncached_latency(ctx: Context) -> dict[str, Any]:
    """Scenario 2: one connection, every request a customer not seen before, ERP at 20 ms."""
    problem = _first_problem("customer_realistic")
    if problem:
        return skipped(problem)
    if not ctx.numbers:
        return skipped("no customer numbers: the demo data is not seeded on this branch")
    plan = ctx.plan
    per_run = min(plan.latency_requests, len(ctx.numbers) // plan.rounds)
    subject_bodies = [
        body("customer_realistic", {"number": n, "interactions": INTERACTIONS}) for n in ctx.numbers
    ]
    baseline_bodies = [body("trivial_customer", {"number": n}) for n in ctx.numbers]
    runs: dict[str, list[LoadResult]] = {"frontdesk": [], "erp_only": []}
    for r in range(plan.rounds):
        for name, bodies in (("frontdesk", subject_bodies), ("erp_only", baseline_bodies)):
            runs[name].append(
                load(
                    ctx.servers[name],
                    bodies,
                    connections=1,
                    duration_s=120,
                    warmup_s=0,
                    max_requests=per_run,
                    start_index=r * per_run,
                    headers=ctx.setup.headers if name == "frontdesk" else None,
                )
            )
    p50 = Comparison(
        "p50 ms",
        tuple(x.p50_ms for x in runs["frontdesk"]),
        tuple(x.p50_ms for x in runs["erp_only"]),
    )
    p99 = Comparison(
        "p99 ms",
        tuple(x.p99_ms for x in runs["frontdesk"]),
        tuple(x.p99_ms for x in runs["erp_only"]),
    )
    delay = float(ERP_LATENCY_MS)
    return {
        "status": "ok",
        "erp_delay_ms": delay,
        "requests_per_run": per_run,
        "p50_vs_erp_alone": p50.as_dict(),
        "p99_vs_erp_alone": p99.as_dict(),
        "p50_ratio_to_erp_delay": round(p50.subject / delay, 3),
    }


def cached_throughput(ctx: Context) -> dict[str, Any]:
    """Scenario 3: the realistic query from cache, 10 connections, vs baseline (a)."""
    problem = _first_problem("customer_realistic")
    if problem:
        return skipped(problem)
    if not ctx.numbers:
        return skipped("no customer numbers: the demo data is not seeded on this branch")
    hot = ctx.numbers[:50]
    subject = [body("customer_realistic", {"number": n, "interactions": INTERACTIONS}) for n in hot]
    baseline = [body("trivial_customer", {"number": customer_number(i)}) for i in range(1, 51)]
    comparison = compare_interleaved(
        "req/s",
        _throughput(ctx, "frontdesk", subject, ctx.setup.headers),
        _throughput(ctx, "stock", baseline),
        ctx.plan.rounds,
    )
    return {"status": "ok", "throughput": comparison.as_dict()}


def large_pages(ctx: Context) -> dict[str, Any]:
    """Scenario 4: pages of 100 and 500 from cache vs baseline (b), the naive types."""
    problem = _first_problem("customers_page")
    if problem:
        return skipped(problem)
    result: dict[str, Any] = {"status": "ok"}
    for size in (100, 500):
        payload = [body("customers_page", {"first": size, "interactions": INTERACTIONS})]
        comparison = compare_interleaved(
            "req/s",
            _throughput(ctx, "frontdesk", payload, ctx.setup.headers, long=True),
            _throughput(ctx, "naive", payload, long=True),
            ctx.plan.rounds,
        )
        result[f"page_{size}"] = comparison.as_dict()
    return result


def naive_pages(ctx: Context) -> dict[str, Any]:
    """Baseline (b) alone: its page throughput, so its figures exist on every branch."""
    result: dict[str, Any] = {"status": "ok"}
    for size in (100, 500):
        payload = [body("customers_page", {"first": size, "interactions": INTERACTIONS})]
        answer = post(ctx.servers["naive"], payload[0])
        measure = _throughput(ctx, "naive", payload, long=True)
        runs = tuple(measure() for _ in range(ctx.plan.rounds))
        result[f"page_{size}"] = {
            "customers": len(answer["data"]["customers"]["edges"]),
            "rps_runs": [round(r, 2) for r in runs],
        }
    return result


@dataclass(frozen=True)
class Tuning:
    """A production setting the benchmark checks pays: Frontdesk as shipped against the same
    server with ``off`` in its environment, on the scenario query it is meant to help."""

    name: str
    off: dict[str, str]
    query: str
    long: bool = False

    @property
    def server(self) -> str:
        return f"frontdesk_without_{self.name}"


TUNINGS = (
    Tuning("api_key_cache", {"FRONTDESK_API_KEY_CACHE_SECONDS": "0"}, "customer_realistic"),
    Tuning("plain_queries", {"FRONTDESK_PLAIN_QUERIES": "false"}, "customer_realistic"),
    Tuning("gc_tuning", {"FRONTDESK_GC_TUNING": "false"}, "customers_page", long=True),
    Tuning(
        "planned_execution",
        {"FRONTDESK_PLANNED_EXECUTION": "false"},
        "customers_page",
        long=True,
    ),
)


def _tuning_bodies(ctx: Context, query: str) -> list[str]:
    if query == "customers_page":
        return [body(query, {"first": 100, "interactions": INTERACTIONS})]
    return [body(query, {"number": n, "interactions": INTERACTIONS}) for n in ctx.numbers[:50]]


def tuning(ctx: Context) -> dict[str, Any]:
    """Each tuning of ``TUNINGS`` kept only if it pays: req/s with it (subject) and without
    it (baseline), same query, same run; a ratio above 1 is what the tuning buys."""
    result: dict[str, Any] = {"status": "ok"}
    for each in TUNINGS:
        problem = _first_problem(each.query)
        if problem or not ctx.numbers:
            result[each.name] = {"status": "skipped", "reason": problem or "no customers"}
            continue
        bodies = _tuning_bodies(ctx, each.query)
        comparison = compare_interleaved(
            "req/s",
            _throughput(ctx, "frontdesk", bodies, ctx.setup.headers, long=each.long),
            _throughput(ctx, each.server, bodies, ctx.setup.headers, long=each.long),
            ctx.plan.rounds,
        )
        result[each.name] = comparison.as_dict()
    return result


MEMORY_READINGS = 10
"""RSS readings over the memory scenario's requests (every 1,000 of 10,000)."""


def memory(ctx: Context) -> dict[str, Any]:
    """Scenario 5: RSS of one worker every 1,000 of 10,000 mixed requests; the headline is
    the growth between the 5,000th and the 10,000th, with the slope over that half."""
    mix: list[tuple[str, dict[str, object]]] = [("frontdesk_trivial", {"probe": True})]
    if not _first_problem("customer_realistic") and ctx.numbers:
        mix = [
            ("customer_realistic", {"number": n, "interactions": INTERACTIONS})
            for n in ctx.numbers[:200]
        ] + mix * 20
    if not _first_problem("customers_page"):
        mix += [("customers_page", {"first": 10, "interactions": INTERACTIONS})] * 5
    bodies = [body(name, variables) for name, variables in mix]
    server = ctx.restart("frontdesk")
    total = ctx.plan.memory_requests
    step = max(total // MEMORY_READINGS, 1)
    readings = [(0, rss_mb(server.pid))]
    while readings[-1][0] < total:
        done = readings[-1][0]
        count = min(step, total - done)
        load(
            server,
            bodies,
            connections=ctx.plan.connections,
            duration_s=300,
            warmup_s=0,
            max_requests=count,
            start_index=done,
            headers=ctx.setup.headers,
        )
        readings.append((done + count, rss_mb(server.pid)))
    rss = dict(readings)
    half = min(rss, key=lambda n: abs(n - total // 2))
    second_half = [(n, mb) for n, mb in readings if n >= half]
    return {
        "status": "ok",
        "queries": sorted({name for name, _ in mix}),
        "requests": total,
        "rss_mb": {
            "start": round(rss[0], 1),
            "half": round(rss[half], 1),
            "end": round(rss[total], 1),
        },
        "readings_mb": {str(n): round(mb, 1) for n, mb in readings},
        "growth_mb": round(rss[total] - rss[half], 2),
        "slope_mb_per_1k_second_half": round(1000 * _slope(second_half), 3),
    }


def _slope(points: list[tuple[int, float]]) -> float:
    """Least-squares slope of ``points`` (MiB per request): a leak is a steady slope, the
    allocator's growth a few steps."""
    if len(points) < 2:
        return 0.0
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / spread if spread else 0.0

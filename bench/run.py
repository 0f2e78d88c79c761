"""``make bench``: start the servers, run every scenario, write and print the results.

Every server is a separate uvicorn process with one worker pinned to CPU 0; every load run
is a separate generator process pinned to CPU 1. Results go to ``bench/results/latest.json``
and ``latest.md``, and the table to stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import tempfile
import time
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench import scenarios
from bench.client import body, frontdesk_problem, post
from bench.report import build_result, markdown_table
from bench.servers import ROOT, Server
from bench.setup import ERP_LATENCY_MS, prepare_frontdesk

if TYPE_CHECKING:
    from collections.abc import Callable

    from bench.setup import FrontdeskSetup

RESULTS = Path(__file__).resolve().parent / "results"
DISCOVERY_PAGE = 500
DISCOVERY_LIMIT = 2000


def server_specs(setup: FrontdeskSetup) -> dict[str, tuple[str, dict[str, str]]]:
    """Every server the benchmark may start: name -> (uvicorn factory, environment)."""
    return {
        "raw": ("bench.baselines.raw:create", {}),
        "stock": ("bench.baselines.stock:create", {}),
        "stock_twin": ("bench.baselines.stock:create", {}),
        "naive": ("bench.baselines.naive:create", {}),
        "erp_only": (
            "bench.baselines.erp_only:create",
            {"BENCH_ERP_LATENCY_MS": str(ERP_LATENCY_MS)},
        ),
        "frontdesk": (
            "api.asgi:app_from_environment",
            setup.server_env(erp_latency_ms=ERP_LATENCY_MS, debug_counters=False),
        ),
        "frontdesk_counters": (
            "api.asgi:app_from_environment",
            setup.server_env(erp_latency_ms=ERP_LATENCY_MS, debug_counters=True),
        ),
        **{
            each.server: (
                "api.asgi:app_from_environment",
                {
                    **setup.server_env(erp_latency_ms=ERP_LATENCY_MS, debug_counters=False),
                    **each.off,
                },
            )
            for each in scenarios.TUNINGS
        },
    }


class Servers(dict[str, Server]):
    """Servers started on first use, restarted on demand, all stopped at the end."""

    def __init__(self, specs: dict[str, tuple[str, dict[str, str]]], log_dir: Path) -> None:
        super().__init__()
        self._specs = specs
        self._log_dir = log_dir

    def __missing__(self, name: str) -> Server:
        target, env = self._specs[name]
        server = Server(name, target, env).start(self._log_dir)
        self[name] = server
        return server

    def restart(self, name: str) -> Server:
        if name in self:
            self.pop(name).stop()
        return self[name]

    def stop_all(self) -> None:
        for server in self.values():
            server.stop()
        self.clear()


def discover_numbers(ctx: scenarios.Context) -> list[str]:
    """The seeded customers' numbers, read through Frontdesk (a server restarted afterwards)."""
    if ctx.setup.customer_numbers:
        return list(ctx.setup.customer_numbers)
    if frontdesk_problem("customer_numbers"):
        return []
    server = ctx.servers["frontdesk_counters"]
    numbers: list[str] = []
    after = None
    while len(numbers) < DISCOVERY_LIMIT:
        variables = {"first": DISCOVERY_PAGE, "after": after}
        page = post(server, body("customer_numbers", variables), ctx.setup.headers)
        connection = page["data"]["customers"]
        numbers += [edge["node"]["number"] for edge in connection["edges"]]
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]
    ctx.restart("frontdesk_counters")
    return numbers


def machine() -> str:
    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    return f"{os.cpu_count()} x {model}, {platform.system()} {platform.release()}"


def git_commit() -> str | None:
    done = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, cwd=ROOT, check=False
    )
    return done.stdout.decode().strip() or None


def run_all(plan: scenarios.Plan, only: list[str] | None = None) -> dict[str, Any]:
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="frontdesk-bench-") as tmp:
        workdir = Path(tmp)
        setup = prepare_frontdesk(workdir)
        servers = Servers(server_specs(setup), workdir)
        ctx = scenarios.Context(plan=plan, setup=setup, servers=servers, restart=servers.restart)
        order: list[tuple[str, Callable[[scenarios.Context], dict[str, Any]]]] = [
            ("generator_ceiling", scenarios.generator_ceiling),
            ("harness_self_check", scenarios.harness_self_check),
            ("frontdesk_trivial", scenarios.frontdesk_trivial),
            ("erp_calls_per_level", scenarios.erp_calls_per_level),
            ("uncached_latency", scenarios.uncached_latency),
            ("cached_throughput", scenarios.cached_throughput),
            ("large_pages", scenarios.large_pages),
            ("naive_pages", scenarios.naive_pages),
            ("tuning", scenarios.tuning),
            ("memory", scenarios.memory),
        ]
        results: dict[str, dict[str, Any]] = {}
        try:
            ctx.numbers = discover_numbers(ctx)
            for name, scenario in order:
                if only and name not in only:
                    continue
                if name == "naive_pages" and results.get("large_pages", {}).get("status") == "ok":
                    continue
                print(f"-- {name}", flush=True)
                try:
                    results[name] = scenario(ctx)
                except Exception as exc:
                    traceback.print_exc()
                    results[name] = {"status": "failed", "reason": f"{type(exc).__name__}: {exc}"}
                print(f"   {json.dumps(results[name])[:300]}", flush=True)
        finally:
            servers.stop_all()
    meta = {
        "machine": machine(),
        "python": platform.python_version(),
        "commit": git_commit(),
        "rounds": plan.rounds,
        "duration_s": plan.duration_s,
        "connections": plan.connections,
        "elapsed_s": round(time.monotonic() - started, 1),
        "loadavg_at_end": os.getloadavg(),
        "setup_notes": setup.notes,
        "customers_seen": len(ctx.numbers),
    }
    return build_result(meta, results)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="short runs (a smoke test)")
    parser.add_argument("--only", nargs="*", help="run only these scenarios")
    parser.add_argument("--output", type=Path, default=RESULTS / "latest.json")
    args = parser.parse_args(argv)
    plan = scenarios.Plan()
    if args.quick:
        plan = scenarios.Plan(
            rounds=2, duration_s=1.0, warmup_s=0.2, page_duration_s=2.5, memory_requests=2000
        )
    result = run_all(plan, args.only)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    table = markdown_table(result)
    args.output.with_suffix(".md").write_text(table, encoding="utf-8")
    print()
    print(table)
    failed = [name for name, s in result["scenarios"].items() if s.get("status") == "failed"]
    return 1 if failed else 0

"""Turning scenario results into ``latest.json`` (headline keys plus detail) and a table."""

from __future__ import annotations

from typing import Any

HEADLINE_KEYS = (
    "erp_calls_per_level",
    "uncached_p50_ratio",
    "cached_throughput_ratio",
    "large_page_speedup_100",
    "rss_growth_mb",
)

GOALS = {
    "erp_calls_per_level": "1 uncached and 0 cached ERP calls for every N; SQL constant in N",
    "uncached_p50_ratio": "<= 1.10 (Frontdesk p50 / ERP delay)",
    "cached_throughput_ratio": ">= 2.0 (vs stock strawberry, trivial query)",
    "large_page_speedup_100": ">= 3.0 (vs naive strawberry, same types)",
    "rss_growth_mb": "no growth beyond noise between requests 5,000 and 10,000",
}


def _ok(scenario: dict[str, Any] | None) -> bool:
    return scenario is not None and scenario.get("status") == "ok"


def headline(scenarios: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The five figures the issue asks for; None where the scenario was skipped."""
    calls = scenarios.get("erp_calls_per_level")
    latency = scenarios.get("uncached_latency")
    cached = scenarios.get("cached_throughput")
    pages = scenarios.get("large_pages")
    mem = scenarios.get("memory")
    return {
        "erp_calls_per_level": calls["levels"] if calls and _ok(calls) else None,
        "uncached_p50_ratio": latency["p50_ratio_to_erp_delay"]
        if latency and _ok(latency)
        else None,
        "cached_throughput_ratio": cached["throughput"]["ratio"]
        if cached and _ok(cached)
        else None,
        "large_page_speedup_100": pages["page_100"]["ratio"] if pages and _ok(pages) else None,
        "rss_growth_mb": mem["growth_mb"] if mem and _ok(mem) else None,
    }


def build_result(meta: dict[str, Any], scenarios: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The document written to ``bench/results/latest.json``."""
    return {**headline(scenarios), "goals": GOALS, "meta": meta, "scenarios": scenarios}


def _fmt(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"
    return str(value)


def _comparison_row(label: str, comparison: dict[str, Any]) -> list[str]:
    return [
        label,
        f"{_fmt(comparison['subject'])} {comparison['metric']}",
        f"{_fmt(comparison['baseline'])} {comparison['metric']}",
        _fmt(comparison["ratio"]),
    ]


def table_rows(scenarios: dict[str, dict[str, Any]]) -> list[list[str]]:
    """One row per figure: what, subject, baseline, ratio (or the skip reason)."""
    rows: list[list[str]] = []
    for name, scenario in scenarios.items():
        if not _ok(scenario):
            status = scenario.get("status", "?")
            rows.append([name, f"{status}: {scenario.get('reason', '?')}", "", ""])
            continue
        for key, value in scenario.items():
            if isinstance(value, dict) and {"subject", "baseline", "ratio"} <= value.keys():
                rows.append(_comparison_row(f"{name}.{key}", value))
        if name == "generator_ceiling":
            rows.append(
                [
                    name,
                    f"{_fmt(scenario['generator_ceiling_rps'])} req/s generator CPU ceiling",
                    f"{_fmt(scenario['best_rps'])} req/s raw Starlette (best run)",
                    "",
                ]
            )
        elif name == "erp_calls_per_level":
            for size, level in scenario["levels"].items():
                rows.append(
                    [
                        f"{name}.{size}",
                        f"uncached {level['uncached']}",
                        f"cached {level['cached']}",
                        "",
                    ]
                )
        elif name == "uncached_latency":
            rows.append(
                [
                    f"{name}.p50/erp",
                    "",
                    f"{scenario['erp_delay_ms']} ms delay",
                    _fmt(scenario["p50_ratio_to_erp_delay"]),
                ]
            )
        elif name == "memory":
            rss = scenario["rss_mb"]
            slope = scenario.get("slope_mb_per_1k_second_half")
            rows.append(
                [
                    name,
                    f"RSS {rss['start']} -> {rss['half']} -> {rss['end']} MiB",
                    f"growth 5k->10k {scenario['growth_mb']} MiB"
                    + (f" (slope {slope} MiB per 1k)" if slope is not None else ""),
                    "",
                ]
            )
        elif name == "naive_pages":
            for key in ("page_100", "page_500"):
                rows.append([f"{name}.{key}", f"{scenario[key]['rps_runs']} req/s", "", ""])
    return rows


def markdown_table(result: dict[str, Any]) -> str:
    lines = [
        "| figure | Frontdesk (subject) | baseline | ratio |",
        "|---|---|---|---|",
    ]
    for row in table_rows(result["scenarios"]):
        lines.append("| " + " | ".join(cell.replace("|", "/") for cell in row) + " |")
    lines.append("")
    lines.append("| headline | value | goal |")
    lines.append("|---|---|---|")
    for key in HEADLINE_KEYS:
        lines.append(f"| `{key}` | {_fmt(result[key])} | {GOALS[key]} |")
    meta = result["meta"]
    lines.append("")
    lines.append(
        f"Machine: {meta.get('machine', '?')}; {meta.get('rounds', '?')} interleaved rounds of "
        f"{meta.get('duration_s', '?')} s; total {meta.get('elapsed_s', '?')} s."
    )
    return "\n".join(lines) + "\n"

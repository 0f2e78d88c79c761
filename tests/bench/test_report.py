"""The shape of ``latest.json`` and the table, from scenario results of known values."""

from __future__ import annotations

import json

from bench.report import HEADLINE_KEYS, build_result, markdown_table

COMPARISON = {
    "metric": "req/s",
    "subject": 2000.0,
    "baseline": 500.0,
    "ratio": 4.0,
    "subject_runs": [1900.0, 2000.0, 2100.0],
    "baseline_runs": [500.0, 480.0, 520.0],
}
META = {"machine": "2 x test CPU", "rounds": 3, "duration_s": 3.0, "elapsed_s": 200.0}


def _all_ok() -> dict[str, dict[str, object]]:
    levels = {
        "10": {
            "customers": 10,
            "uncached": {"erpCalls": 1, "sqlStatements": 2},
            "cached": {"erpCalls": 0, "sqlStatements": 2},
        }
    }
    return {
        "erp_calls_per_level": {"status": "ok", "levels": levels},
        "uncached_latency": {
            "status": "ok",
            "erp_delay_ms": 20.0,
            "p50_vs_erp_alone": {**COMPARISON, "metric": "p50 ms"},
            "p50_ratio_to_erp_delay": 1.07,
        },
        "cached_throughput": {"status": "ok", "throughput": COMPARISON},
        "large_pages": {"status": "ok", "page_100": COMPARISON, "page_500": COMPARISON},
        "memory": {
            "status": "ok",
            "rss_mb": {"start": 80.0, "half": 90.0, "end": 90.5},
            "growth_mb": 0.5,
        },
    }


def test_headline_keys_carry_the_scenarios_figures() -> None:
    result = build_result(META, _all_ok())
    assert result["erp_calls_per_level"]["10"]["uncached"] == {"erpCalls": 1, "sqlStatements": 2}
    assert result["uncached_p50_ratio"] == 1.07
    assert result["cached_throughput_ratio"] == 4.0
    assert result["large_page_speedup_100"] == 4.0
    assert result["rss_growth_mb"] == 0.5
    assert result["meta"] == META
    json.dumps(result)  # the document must serialise as it is


def test_skipped_scenarios_give_null_headlines_and_a_reason_in_the_table() -> None:
    scenarios = {
        "cached_throughput": {"status": "skipped", "reason": "no Customer type yet"},
        "memory": {"status": "failed", "reason": "RuntimeError: boom"},
    }
    result = build_result(META, scenarios)
    assert all(result[key] is None for key in HEADLINE_KEYS)
    table = markdown_table(result)
    assert "| cached_throughput | skipped: no Customer type yet |" in table
    assert "| memory | failed: RuntimeError: boom |" in table


def test_table_shows_subject_baseline_and_ratio() -> None:
    table = markdown_table(build_result(META, _all_ok()))
    assert "| cached_throughput.throughput | 2,000 req/s | 500 req/s | 4.00 |" in table
    assert "| `large_page_speedup_100` | 4.00 |" in table
    assert "2 x test CPU" in table

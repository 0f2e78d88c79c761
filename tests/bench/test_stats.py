"""The benchmark's arithmetic: percentiles, medians, ratios and the interleaved order."""

from __future__ import annotations

import pytest

from bench.stats import Comparison, compare_interleaved, interleave, median, percentile, ratio


def test_percentile_interpolates_between_ranks() -> None:
    values = [10.0, 20.0, 30.0, 40.0, 50.0]
    assert percentile(values, 0) == 10.0
    assert percentile(values, 50) == 30.0
    assert percentile(values, 100) == 50.0
    assert percentile(values, 90) == pytest.approx(46.0)
    assert percentile([7.0], 99) == 7.0


def test_percentile_refuses_nonsense() -> None:
    with pytest.raises(ValueError, match="no values"):
        percentile([], 50)
    with pytest.raises(ValueError, match="within"):
        percentile([1.0], 101)


def test_median_and_ratio() -> None:
    assert median([3.0, 1.0, 2.0]) == 2.0
    assert median([4.0, 1.0, 2.0, 3.0]) == 2.5
    assert ratio(3.0, 2.0) == 1.5
    assert ratio(1.0, 3.0) == 0.333
    assert ratio(1.0, 0.0) is None


def test_interleave_alternates_subjects_round_by_round() -> None:
    assert interleave(["A", "B"], 3) == [
        (0, "A"),
        (0, "B"),
        (1, "A"),
        (1, "B"),
        (2, "A"),
        (2, "B"),
    ]
    with pytest.raises(ValueError, match="rounds"):
        interleave(["A"], 0)


def test_compare_interleaved_runs_in_alternation_and_takes_medians() -> None:
    calls: list[str] = []
    subject_values = iter([100.0, 300.0, 200.0])
    baseline_values = iter([50.0, 40.0, 60.0])

    def subject() -> float:
        calls.append("A")
        return next(subject_values)

    def baseline() -> float:
        calls.append("B")
        return next(baseline_values)

    comparison = compare_interleaved("req/s", subject, baseline, 3)
    assert calls == ["A", "B", "A", "B", "A", "B"]
    assert comparison.subject == 200.0
    assert comparison.baseline == 50.0
    assert comparison.ratio == 4.0
    assert comparison.as_dict() == {
        "metric": "req/s",
        "subject": 200.0,
        "baseline": 50.0,
        "ratio": 4.0,
        "subject_runs": [100.0, 300.0, 200.0],
        "baseline_runs": [50.0, 40.0, 60.0],
    }


def test_comparison_against_a_zero_baseline_has_no_ratio() -> None:
    assert Comparison("x", (1.0,), (0.0,)).ratio is None


def test_the_memory_slope_tells_a_steady_climb_from_a_flat_line() -> None:
    from bench.scenarios import _slope

    leak = [(n, 100 + 0.5 * n / 1000) for n in range(5000, 10001, 1000)]
    flat = [(n, 100.0) for n in range(5000, 10001, 1000)]
    assert round(1000 * _slope(leak), 3) == 0.5
    assert _slope(flat) == 0.0
    assert _slope(flat[:1]) == 0.0

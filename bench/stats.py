"""The arithmetic of the benchmark: percentiles, medians, ratios and interleaved schedules.

The machine is shared and noisy, so every figure is the median of several runs, and the runs
of a subject and its baseline alternate (A B A B ...) so that a slow patch hurts both.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

T = TypeVar("T")


def percentile(sorted_values: Sequence[float], pct: float) -> float:
    """The ``pct`` percentile of already sorted values, by linear interpolation."""
    if not sorted_values:
        raise ValueError("no values")
    if not 0 <= pct <= 100:
        raise ValueError("pct must be within 0..100")
    rank = (len(sorted_values) - 1) * pct / 100
    low = math.floor(rank)
    high = math.ceil(rank)
    if low == high:
        return float(sorted_values[low])
    fraction = rank - low
    return float(sorted_values[low] * (1 - fraction) + sorted_values[high] * fraction)


def median(values: Sequence[float]) -> float:
    if not values:
        raise ValueError("no values")
    return float(statistics.median(values))


def ratio(numerator: float, denominator: float) -> float | None:
    """``numerator / denominator`` rounded to 3 places; None when the baseline is zero."""
    if denominator == 0:
        return None
    return round(numerator / denominator, 3)


def interleave(subjects: Sequence[T], rounds: int) -> list[tuple[int, T]]:
    """The order of runs: every subject once per round, rounds one after another.

    >>> interleave(["A", "B"], 2)
    [(0, 'A'), (0, 'B'), (1, 'A'), (1, 'B')]
    """
    if rounds < 1:
        raise ValueError("rounds must be at least 1")
    return [(r, subject) for r in range(rounds) for subject in subjects]


@dataclass(frozen=True, slots=True)
class Comparison:
    """One subject against its baseline: the runs, their medians, and the ratio."""

    metric: str
    subject_runs: tuple[float, ...]
    baseline_runs: tuple[float, ...]

    @property
    def subject(self) -> float:
        return median(self.subject_runs)

    @property
    def baseline(self) -> float:
        return median(self.baseline_runs)

    @property
    def ratio(self) -> float | None:
        return ratio(self.subject, self.baseline)

    def as_dict(self) -> dict[str, object]:
        return {
            "metric": self.metric,
            "subject": round(self.subject, 3),
            "baseline": round(self.baseline, 3),
            "ratio": self.ratio,
            "subject_runs": [round(v, 3) for v in self.subject_runs],
            "baseline_runs": [round(v, 3) for v in self.baseline_runs],
        }


def compare_interleaved(
    metric: str,
    subject: Callable[[], float],
    baseline: Callable[[], float],
    rounds: int,
) -> Comparison:
    """Run subject and baseline alternately ``rounds`` times each and compare the medians."""
    runs: dict[str, list[float]] = {"subject": [], "baseline": []}
    measure = {"subject": subject, "baseline": baseline}
    for _, name in interleave(["subject", "baseline"], rounds):
        runs[name].append(measure[name]())
    return Comparison(metric, tuple(runs["subject"]), tuple(runs["baseline"]))

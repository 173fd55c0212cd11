"""Pieces every panel uses: quantiles out of a row, rating shares, p75 confidence bounds."""

from __future__ import annotations

import math
from typing import TypedDict

from dashboard.metrics import BY_NAME, HIST_BUCKETS
from dashboard.querylayer import Row
from vitalscope.vitals import Rating, log_buckets, rate

# Fewer samples than this and a segment is flagged: its p75 is not a finding yet.
LOW_SAMPLES = 30
# Lists over values a site chooses (breakdown values, server-timing names, releases) show
# the TOP_N with most samples; the rest is one `(other)` row (docs/dashboard.md), so an
# answer stays small whatever a site sent.
TOP_N = 100
OTHER = "(other)"
Z95 = 1.959964


class Quantiles(TypedDict):
    p50: float | None
    p75: float | None
    p90: float | None
    p95: float | None


class Shares(TypedDict):
    samples: int
    good: int
    good_share: float | None
    needs_improvement: int
    needs_improvement_share: float | None
    poor: int
    poor_share: float | None


class MetricSummary(TypedDict):
    """One vital over a window: quantiles, the p75's rating, rating counts and shares."""

    metric: str
    unit: str
    p50: float | None
    p75: float | None
    p90: float | None
    p95: float | None
    rating: Rating | None
    samples: int
    good: int
    good_share: float | None
    needs_improvement: int
    needs_improvement_share: float | None
    poor: int
    poor_share: float | None


def named(row: Row) -> Row:
    """A row of the server-timing top-N queries with `source` and `name` (`(other)` for the
    pairs past the top N)."""
    out = {k: v for k, v in row.items() if k not in ("source_shown", "name_shown")}
    return {"source": row["source_shown"], "name": row["name_shown"], **out}


def quantiles(row: Row | None) -> Quantiles:
    q = (row or {}).get("q") or [None, None, None, None]
    if not row or not row.get("samples"):
        return {"p50": None, "p75": None, "p90": None, "p95": None}
    return {"p50": q[0], "p75": q[1], "p90": q[2], "p95": q[3]}


def shares(row: Row | None) -> Shares:
    samples = int((row or {}).get("samples") or 0)
    good, needs_improvement, poor = (int((row or {}).get(name) or 0)
                                     for name in ("good", "needs_improvement", "poor"))

    def share(count: int) -> float | None:
        return count / samples if samples else None

    return {"samples": samples, "good": good, "good_share": share(good),
            "needs_improvement": needs_improvement,
            "needs_improvement_share": share(needs_improvement), "poor": poor,
            "poor_share": share(poor)}


def metric_summary(metric: str, row: Row | None) -> MetricSummary:
    q = quantiles(row)
    return {"metric": metric, "unit": BY_NAME[metric].unit, **q,
            "rating": rate(metric, q["p75"]), **shares(row)}


def log_counts(row: Row | None) -> dict[int, int]:
    """A row's merged counts per logarithmic bucket (`lh`, vitalscope.vitals.log_buckets)."""
    return {int(k): int(v) for k, v in ((row or {}).get("lh") or {}).items()}


def histogram_counts(metric: str, counts: dict[int, int]) -> list[int]:
    """The overview histogram: fixed-width bins of the metric's `hist_step`, drawn from the
    log-bucket counts (a sample within 0.25 % of a bin edge may land in the next bin)."""
    return log_buckets.linear_counts(counts, BY_NAME[metric].hist_step, HIST_BUCKETS)


def p75_interval(counts: dict[int, int], p75: float | None,
                 level: float = 0.75) -> tuple[float | None, float | None]:
    """95 % distribution-free confidence interval of the p75 (order statistics around rank
    n*p, binomial normal approximation), read off the log-bucket counts: each bound is
    within 0.25 % of the sample at its rank."""
    n = sum(counts.values())
    if n == 0 or p75 is None:
        return None, None
    half = Z95 * math.sqrt(n * level * (1 - level))
    low = log_buckets.value_at_rank(counts, max(1.0, math.floor(n * level - half)))
    high = log_buckets.value_at_rank(counts, min(float(n), math.ceil(n * level + half + 1)))
    return (p75 if low is None else min(low, p75)), (p75 if high is None else max(high, p75))


def change(current: float | None, previous: float | None) -> float | None:
    if current is None or previous is None or previous == 0:
        return None
    return (current - previous) / previous


def pearson(xs: list[float], ys: list[float]) -> float | None:
    n = len(xs)
    if n < 3:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    return sxy / math.sqrt(sxx * syy)

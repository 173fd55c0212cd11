"""Complete panel values for the tests that feed the dashboard's figure builders: each
builder fills every field of its panel's TypedDict (empty or zero where the test does not
care), so a test names only what it varies and a view gets the shape a panel returns."""

from __future__ import annotations

from dashboard.filters import WindowJson
from dashboard.panels.breakdowns import BreakdownRow
from dashboard.panels.errors import ErrorRate, RatePoint
from dashboard.panels.overview import Histogram, OverviewMetric
from dashboard.panels.servertiming import (
    Cache,
    CachePoint,
    ServerTiming,
    TimingName,
    TimingPoint,
    TimingSeries,
)
from dashboard.panels.synthetics import Run, StepSeries, StepTimings
from vitalscope.vitals import Rating


def overview_metric(metric: str, histogram: Histogram) -> OverviewMetric:
    return {"metric": metric, "unit": "ms", "p50": None, "p75": None, "p90": None,
            "p95": None, "rating": None, "samples": 0, "good": 0, "good_share": None,
            "needs_improvement": 0, "needs_improvement_share": None, "poor": 0,
            "poor_share": None, "previous": {"p75": None, "samples": 0}, "p75_change": None,
            "mean": None, "histogram": histogram, "parts_mean": {}}


def breakdown_row(value: str, *, metric: str, p75: float, p75_ci_low: float,
                  p75_ci_high: float, samples: int, rating: Rating,
                  low_samples: bool) -> BreakdownRow:
    return {"value": value, "metric": metric, "unit": "ms", "p50": None, "p75": p75,
            "p90": None, "p95": None, "rating": rating, "samples": samples, "good": 0,
            "good_share": None, "needs_improvement": 0, "needs_improvement_share": None,
            "poor": 0, "poor_share": None, "p75_ci_low": p75_ci_low,
            "p75_ci_high": p75_ci_high, "low_samples": low_samples}


def timing_name(source: str, name: str) -> TimingName:
    return {"source": source, "name": name, "samples": 0, "mean": None, "p50": None,
            "p75": None, "p95": None, "cache_hits": 0, "cache_total": 0, "hit_rate": None}


def timing_point(t: str, p75: float | None) -> TimingPoint:
    return {"t": t, "p75": p75, "samples": 0, "cache_hits": 0, "cache_total": 0,
            "hit_rate": None}


def cache(source: str, name: str, points: list[CachePoint]) -> Cache:
    return {**timing_name(source, name), "correlation": {}, "points": points}


def cache_point(t: str, hit_rate: float | None) -> CachePoint:
    return {"t": t, "hit_rate": hit_rate, "cache_total": 0}


def server_timing(window: WindowJson, names: list[TimingName], series: list[TimingSeries],
                  caches: list[Cache]) -> ServerTiming:
    return {"window": window, "filters": {}, "top_n": len(names), "names": names,
            "series": series, "caches": caches,
            "ttfb_composition": {"samples": 0, "mean_ms": {}}}


def error_rate(window: WindowJson, points: list[RatePoint]) -> ErrorRate:
    return {"window": window, "filters": {},
            "page_views": sum(p["page_views"] for p in points),
            "errored_page_views": sum(p["errored_page_views"] for p in points),
            "occurrences": sum(p["occurrences"] for p in points), "points": points}


def run(run_id: str) -> Run:
    return {"run_id": run_id, "location": "", "started_at": "", "status": "failed",
            "duration_ms": 0.0, "attempts": 1, "error": "", "failed_step": 0,
            "trigger": "schedule", "console_errors": [], "failed_requests": [],
            "screenshot": "", "trace": "", "screenshot_url": None, "trace_url": None}


def step_timings(window: WindowJson, bucket_s: int, steps: list[StepSeries]) -> StepTimings:
    return {"window": window, "filters": {}, "check": "", "bucket_s": bucket_s,
            "steps": steps}

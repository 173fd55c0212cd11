"""Overview: p75 of each vital with its rating, shares, volume and change against the
previous period; distributions; time series with release markers."""

from __future__ import annotations

from typing import TypedDict

from dashboard.filters import Filters, WindowJson
from dashboard.metrics import BY_NAME, METRIC_NAMES
from dashboard.panels.common import (
    TOP_N,
    MetricSummary,
    change,
    histogram_counts,
    log_counts,
    metric_summary,
)
from dashboard.querylayer import QueryLayer

# Release markers on the series: the releases first seen in the window with most samples.
RELEASE_MARKERS = min(50, TOP_N)


class Previous(TypedDict):
    p75: float | None
    samples: int


class Histogram(TypedDict):
    bucket_width: float
    counts: list[int]


class OverviewMetric(MetricSummary):
    previous: Previous
    p75_change: float | None
    mean: float | None
    histogram: Histogram
    parts_mean: dict[str, float]  # attribution sub-part -> mean ms (TTFB, LCP)


class Overview(TypedDict):
    window: WindowJson
    previous_window: WindowJson
    filters: dict[str, str]
    metrics: list[OverviewMetric]


class SeriesPoint(TypedDict):
    t: str
    p75: float | None
    samples: int
    good: int
    poor: int


class Release(TypedDict):
    release: str
    first_seen: str
    samples: int


class Series(TypedDict):
    window: WindowJson
    filters: dict[str, str]
    thresholds: dict[str, list[float]]
    series: dict[str, list[SeriesPoint]]  # per vital
    releases: list[Release]


def _segment_params(f: Filters) -> dict[str, object]:
    return {"dim": f.dim, "val": f.val}


def overview(layer: QueryLayer, f: Filters) -> Overview:
    window = f.window()
    table = window.table("vitals_dims")
    current = {r["metric"]: r for r in layer.run(
        "overview_summary", f.site, {"table": table, **window.params(), **_segment_params(f)})}
    previous = {r["metric"]: r for r in layer.run(
        "overview_summary", f.site,
        {"table": table, **window.previous.params(), **_segment_params(f)})}
    metrics: list[OverviewMetric] = []
    for name in METRIC_NAMES:
        row, before = current.get(name), previous.get(name)
        summary = metric_summary(name, row)
        earlier = metric_summary(name, before)
        samples = summary["samples"]
        parts = (row or {}).get("parts") or {}
        metrics.append({
            **summary,
            "previous": {"p75": earlier["p75"], "samples": earlier["samples"]},
            "p75_change": change(summary["p75"], earlier["p75"]),
            "mean": (row or {}).get("value_sum", 0) / samples if samples else None,
            "histogram": {"bucket_width": BY_NAME[name].hist_step,
                          "counts": histogram_counts(name, log_counts(row))},
            "parts_mean": {k: v / samples for k, v in sorted(parts.items())}
            if samples else {},
        })
    return {"window": window.as_dict(), "previous_window": window.previous.as_dict(),
            "filters": f.query_string(), "metrics": metrics}


def series(layer: QueryLayer, f: Filters) -> Series:
    window = f.window()
    table = window.table("vitals_dims")
    rows = layer.run("overview_series", f.site,
                     {"table": table, **window.params(), **_segment_params(f)})
    by_metric: dict[str, list[SeriesPoint]] = {name: [] for name in METRIC_NAMES}
    for row in rows:
        if row["metric"] in by_metric:
            by_metric[row["metric"]].append(
                {"t": row["bucket"], "p75": row["p75"], "samples": row["samples"],
                 "good": row["good"], "poor": row["poor"]})
    releases = layer.run("releases", f.site,
                         {"table": table, **window.params(), "limit": RELEASE_MARKERS})
    return {
        "window": window.as_dict(), "filters": f.query_string(),
        "thresholds": {name: list(BY_NAME[name].thresholds) for name in METRIC_NAMES},
        "series": by_metric,
        "releases": [{"release": r["release"], "first_seen": r["first_seen"],
                      "samples": r["samples"]} for r in releases],
    }

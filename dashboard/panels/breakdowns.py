"""Breakdowns: p75 per value of one dimension with a confidence interval and sample count,
so a segment with 3 samples reads as noise, not as a finding."""

from __future__ import annotations

from typing import TypedDict

from dashboard.filters import Filters, WindowJson
from dashboard.panels.common import (
    LOW_SAMPLES,
    TOP_N,
    MetricSummary,
    log_counts,
    metric_summary,
    p75_interval,
)
from dashboard.querylayer import QueryLayer


class BreakdownRow(MetricSummary):
    value: str
    p75_ci_low: float | None
    p75_ci_high: float | None
    low_samples: bool  # fewer samples than `low_samples_below`: not a finding


class Breakdown(TypedDict):
    window: WindowJson
    filters: dict[str, str]
    dimension: str
    metric: str
    low_samples_below: int
    top_n: int
    rows: list[BreakdownRow]


def breakdown(layer: QueryLayer, f: Filters, dim: str, metric: str) -> Breakdown:
    window = f.window()
    rows = layer.run("breakdown", f.site, {"table": window.table("vitals_dims"),
                                           **window.params(), "dim": dim, "metric": metric,
                                           "limit": TOP_N})
    out: list[BreakdownRow] = []
    for row in rows:
        summary = metric_summary(metric, row)
        low, high = p75_interval(log_counts(row), summary["p75"])
        out.append({"value": row["value"], **summary, "p75_ci_low": low, "p75_ci_high": high,
                    "low_samples": summary["samples"] < LOW_SAMPLES})
    return {"window": window.as_dict(), "filters": f.query_string(), "dimension": dim,
            "metric": metric, "low_samples_below": LOW_SAMPLES, "top_n": TOP_N, "rows": out}

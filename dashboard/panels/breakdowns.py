"""Breakdowns: p75 per value of one dimension with a confidence interval and sample count,
so a segment with 3 samples reads as noise, not as a finding."""

from __future__ import annotations

from typing import Any

from dashboard.filters import Filters
from dashboard.panels.common import (
    LOW_SAMPLES,
    TOP_N,
    histogram_counts,
    metric_summary,
    p75_interval,
)
from dashboard.querylayer import QueryLayer


def breakdown(layer: QueryLayer, f: Filters, dim: str, metric: str) -> dict[str, Any]:
    window = f.window()
    rows = layer.run("breakdown", f.site, {"table": window.table("vitals_dims"),
                                           **window.params(), "dim": dim, "metric": metric,
                                           "limit": TOP_N})
    out = []
    for row in rows:
        summary = metric_summary(metric, row)
        low, high = p75_interval(metric, histogram_counts(row.get("hist")), summary["p75"])
        out.append({"value": row["value"], **summary, "p75_ci_low": low, "p75_ci_high": high,
                    "low_samples": summary["samples"] < LOW_SAMPLES})
    return {"window": window.as_dict(), "filters": f.query_string(), "dimension": dim,
            "metric": metric, "low_samples_below": LOW_SAMPLES, "top_n": TOP_N, "rows": out}

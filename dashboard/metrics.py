"""The metrics the dashboard shows (the catalogue of vitalscope/vitals: units, display,
histogram bucket width) and its breakdown dimensions."""

from __future__ import annotations

from vitalscope.vitals import BY_NAME, HIST_BUCKETS, METRIC_NAMES, METRICS, Metric

__all__ = ["BY_NAME", "DIMENSIONS", "HIST_BUCKETS", "METRICS", "METRIC_NAMES", "Metric"]

# Segment / breakdown dimensions: columns of the raw vitals rows, rolled up as `dim`.
DIMENSIONS: dict[str, str] = {
    "device": "Device class",
    "browser": "Browser",
    "os": "Operating system",
    "country": "Country",
    "connection": "Connection type",
    "nav_type": "Navigation type",
    "release": "Release",
}

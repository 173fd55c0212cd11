"""The Web Vitals catalogue: each metric defined once (`lcp.py`, `inp.py`, ...: name, unit,
thresholds, histogram step, SDK and lab names), listed in `registry.py`, rated by
`rating.py`. The wire model, rule settings, dashboard, synthetics and SDK derive from it or
are checked against it (tests/vitalscope/vitals)."""

from vitalscope.vitals.metric import HIST_BUCKETS, Metric, Rating
from vitalscope.vitals.rating import THRESHOLDS, rate, rating
from vitalscope.vitals.registry import (
    BY_NAME,
    LAB_METRICS,
    METRIC_NAMES,
    METRICS,
    MetricName,
    spoken,
)

__all__ = ["BY_NAME", "HIST_BUCKETS", "LAB_METRICS", "METRICS", "METRIC_NAMES", "THRESHOLDS",
           "Metric", "MetricName", "Rating", "rate", "rating", "spoken"]

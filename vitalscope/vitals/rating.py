"""Rating a value: good up to a metric's first threshold, poor above its second
(vitalscope/vitals/<metric>.py, Google's thresholds from web.dev/articles/vitals). The one
place the collector rates a sample and the dashboard rates a p75."""

from __future__ import annotations

from vitalscope.vitals.metric import Rating
from vitalscope.vitals.registry import BY_NAME, METRICS

THRESHOLDS: dict[str, tuple[float, float]] = {m.name: m.thresholds for m in METRICS}


def rating(metric: str, value: float) -> Rating:
    return BY_NAME[metric].rating(value)


def rate(metric: str, value: float | None) -> Rating | None:
    """The rating of a value that may be missing, of a metric that may have no thresholds."""
    if value is None or metric not in BY_NAME:
        return None
    return rating(metric, value)

"""The Core Web Vitals and Google's thresholds (web.dev/articles/vitals): good up to the
first value, poor above the second, in the metric's unit (ms; CLS unitless). The one place
the collector rates a sample and the dashboard rates a p75."""

from __future__ import annotations

from typing import Literal

Rating = Literal["good", "needs-improvement", "poor"]

THRESHOLDS: dict[str, tuple[float, float]] = {
    "LCP": (2500.0, 4000.0),
    "INP": (200.0, 500.0),
    "CLS": (0.1, 0.25),
    "FCP": (1800.0, 3000.0),
    "TTFB": (800.0, 1800.0),
}


def rating(metric: str, value: float) -> Rating:
    good, poor = THRESHOLDS[metric]
    if value <= good:
        return "good"
    return "needs-improvement" if value <= poor else "poor"


def rate(metric: str, value: float | None) -> Rating | None:
    """The rating of a value that may be missing, of a metric that may have no thresholds."""
    if value is None or metric not in THRESHOLDS:
        return None
    return rating(metric, value)

"""Google's Core Web Vitals thresholds (good up to `good`, poor above `poor`), the one place
the dashboard rates a p75. Units are those of the metric (ms, CLS unitless)."""

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


def rate(metric: str, value: float | None) -> Rating | None:
    if value is None or metric not in THRESHOLDS:
        return None
    good, poor = THRESHOLDS[metric]
    if value <= good:
        return "good"
    return "needs-improvement" if value <= poor else "poor"

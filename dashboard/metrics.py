"""The metrics the dashboard shows: units, how a value is displayed, histogram bucket width
(must match the `hist` expression of migration 0040) and breakdown dimensions."""

from __future__ import annotations

from dataclasses import dataclass

from vitalscope.vitals import THRESHOLDS


@dataclass(frozen=True)
class Metric:
    name: str
    title: str
    unit: str  # "ms" or "" (CLS)
    hist_step: float  # bucket width of the rollup histogram (0040_dashboard_rollups.sql)

    @property
    def thresholds(self) -> tuple[float, float]:
        return THRESHOLDS[self.name]

    def display(self, value: float | None) -> str:
        """PageSpeed-style: seconds with two decimals for timings from 1 s, ms below; CLS with
        three decimals. The API returns the unrounded value."""
        if value is None:
            return "–"
        if self.unit == "":
            return f"{value:.3f}"
        if value >= 1000:
            return f"{value / 1000:.2f} s"
        return f"{value:.0f} ms"


METRICS: tuple[Metric, ...] = (
    Metric("LCP", "Largest Contentful Paint", "ms", 50),
    Metric("INP", "Interaction to Next Paint", "ms", 10),
    Metric("CLS", "Cumulative Layout Shift", "", 0.005),
    Metric("FCP", "First Contentful Paint", "ms", 50),
    Metric("TTFB", "Time to First Byte", "ms", 25),
)
BY_NAME: dict[str, Metric] = {m.name: m for m in METRICS}
METRIC_NAMES: tuple[str, ...] = tuple(BY_NAME)
HIST_BUCKETS = 200

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

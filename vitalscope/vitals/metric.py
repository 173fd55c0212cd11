"""What defines a Web Vital for Vitalscope: one `Metric` per vital, in its own file beside
its thresholds (as web-vitals keeps src/onLCP.ts beside LCPThresholds), collected by
`registry.py`. Everything that lists, rates, buckets or displays vitals derives from these."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

Rating = Literal["good", "needs-improvement", "poor"]

# The rollup histogram (`hist` of 0040_dashboard_rollups.sql): fixed-width buckets of the
# metric's `hist_step`, the last one open-ended.
HIST_BUCKETS = 200


@dataclass(frozen=True)
class Metric:
    name: str  # the wire's `n`, the `metric` column and web-vitals' `Metric.name`
    title: str  # display label
    unit: str  # "ms", or "" for a unitless score (CLS)
    good: float  # good up to this value (included) ...
    poor: float  # ... poor above this one, needs improvement between (web.dev thresholds)
    hist_step: float  # bucket width of the rollup histogram (0040_dashboard_rollups.sql)
    # The web-vitals function that reports it (sdk-js/src entry files); None: the SDK reads it
    # itself (sdk-js/src/core.js).
    sdk: str | None
    sdk_attribution: bool  # the SDK's attribution builds report its attribution
    lab: bool  # synthetics measures it too (synthetics/labvitals.js)
    # A bound tighter than the wire's 10-minute duration bound, for a unitless metric.
    max_value: float | None = None

    @property
    def thresholds(self) -> tuple[float, float]:
        return (self.good, self.poor)

    def rating(self, value: float) -> Rating:
        if value <= self.good:
            return "good"
        return "needs-improvement" if value <= self.poor else "poor"

    def hist_bucket(self, value: float) -> int:
        """The bucket of the rollup histogram a value is counted in (what the `hist`
        expression of migration 0040 computes)."""
        return min(HIST_BUCKETS - 1, math.floor(value / self.hist_step))

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

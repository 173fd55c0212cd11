"""Counts per logarithmic bucket: how the vital rollups keep a distribution since migration
0084 (`value_lh`, `duration_lh`). The bucketing is SQL in the migrations' views and the
function `vitalscope_lh_quantiles` (vitalscope/storage/functions.sql); this is the same
arithmetic for what Python reads off merged counts (the overview histogram, the p75's
confidence interval). tests/vitalscope/vitals/test_histogram_sql.py holds the two to one
answer."""

from __future__ import annotations

import math
from collections.abc import Mapping

# Bucket k >= 1 holds the values within half a step of GROWTH ** (k - 1) / SCALE: 0.5 %-wide
# buckets over thousandths of the unit, so CLS scores and milliseconds share one scale and
# any real value fits a UInt16. Bucket 0 holds the values <= 0.
GROWTH = 1.005
SCALE = 1000.0
LAST = 65535


def bucket(value: float) -> int:
    """The bucket the views count a value in (half to even, as ClickHouse's `round` of a
    Float64)."""
    if value <= 0:
        return 0
    return max(1, min(LAST, round(math.log(value * SCALE) / math.log(GROWTH)) + 1))


def centre(index: int) -> float:
    """The value a bucket stands for: its samples are within 0.25 % of it."""
    return 0.0 if index == 0 else GROWTH ** (index - 1) / SCALE


def value_at_rank(counts: Mapping[int, int], rank: float) -> float | None:
    """The centre of the bucket holding the rank-th smallest sample (1-based); None when the
    counts hold fewer samples."""
    seen = 0
    for index in sorted(counts):
        seen += counts[index]
        if seen >= rank:
            return centre(index)
    return None


def linear_counts(counts: Mapping[int, int], step: float, bins: int) -> list[int]:
    """The counts regrouped into `bins` fixed-width bins of `step` (the last one open-ended),
    each bucket in the bin of its centre: a sample within 0.25 % of a bin edge can be drawn
    in the neighbouring bin, the price of keeping one distribution instead of two."""
    out = [0] * bins
    for index, count in counts.items():
        out[min(bins - 1, math.floor(centre(index) / step))] += count
    return out

"""The metric catalogue: every Web Vital Vitalscope stores, in the order lists show them.
Adding one: ARCHITECTURE.md, "Adding a metric"."""

from __future__ import annotations

from typing import Literal

from vitalscope.vitals.cls import CLS
from vitalscope.vitals.fcp import FCP
from vitalscope.vitals.inp import INP
from vitalscope.vitals.lcp import LCP
from vitalscope.vitals.metric import Metric
from vitalscope.vitals.ttfb import TTFB

METRICS: tuple[Metric, ...] = (LCP, INP, CLS, FCP, TTFB)
BY_NAME: dict[str, Metric] = {m.name: m for m in METRICS}
METRIC_NAMES: tuple[str, ...] = tuple(BY_NAME)
LAB_METRICS: tuple[str, ...] = tuple(m.name for m in METRICS if m.lab)

# The names as a type, for the wire model, rule settings and API parameters (their JSON
# Schema and OpenAPI enums). A type checker needs it spelled out: tests/vitalscope/vitals
# fails while it differs from METRIC_NAMES.
MetricName = Literal["LCP", "INP", "CLS", "FCP", "TTFB"]


def spoken(names: tuple[str, ...] = METRIC_NAMES) -> str:
    """`LCP, INP, CLS, FCP or TTFB`: the names in a sentence (settings descriptions)."""
    return ", ".join(names[:-1]) + " or " + names[-1]

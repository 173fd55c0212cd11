"""Every time-series chart spans the selected window, whatever its data: Plotly fits an axis
to the points, so a series of one point got an axis a millisecond wide."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import plotly.graph_objects as go
import pytest

from dashboard.filters import WindowJson
from dashboard.panels.errors import ErrorRate
from dashboard.panels.servertiming import ServerTiming
from dashboard.web.views import errors, overview, servertiming, synthetics
from tests.dashboard import panel_values as values

WINDOW: WindowJson = {"from": "2026-11-30T10:00:00+00:00", "to": "2026-12-01T10:00:00+00:00",
          "resolution": "1h"}
SPAN = ["2026-11-30T10:00:00Z", "2026-12-01T10:00:00Z"]
ONE = "2026-11-30T15:00:00Z"  # the one bucket with data


def _timings() -> ServerTiming:
    return values.server_timing(
        WINDOW, [values.timing_name("rum", "db")],
        [{"source": "rum", "name": "db", "points": [values.timing_point(ONE, 12.0)]}],
        [values.cache("rum", "cdn", [values.cache_point(ONE, 0.5)])])


def _rate() -> ErrorRate:
    return values.error_rate(WINDOW, [{"t": ONE, "page_views": 4, "errored_page_views": 1,
                                       "occurrences": 1, "error_rate": 0.25}])


CHARTS: dict[str, Callable[[], go.Figure]] = {
    "p75 series": lambda: overview.series_figure(
        "LCP", [{"t": ONE, "p75": 2100.0, "samples": 3}], [], timedelta(hours=1), WINDOW),
    "page views": lambda: overview.page_views_figure(_rate()),
    "error rate": lambda: overview.error_rate_figure(_rate()),
    "server-timing durations": lambda: servertiming.durations_figure(_timings()),
    "cache hit rate": lambda: servertiming.hits_figure(_timings()),
    "step timings": lambda: synthetics.timings_figure(values.step_timings(WINDOW, 300, [
        {"step": 1, "name": "home", "points": [{"t": ONE, "p75_duration_ms": 120.0,
                                                "samples": 1}]}])),
    "error trend": lambda: errors.trend_figure(
        {"slot_s": 3600, "occurrences": [0] * 5 + [2] + [0] * 18}, WINDOW),
}


@pytest.mark.parametrize("name", CHARTS)
def test_one_point_gets_the_whole_window_as_its_axis(name: str) -> None:
    fig = CHARTS[name]()
    xaxis = fig.layout.xaxis
    assert xaxis.type == "date"
    assert list(xaxis.range) == SPAN
    assert any(ONE in str(trace.x) or len(trace.x) == 24 for trace in fig.data)


def test_the_axis_reads_a_window_in_any_zone_as_utc() -> None:
    shifted: WindowJson = {**WINDOW, "from": "2026-11-30T11:00:00+01:00",
                           "to": "2026-12-01T10:00:00Z"}
    fig = overview.page_views_figure({**_rate(), "window": shifted})
    assert list(fig.layout.xaxis.range) == SPAN

"""Every figure the dashboard draws shows beacon- and config-sent strings as plain text:
markup fed through each figure builder reaches the figure JSON only escaped (Plotly reads
<a>, <b>, <br>, <span style>... and entities in any text it draws)."""

from __future__ import annotations

import html
import importlib
import inspect
import pkgutil
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import plotly.graph_objects as go
import pytest

import dashboard.web.views
from dashboard.filters import WindowJson
from dashboard.panels.errors import ErrorRate
from dashboard.panels.servertiming import ServerTiming
from dashboard.web.components import figure
from dashboard.web.plotlytext import plain
from dashboard.web.views import breakdowns, errors, overview, servertiming, synthetics
from dashboard.web.views.overview import ChartPoint
from tests.dashboard import panel_values as values

HOSTILE = ['<a href="https://evil.example">x</a>', "<b>bold</b>",
           '<span style="font-size:90px">big</span>', "&lt;i&gt;", "a<br>b"]
T0, T1 = "2026-01-01T00:00:00", "2026-01-01T00:01:00"
WINDOW: WindowJson = {"from": "2026-01-01T00:00:00+00:00", "to": "2026-01-01T01:00:00+00:00",
          "resolution": "1m"}


def _series_points() -> list[ChartPoint]:
    return [{"t": T0, "p75": 2000.0, "samples": 5}, {"t": T1, "p75": 2100.0, "samples": 6}]


def _overview_series(text: str) -> go.Figure:
    return overview.series_figure("LCP", _series_points(),
                                  [{"release": text, "first_seen": T1, "samples": 0}],
                                  timedelta(minutes=1),
                                  WINDOW)


def _overview_histogram(text: str) -> go.Figure:
    return overview.histogram_figure(values.overview_metric("LCP", {
        "counts": [1, 2, 3], "bucket_width": 100.0}))


def _breakdown(text: str) -> go.Figure:
    return breakdowns.breakdown_figure([values.breakdown_row(
        text, metric="LCP", p75=2000.0, p75_ci_low=1900.0, p75_ci_high=2100.0,
        samples=50, rating="good", low_samples=False)], "browser", "LCP")


def _timing_data(text: str) -> ServerTiming:
    return values.server_timing(
        WINDOW, [values.timing_name("rum", text)],
        [{"source": "rum", "name": text, "points": [values.timing_point(T0, 12.0)]}],
        [values.cache(text, text, [values.cache_point(T0, 0.5)])])


def _durations(text: str) -> go.Figure:
    return servertiming.durations_figure(_timing_data(text))


def _composition(text: str) -> go.Figure:
    return servertiming.composition_figure({text: 12.5, "dnsDuration": 3.0})


def _hits(text: str) -> go.Figure:
    return servertiming.hits_figure(_timing_data(text))


def _steps(text: str) -> go.Figure:
    return synthetics.steps_figure({"check": "", "run": values.run(text), "steps": [
        {"attempt": 1, "step": 1, "name": text, "action": "goto", "duration_ms": 120.0,
         "offset_ms": 0.0, "status": "failed", "url": "",
         "error": f"expected {text} on the page"},
        {"attempt": 1, "step": 2, "name": "", "action": text, "duration_ms": 80.0,
         "offset_ms": 120.0, "status": "passed", "url": "", "error": ""}]})


def _step_timings(text: str) -> go.Figure:
    return synthetics.timings_figure(values.step_timings(WINDOW, 300, [
        {"step": 1, "name": text, "points": [{"t": T0, "p75_duration_ms": 120.0,
                                              "samples": 1}]}]))


def _rate_data() -> ErrorRate:
    return values.error_rate(WINDOW, [
        {"t": T0, "page_views": 10, "errored_page_views": 2, "occurrences": 3,
         "error_rate": 0.2},
        {"t": T1, "page_views": 0, "errored_page_views": 0, "occurrences": 0,
         "error_rate": None}])


def _page_views(text: str) -> go.Figure:
    return overview.page_views_figure(_rate_data())


def _error_rate(text: str) -> go.Figure:
    return overview.error_rate_figure(_rate_data())


def _error_trend(text: str) -> go.Figure:
    return errors.trend_figure({"slot_s": 150, "occurrences": [0, 3] + [0] * 22}, WINDOW)


def _titled(text: str) -> go.Figure:
    return figure(f"Check {text}")


# figure builder -> the builder fed a hostile string where a beacon or config puts one
BUILDERS: dict[Callable[..., go.Figure], Callable[[str], go.Figure]] = {
    overview.series_figure: _overview_series,
    overview.histogram_figure: _overview_histogram,
    overview.page_views_figure: _page_views,
    overview.error_rate_figure: _error_rate,
    errors.trend_figure: _error_trend,
    breakdowns.breakdown_figure: _breakdown,
    servertiming.durations_figure: _durations,
    servertiming.composition_figure: _composition,
    servertiming.hits_figure: _hits,
    synthetics.steps_figure: _steps,
    synthetics.timings_figure: _step_timings,
    figure: _titled,
}


def _strings(node: Any, key: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _strings(v, k)
    elif isinstance(node, list | tuple):
        for v in node:
            yield from _strings(v, key)
    elif isinstance(node, str):
        yield key, node


def test_every_figure_builder_is_covered() -> None:
    found = {figure}
    for info in pkgutil.iter_modules(dashboard.web.views.__path__):
        module = importlib.import_module(f"dashboard.web.views.{info.name}")
        for _, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ == module.__name__ and \
                    inspect.signature(fn).return_annotation in ("go.Figure", go.Figure):
                found.add(fn)
    assert found == set(BUILDERS)


@pytest.mark.parametrize("text", HOSTILE)
@pytest.mark.parametrize("build", BUILDERS.values(), ids=[b.__name__ for b in BUILDERS])
def test_markup_reaches_plotly_only_as_escaped_text(build: Callable[[str], go.Figure],
                                                    text: str) -> None:
    shown = build(text).to_plotly_json()
    for key, value in _strings(shown):
        if key == "hovertemplate":
            continue  # ours, with the data put in through %{...} from escaped fields
        # Only entities we wrote: unescaping and escaping again gives the same string.
        assert "<" not in value and ">" not in value, (key, value)
        assert plain(html.unescape(value)) == value, (key, value)
    if build not in (_overview_histogram, _page_views, _error_rate, _error_trend):
        assert any(plain(text)[:30] in value for _, value in _strings(shown)), shown


def test_plain_text_comes_back_as_written() -> None:
    # Plotly turns &amp; &lt; &gt; back into the characters: the reader sees the original.
    for text in HOSTILE:
        assert html.unescape(plain(text)) == text
    assert plain("&lt;") == "&amp;lt;"

"""Overview page: one row per vital with its card, p75 over time and distribution."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, TypedDict

import plotly.graph_objects as go
from dash import html
from typing_extensions import ReadOnly

from dashboard.filters import TIERS, Filters
from dashboard.metrics import BY_NAME
from dashboard.panels import overview
from dashboard.panels.overview import OverviewMetric, Release
from dashboard.service import DashboardService
from dashboard.web.components import (
    COLORS,
    csv_link,
    figure,
    fmt_count,
    fmt_share,
    graph,
    message,
    threshold_bands,
)
from dashboard.web.page import Page
from dashboard.web.plotlytext import plain


class ChartPoint(TypedDict):
    """A point of a p75 line: a series point of the panel, or a gap the view adds."""

    t: ReadOnly[str | datetime]
    p75: ReadOnly[float | None]
    samples: ReadOnly[int]


def _card(m: OverviewMetric) -> html.Div:
    metric = BY_NAME[m["metric"]]
    change = m["p75_change"]
    change_text = "no previous data" if change is None else f"{change * 100:+.1f} % vs previous"
    value: dict[str, Any] = {"data-value": "" if m["p75"] is None else repr(m["p75"])}
    return html.Div([
        html.Div(metric.name, className="vs-card-title", title=metric.title),
        html.Div(metric.display(m["p75"]), className="vs-p75", id=f"p75-{metric.name}",
                 **value,
                 style={"color": COLORS[m["rating"]]}),
        html.Div(f"p75 · {m['rating'] or 'no data'}", className="vs-sub"),
        html.Div([
            html.Span(fmt_share(m["good_share"]), className="vs-good", title="good"),
            html.Span(fmt_share(m["needs_improvement_share"]), className="vs-ni",
                      title="needs improvement"),
            html.Span(fmt_share(m["poor_share"]), className="vs-poor", title="poor"),
        ], className="vs-shares"),
        html.Div(f"{fmt_count(m['samples'])} samples", className="vs-sub",
                 id=f"samples-{metric.name}"),
        html.Div(change_text, className="vs-sub"),
    ], className="vs-card")


def _moment(value: str | datetime) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def with_gaps(points: Sequence[ChartPoint], step: timedelta) -> list[ChartPoint]:
    """The series with an empty point wherever buckets are missing, so the line breaks there
    instead of drawing a trend across hours or days without data."""
    out: list[ChartPoint] = []
    for point in points:
        if out and _moment(point["t"]) - _moment(out[-1]["t"]) > step:
            out.append({"t": _moment(out[-1]["t"]) + step, "p75": None, "samples": 0})
        out.append(point)
    return out


def series_figure(name: str, points: Sequence[ChartPoint], releases: Sequence[Release],
                  step: timedelta) -> go.Figure:
    fig = figure(f"{name} p75 over time")
    points = with_gaps(points, step)
    values = [p["p75"] for p in points if p["p75"] is not None]
    threshold_bands(fig, name, max(values, default=0.0) * 1.1)
    fig.add_trace(go.Scatter(x=[p["t"] for p in points], y=[p["p75"] for p in points],
                             mode="lines+markers", name="p75", line={"color": "#1a73e8"},
                             customdata=[p["samples"] for p in points],
                             hovertemplate="%{x}<br>p75 %{y:.3~f}<br>%{customdata} samples"))
    for release in releases:
        fig.add_vline(x=release["first_seen"], line_dash="dot", line_color="#555")
        fig.add_annotation(x=release["first_seen"], y=1, yref="paper", showarrow=False,
                           text=plain(release["release"]), font={"size": 10}, yanchor="bottom")
    return fig


def histogram_figure(m: OverviewMetric) -> go.Figure:
    fig = figure(f"{m['metric']} distribution")
    counts = m["histogram"]["counts"]
    width = m["histogram"]["bucket_width"]
    last = max((i for i, c in enumerate(counts) if c), default=0)
    fig.add_trace(go.Bar(x=[i * width for i in range(last + 1)], y=counts[:last + 1],
                         marker_color="#5f6368", width=width))
    good, poor = BY_NAME[m["metric"]].thresholds
    for edge, color in ((good, COLORS["good"]), (poor, COLORS["poor"])):
        fig.add_vline(x=edge, line_color=color, line_dash="dash")
    return fig


def render(service: DashboardService, f: Filters, params: dict[str, str]) -> list[Any]:
    data = overview.overview(service.layer, f)
    over_time = overview.series(service.layer, f)
    window = data["window"]
    head = html.Div([
        html.Span(f"{f.site} · {window['from'][:16]} → {window['to'][:16]} UTC "
                  f"({window['resolution']} buckets)"
                  + (f" · segment {f.segment}" if f.segment else ""), className="vs-window"),
        csv_link("overview", f.query_string()),
    ], className="vs-row")
    if not any(m["samples"] for m in data["metrics"]):
        return [head, message(f"No Web Vitals for {f.site} in this range yet. Once pages "
                              "with the beacon are visited, numbers appear here.")]
    step = next(t.step for t in TIERS if t.name == over_time["window"]["resolution"])
    rows = []
    for m in data["metrics"]:
        name = m["metric"]
        points = over_time["series"][name]
        chart = graph(series_figure(name, points, over_time["releases"], step),
                      f"series-{name}") if points else message(f"No {name} samples in this range.")
        hist = graph(histogram_figure(m), f"hist-{name}") if m["samples"] else message(
            f"No {name} samples in this range.")
        rows.append(html.Div([_card(m), html.Div(chart, className="vs-chart"),
                              html.Div(hist, className="vs-chart")], className="vs-metric-row"))
    return [head, *rows]


PAGE = Page("/", "Overview", render)

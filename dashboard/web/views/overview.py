"""Overview page: one row per vital with its card, p75 over time and distribution, then page
views and the JS error rate over time."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, TypedDict

import plotly.graph_objects as go
from dash import dcc, html
from typing_extensions import ReadOnly

from dashboard.filters import TIERS, Filters, WindowJson
from dashboard.metrics import BY_NAME
from dashboard.panels import errors, overview
from dashboard.panels.errors import ErrorRate
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
    time_axis,
)
from dashboard.web.page import Page
from dashboard.web.plotlytext import plain
from dashboard.web.urlstate import build


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
                  step: timedelta, window: WindowJson) -> go.Figure:
    fig = figure(f"{name} p75 over time")
    time_axis(fig, window)
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


def page_views_figure(data: ErrorRate) -> go.Figure:
    fig = figure("Page views over time")
    time_axis(fig, data["window"])
    fig.add_trace(go.Bar(x=[p["t"] for p in data["points"]],
                         y=[p["page_views"] for p in data["points"]], marker_color="#5f6368",
                         hovertemplate="%{x}<br>%{y} page views<extra></extra>"))
    return fig


def error_rate_figure(data: ErrorRate) -> go.Figure:
    fig = figure("JS error rate over time (page views with an error)")
    time_axis(fig, data["window"])
    fig.update_yaxes(tickformat=".1%", rangemode="tozero")
    points = [p for p in data["points"] if p["error_rate"] is not None]
    fig.add_trace(go.Scatter(x=[p["t"] for p in points], y=[p["error_rate"] for p in points],
                             mode="lines+markers", line={"color": "#e53935"},
                             customdata=[[p["errored_page_views"], p["page_views"],
                                          p["occurrences"]] for p in points],
                             hovertemplate="%{x}<br>%{y:.2%} · %{customdata[0]} of "
                             "%{customdata[1]} page views<br>%{customdata[2]} errors"
                             "<extra></extra>"))
    return fig


def _traffic_row(service: DashboardService, f: Filters) -> html.Div:
    data = errors.error_rate(service.layer, f)
    views, hit = data["page_views"], data["errored_page_views"]
    rate = hit / views if views else None
    value: dict[str, Any] = {"data-value": "" if rate is None else repr(rate)}
    errors_link = dcc.Link("Errors", href=f"/dashboard/errors{build(f.query_string())}")
    card = html.Div([
        html.Div("Page views & JS errors", className="vs-card-title"),
        html.Div(fmt_count(views), className="vs-p75", id="page-views"),
        html.Div("page views", className="vs-sub"),
        html.Div("–" if rate is None else f"{rate * 100:.2f} %", id="error-rate",
                 className="vs-card-title", **value),
        html.Div(f"with a JS error ({fmt_count(hit)} page views, "
                 f"{fmt_count(data['occurrences'])} errors)", className="vs-sub"),
        html.Div(["Groups and stacks: ", errors_link], className="vs-sub"),
        html.Div("All visitors: the segment filter does not apply here.", className="vs-sub")
        if f.segment else None,
    ], className="vs-card")
    charts: list[Any]
    if not data["points"]:
        charts = [message("No page views in this range."), html.Div()]
    else:
        charts = [graph(page_views_figure(data), "page-views-chart"),
                  graph(error_rate_figure(data), "error-rate-chart")]
    return html.Div([card, *(html.Div(c, className="vs-chart") for c in charts)],
                    className="vs-metric-row", id="traffic-row")


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
                              "with the beacon are visited, numbers appear here."),
                _traffic_row(service, f)]
    step = next(t.step for t in TIERS if t.name == over_time["window"]["resolution"])
    rows = []
    for m in data["metrics"]:
        name = m["metric"]
        points = over_time["series"][name]
        chart = graph(series_figure(name, points, over_time["releases"], step,
                                    over_time["window"]), f"series-{name}") \
            if points else message(f"No {name} samples in this range.")
        hist = graph(histogram_figure(m), f"hist-{name}") if m["samples"] else message(
            f"No {name} samples in this range.")
        rows.append(html.Div([_card(m), html.Div(chart, className="vs-chart"),
                              html.Div(hist, className="vs-chart")], className="vs-metric-row"))
    return [head, *rows, _traffic_row(service, f)]


def _reads(service: DashboardService, f: Filters) -> object:
    return (overview.overview(service.layer, f), overview.series(service.layer, f),
            errors.error_rate(service.layer, f))


PAGE = Page("/", "Overview", render, reads=_reads)

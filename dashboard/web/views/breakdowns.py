"""Breakdowns page: p75 per device, browser, OS, country, connection or navigation type,
with 95 % confidence intervals and sample counts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import dash
import plotly.graph_objects as go
from dash import Input, Output, State, dcc, html
from dash.exceptions import PreventUpdate

from dashboard.filters import FilterError, Filters
from dashboard.metrics import BY_NAME, DIMENSIONS, METRIC_NAMES
from dashboard.panels import breakdowns
from dashboard.panels.breakdowns import BreakdownRow
from dashboard.service import DashboardService
from dashboard.web import urlstate
from dashboard.web.components import COLORS, csv_link, figure, graph, message, table
from dashboard.web.page import Page
from dashboard.web.plotlytext import plain


def options(params: dict[str, str]) -> tuple[str, str]:
    dim, metric = params.get("dim", "device"), params.get("metric", "LCP")
    if dim not in DIMENSIONS:
        raise FilterError("dim", f"one of {', '.join(DIMENSIONS)}")
    if metric not in METRIC_NAMES:
        raise FilterError("metric", f"one of {', '.join(METRIC_NAMES)}")
    return dim, metric


def _spread(high: float | None, low: float | None) -> float:
    return high - low if high is not None and low is not None else 0.0


def breakdown_figure(rows: Sequence[BreakdownRow], dim: str, metric: str) -> go.Figure:
    """The 30 values with the most samples; a value (a browser, a country...) is
    beacon-sent, so it is shown as plain text in the tick labels and the hover."""
    fig = figure(f"{metric} p75 by {DIMENSIONS[dim].lower()} (95 % confidence interval)", 360)
    ordered = sorted(rows, key=lambda r: r["samples"])[-30:]
    fig.add_trace(go.Bar(
        y=[plain(r["value"] or "(unknown)") for r in ordered], x=[r["p75"] for r in ordered],
        orientation="h", marker_color=[COLORS[r["rating"]] if not r["low_samples"] else "#bbb"
                                       for r in ordered],
        error_x={"type": "data", "symmetric": False,
                 "array": [_spread(r["p75_ci_high"], r["p75"]) for r in ordered],
                 "arrayminus": [_spread(r["p75"], r["p75_ci_low"]) for r in ordered]},
        customdata=[r["samples"] for r in ordered],
        hovertemplate="%{y}: p75 %{x:.3~f}<br>%{customdata} samples<extra></extra>"))
    return fig


def render(service: DashboardService, f: Filters, params: dict[str, str]) -> list[Any]:
    dim, metric = options(params)
    data = breakdowns.breakdown(service.layer, f, dim, metric)
    pick = html.Div([
        dcc.Dropdown(id="bd-dim", options=[{"label": v, "value": k} for k, v in
                                           DIMENSIONS.items()],
                     value=dim, clearable=False, style={"width": "220px"}),
        dcc.Dropdown(id="bd-metric", options=list(METRIC_NAMES), value=metric,
                     clearable=False, style={"width": "120px"}),
        csv_link("breakdowns", {**f.query_string(), "dimension": dim, "metric": metric}),
        html.Span("The segment filter does not apply here.", className="vs-sub")
        if f.segment else None,
    ], className="vs-row")
    rows = data["rows"]
    if not rows:
        return [pick, message(f"No {metric} samples for {f.site} in this range.")]
    show = BY_NAME[metric].display
    fig = breakdown_figure(rows, dim, metric)
    listing = [{
        "value": r["value"] or "(unknown)", "p75": show(r["p75"]),
        "ci": f"{show(r['p75_ci_low'])} – {show(r['p75_ci_high'])}",
        "samples": r["samples"], "poor": f"{(r['poor_share'] or 0) * 100:.1f} %",
        "note": f"fewer than {data['low_samples_below']} samples: not a finding"
        if r["low_samples"] else "",
    } for r in rows]
    return [pick, graph(fig, "bd-chart"), table(
        "bd-table", listing, [("value", DIMENSIONS[dim]), ("p75", "p75"),
                              ("ci", "95 % CI of p75"), ("samples", "Samples"),
                              ("poor", "Poor"), ("note", "")], page_size=50)]


def register(app: dash.Dash, service: DashboardService) -> None:
    @app.callback(Output("url", "search", allow_duplicate=True),
                  Input("bd-dim", "value"), Input("bd-metric", "value"),
                  State("url", "search"), prevent_initial_call=True)
    def breakdown_options(dim: str | None, metric: str | None, search: str | None) -> str:
        new = urlstate.build({**urlstate.parse(search), "dim": dim, "metric": metric})
        if new == (search or ""):
            raise PreventUpdate
        return new


PAGE = Page("/breakdowns", "Breakdowns", render, callbacks=(register,),
            reads=lambda service, f: breakdowns.breakdown(service.layer, f, *options({})))

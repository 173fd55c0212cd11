"""Server timing & cache page."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
from dash import html

from dashboard.filters import Filters
from dashboard.panels import servertiming
from dashboard.panels.servertiming import ServerTiming
from dashboard.service import DashboardService
from dashboard.web.components import csv_link, figure, graph, message, table, time_axis
from dashboard.web.page import Page
from dashboard.web.plotlytext import plain

TOP_NAMES = 8


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.1f} %"


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f} ms"


def durations_figure(data: ServerTiming) -> go.Figure:
    top = {(n["source"], n["name"]) for n in data["names"][:TOP_NAMES]}
    fig = figure("p75 duration per server-timing name (ms)", 320)
    fig.update_layout(showlegend=True)
    time_axis(fig, data["window"])
    for s in data["series"]:
        if (s["source"], s["name"]) in top:
            fig.add_trace(go.Scatter(x=[p["t"] for p in s["points"]],
                                     y=[p["p75"] for p in s["points"]],
                                     mode="lines", name=plain(f"{s['name']} ({s['source']})")))
    return fig


def composition_figure(parts: dict[str, float]) -> go.Figure:
    fig = figure("TTFB composition (mean per part, ms)", 220)
    fig.add_trace(go.Bar(x=list(parts.values()), y=[plain(p) for p in parts],
                         orientation="h", marker_color="#1a73e8"))
    return fig


def hits_figure(data: ServerTiming) -> go.Figure:
    fig = figure("Cache hit rate over time", 320)
    fig.update_layout(showlegend=True, yaxis={"tickformat": ".0%", "range": [0, 1]})
    time_axis(fig, data["window"])
    for c in data["caches"]:
        fig.add_trace(go.Scatter(x=[p["t"] for p in c["points"]],
                                 y=[p["hit_rate"] for p in c["points"]], mode="lines",
                                 name=plain(f"{c['name']} ({c['source']})")))
    return fig


def render(service: DashboardService, f: Filters, params: dict[str, str]) -> list[Any]:
    data = servertiming.server_timing(service.layer, f)
    head = html.Div([csv_link("server-timing", f.query_string()),
                     html.Span("The segment filter does not apply here.", className="vs-sub")
                     if f.segment else None], className="vs-row")
    if not data["names"]:
        return [head, message(f"No server timings for {f.site} in this range: pages send "
                              "their Server-Timing header with the beacon, backends report "
                              "to /v1/server-timings.")]
    durations = durations_figure(data)
    parts = data["ttfb_composition"]["mean_ms"]
    composition = composition_figure(parts)
    hits = hits_figure(data)
    names = [{"source": n["source"], "name": n["name"], "samples": n["samples"],
              "p50": _ms(n["p50"]), "p75": _ms(n["p75"]), "p95": _ms(n["p95"]),
              "hit_rate": _pct(n["hit_rate"])} for n in data["names"]]
    caches = [{"source": c["source"], "name": c["name"], "hit_rate": _pct(c["hit_rate"]),
               "requests": c["cache_total"],
               "r_ttfb": "–" if c["correlation"]["TTFB"] is None
               else f"{c['correlation']['TTFB']:+.2f}",
               "r_lcp": "–" if c["correlation"]["LCP"] is None
               else f"{c['correlation']['LCP']:+.2f}"} for c in data["caches"]]
    return [
        head, graph(durations, "st-durations"),
        graph(composition, "st-composition") if parts else message(
            "No TTFB sub-parts reported in this range."),
        html.H4("Server-timing names"),
        table("st-names", names, [("source", "Source"), ("name", "Name"),
                                  ("samples", "Samples"), ("p50", "p50"), ("p75", "p75"),
                                  ("p95", "p95"), ("hit_rate", "Cache hit rate")],
              page_size=20),
        html.H4(["Caches ", csv_link("server-timing", {**f.query_string(), "table": "caches"})]),
        *([graph(hits, "st-hits"), table(
            "st-caches", caches, [("source", "Source"), ("name", "Cache"),
                                  ("hit_rate", "Hit rate"), ("requests", "With status"),
                                  ("r_ttfb", "Correlation with p75 TTFB"),
                                  ("r_lcp", "Correlation with p75 LCP")])]
          if caches else [message("No cache status reported in this range.")]),
    ]


PAGE = Page("/server-timing", "Server timing & cache", render,
            reads=lambda service, f: servertiming.server_timing(service.layer, f))

"""Small building blocks of the views: cards, messages, charts, tables, CSV links."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

import plotly.graph_objects as go
from dash import dash_table, dcc, html

from dashboard.filters import WindowJson
from dashboard.metrics import BY_NAME
from dashboard.web.plotlytext import plain
from dashboard.web.urlstate import build

DataTable: Any = getattr(dash_table, "DataTable")  # noqa: B009 - untyped in dash's stubs

COLORS = {"good": "#0c9d58", "needs-improvement": "#f5a623", "poor": "#e53935", None: "#777"}
BAND_COLORS = ("rgba(12,157,88,0.08)", "rgba(245,166,35,0.10)", "rgba(229,57,53,0.08)")


def message(text: str, kind: str = "empty") -> html.Div:
    return html.Div(text, className=f"vs-message vs-{kind}")


def fmt_share(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f} %"


def fmt_count(value: int | None) -> str:
    return "–" if value is None else f"{value:,}"


def csv_link(endpoint: str, params: dict[str, str]) -> html.A:
    return html.A("Download CSV", href=f"/api/v1/{endpoint}{build({**params, 'format': 'csv'})}",
                  className="vs-csv", download="")


def figure(title: str, height: int = 260) -> go.Figure:
    """An empty chart; `title` is shown as plain text (it may name a check or a step)."""
    fig = go.Figure()
    fig.update_layout(title={"text": plain(title), "font": {"size": 13}}, height=height,
                      margin={"l": 50, "r": 10, "t": 36, "b": 36}, template="plotly_white",
                      showlegend=False)
    return fig


def _axis_time(iso: str) -> str:
    # The series' own format (querylayer): UTC with a Z, which Plotly reads as wall time.
    moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def time_axis(fig: go.Figure, window: WindowJson) -> None:
    """The x axis spans the selected window, whatever the data: Plotly fits the axis to the
    points, so one point alone gets an axis a millisecond wide and a burst of points hides
    how much of the window had none."""
    fig.update_xaxes(type="date", range=[_axis_time(window["from"]),
                                         _axis_time(window["to"])])


def graph(fig: go.Figure, graph_id: str) -> dcc.Graph:
    return dcc.Graph(id=graph_id, figure=fig, config={"displaylogo": False})


def threshold_bands(fig: go.Figure, metric: str, top: float) -> None:
    good, poor = BY_NAME[metric].thresholds
    edges = (0.0, good, poor, max(top, poor * 1.2))
    for (low, high), color in zip(itertools.pairwise(edges), BAND_COLORS,
                                  strict=True):
        fig.add_hrect(y0=low, y1=high, fillcolor=color, line_width=0, layer="below")


def table(table_id: str, rows: list[dict[str, Any]], columns: list[tuple[str, str]],
          **kwargs: Any) -> Any:
    return DataTable(
        id=table_id, data=rows, columns=[{"id": c, "name": n} for c, n in columns],
        style_cell={"fontFamily": "system-ui, sans-serif", "fontSize": 13, "padding": "4px 8px",
                    "textAlign": "left"},
        style_header={"fontWeight": "600", "backgroundColor": "#f1f3f4"}, **kwargs)

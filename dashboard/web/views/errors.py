"""Errors page: a site's JS error groups in a server-paged, server-sorted table with a
sparkline of each group's occurrences over the window, and the detail of the group picked
(kept in the URL as `group`): its trend, pages, browsers, releases and sample stacks,
symbolicated with the release's source maps where it has them (docs/errors.md).

Messages, URLs, frames and release names come from beacons: they reach the page only as
text children of Dash components and as DataTable cells, which render text; the trend
chart draws counts and times only."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import dash
import plotly.graph_objects as go
from dash import Input, Output, State, html
from dash.exceptions import PreventUpdate

from dashboard.filters import FilterError, Filters, WindowJson
from dashboard.panels import errors
from dashboard.service import DashboardService
from dashboard.web import refresh, urlstate
from dashboard.web.components import figure, fmt_count, graph, message, table, time_axis
from dashboard.web.page import Page

PAGE_SIZE = 25
COLUMNS = [("type", "Type"), ("message", "Message"), ("top_frame", "Top frame"),
           ("trend", "Occurrences over the range"), ("occurrences", "Occurrences"),
           ("page_views", "Page views"), ("share", "Share of page views"),
           ("first_seen", "First seen (UTC)"), ("last_seen", "Last seen (UTC)"),
           ("releases", "Releases")]
# Table column -> sort key of the panel; the other columns do not sort (and show no arrow).
SORTS = {"occurrences": "occurrences", "page_views": "page_views", "share": "page_views",
         "first_seen": "first_seen", "last_seen": "last_seen"}
BARS = "▁▂▃▄▅▆▇█"


def sparkline(counts: list[int]) -> str:
    """Occurrences per slot as block characters (a blank slot had none): text, so the table
    keeps sorting and paging on the server and draws 25 rows without 25 charts."""
    top = max(counts, default=0)
    if top == 0:
        return " " * len(counts)
    return "".join(" " if c == 0 else BARS[min(len(BARS) - 1, (c * len(BARS) - 1) // top)]
                   for c in counts)


def _time(value: str) -> str:
    return value.replace("T", " ")[:16]


def _share(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.1f} %"


def table_rows(service: DashboardService, f: Filters, page: int,
               sort_by: list[dict[str, str]] | None) -> tuple[list[dict[str, Any]], int, int]:
    column = sort_by[0]["column_id"] if sort_by else "occurrences"
    sort = SORTS.get(column, "occurrences")
    descending = sort_by[0]["direction"] == "desc" if sort_by and column in SORTS else True
    data = errors.groups(service.layer, f, sort=sort, descending=descending, page=page,
                         page_size=PAGE_SIZE)
    rows = [{"fingerprint": g["fingerprint"], "type": g["type"], "message": g["message"],
             "top_frame": g["top_frame"], "trend": sparkline(g["trend"]["occurrences"]),
             "occurrences": g["occurrences"], "page_views": g["page_views"],
             "share": _share(g["page_view_share"]),
             "first_seen": _time(g["first_seen"]), "last_seen": _time(g["last_seen"]),
             "releases": ", ".join(r["value"] or "–" for r in g["releases"])
             + (" · new" if g["new_in_release"] else "")}
            for g in data["groups"]]
    return rows, max(1, -(-data["total"] // PAGE_SIZE)), data["total"]


def trend_figure(trend: dict[str, Any], window: WindowJson) -> go.Figure:
    fig = figure("Occurrences over the range", 220)
    time_axis(fig, window)
    start = datetime.fromisoformat(window["from"])
    step = timedelta(seconds=trend["slot_s"])
    counts = trend["occurrences"]
    fig.add_trace(go.Bar(
        x=[(start + i * step + step / 2).strftime("%Y-%m-%dT%H:%M:%SZ")
           for i in range(len(counts))],
        y=counts, width=step.total_seconds() * 1000 * 0.9, marker_color="#e53935",
        hovertemplate="%{x}<br>%{y} occurrences<extra></extra>"))
    return fig


def _breakdown(table_id: str, title: str, column: str,
               values: list[dict[str, Any]]) -> list[Any]:
    rows = [{"value": v["value"] or "(none)", "occurrences": v["occurrences"],
             "page_views": v["page_views"]} for v in values]
    return [html.H4(title), table(table_id, rows, [("value", column),
                                                   ("occurrences", "Occurrences"),
                                                   ("page_views", "Page views")])]


def _location(file: str, line: int | None, column: int | None) -> str:
    return ":".join(str(part) for part in (file, line, column) if part is not None)


def _frame(frame: dict[str, Any]) -> html.Li:
    minified = _location(frame["url"], frame["line"], frame["column"])
    original = frame["original"]
    if original is None:
        return html.Li([html.Code(frame["function"] or "(anonymous)"), " at ",
                        html.Code(minified, className="vs-frame-minified")],
                       className="vs-frame" + ("" if frame["in_app"] else " vs-frame-lib"))
    where = _location(original["file"], original["line"], original["column"])
    return html.Li([
        html.Code(original["function"] or frame["function"] or "(anonymous)"), " at ",
        html.Code(where, className="vs-frame-original"),
        html.Div(["minified: ", html.Code(minified, className="vs-frame-minified")],
                 className="vs-sub"),
    ], className="vs-frame")


def _sample(sample: dict[str, Any], index: int) -> html.Details:
    summary = (f"{_time(sample['ts'])} · release {sample['release'] or '(none)'} · "
               f"{sample['browser'] or 'unknown browser'} · {sample['page_group']}")
    body: list[Any] = [html.Div(["URL: ", html.Code(sample["url"])], className="vs-sub"),
                       html.Div(sample["message"], className="vs-sample-message")]
    if sample["note"]:
        body.append(html.P(sample["note"], className="vs-sub vs-sourcemap-note"))
    body.append(html.Ol([_frame(f) for f in sample["frames"]], className="vs-stack")
                if sample["frames"] else html.P("No stack was reported.", className="vs-sub"))
    return html.Details([html.Summary(summary), *body], open=index == 0,
                        id=f"error-sample-{index}", className="vs-sample")


def _detail(service: DashboardService, f: Filters, fingerprint: str) -> list[Any]:
    try:
        number = errors.check_fingerprint(fingerprint)
    except FilterError as exc:
        return [message(f"Cannot show this group: {exc}.", "error")]
    data = errors.group_detail(service.layer, f, number, service.symbolicator,
                               service.sourcemaps())
    if data is None:
        return [message("This error group has no occurrence in this range.")]
    g = data["group"]
    samples: list[Any] = [_sample(s, i) for i, s in enumerate(data["samples"])]
    facts = (f"{fmt_count(g['occurrences'])} occurrences · {fmt_count(g['page_views'])} page "
             f"views ({_share(g['page_view_share'])}) · first seen {_time(g['first_seen'])}"
             f" in release {g['first_release'] or '(none)'} · last seen {_time(g['last_seen'])}"
             + (" · new in the newest release" if g["new_in_release"] else ""))
    return [
        html.H3(f"{g['type']}: {g['message']}", id="error-title"),
        html.P(facts, className="vs-sub", id="error-facts"),
        html.P(["Top frame: ", html.Code(g["top_frame"] or "–")], className="vs-sub"),
        graph(trend_figure(g["trend"], data["window"]), "error-trend"),
        html.Div([html.Div(_breakdown("error-pages", "Pages", "Page group", g["top_pages"])),
                  html.Div(_breakdown("error-browsers", "Browsers", "Browser", g["browsers"])),
                  html.Div(_breakdown("error-releases", "Releases", "Release",
                                      g["releases"]))],
                 className="vs-row vs-top"),
        html.H4(f"Sample occurrences ({len(data['samples'])}, newest first)"),
        *(samples or [message("No sample occurrences kept for this range.")]),
    ]


def render(service: DashboardService, f: Filters, params: dict[str, str]) -> list[Any]:
    rows, count, total = table_rows(service, f, 0, None)
    head = html.Div([
        html.Span(f"{total:,} error groups", id="errors-total", className="vs-sub"),
        html.Span("The segment filter does not apply here.", className="vs-sub")
        if f.segment else None,
    ], className="vs-row")
    if total == 0:
        return [head, message(f"No JS errors for {f.site} in this range. Pages with the "
                              "beacon report uncaught errors and unhandled rejections.")]
    grid = table("errors-table", rows, COLUMNS, page_action="custom", page_current=0,
                 page_size=PAGE_SIZE, page_count=count, sort_action="custom", sort_by=[],
                 style_cell_conditional=[
                     {"if": {"column_id": "message"}, "maxWidth": "420px",
                      "whiteSpace": "normal"},
                     {"if": {"column_id": "trend"}, "fontFamily": "monospace",
                      "whiteSpace": "pre", "color": "#e53935"}])
    group = params.get("group")
    detail = _detail(service, f, group) if group else [
        html.P("Click an error group for its stacks, pages, browsers and releases.",
               className="vs-sub")]
    return [head, grid, html.Div(detail, id="error-detail")]


def register(app: dash.Dash, service: DashboardService) -> None:
    @app.callback(
        Output("errors-table", "data"), Output("errors-table", "page_count"),
        Output("errors-total", "children"),
        Input("errors-table", "page_current"), Input("errors-table", "sort_by"),
        refresh.live_tick(), State("url", "search"), prevent_initial_call=True,
        **refresh.paused_while_running(service.settings.refresh_s),
    )
    def errors_rows(page: int | None, sort_by: list[dict[str, str]] | None,
                    _tick: int | None, search: str | None) -> tuple[Any, ...]:
        params = urlstate.parse(search)
        try:
            f = service.filters(params.get("site"), params.get("range"), params.get("from"),
                                params.get("to"), params.get("segment"))
            rows, count, total = table_rows(service, f, page or 0, sort_by)
        except FilterError:
            raise PreventUpdate from None
        return rows, count, f"{total:,} error groups"

    @app.callback(Output("url", "search", allow_duplicate=True),
                  Input("errors-table", "active_cell"), State("errors-table", "data"),
                  State("url", "search"), prevent_initial_call=True)
    def open_group(cell: dict[str, Any] | None, rows: list[dict[str, Any]],
                   search: str | None) -> str:
        if not cell or cell.get("row") is None or cell["row"] >= len(rows or []):
            raise PreventUpdate
        new = urlstate.build({**urlstate.parse(search),
                              "group": rows[cell["row"]]["fingerprint"]})
        if new == (search or ""):
            raise PreventUpdate
        return new


# The table pages and sorts on the server and keeps the reader's page across refreshes.
PAGE = Page("/errors", "Errors", render, callbacks=(register,),
            live=("errors-table", "errors-total"))

"""Pages page: page groups by impact in a server-paged, server-sorted table, a minimum
sample filter, and the drill-down of the group picked (kept in the URL as `group`) with
its vitals, worst elements, server timings and top JS errors."""

from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, State, dcc, html
from dash.exceptions import PreventUpdate

from dashboard.filters import FilterError, Filters, check_page_group
from dashboard.metrics import BY_NAME, METRIC_NAMES
from dashboard.panels import errors, pages, scripts
from dashboard.panels.errors import PageError
from dashboard.service import DashboardService
from dashboard.web import refresh, urlstate
from dashboard.web.components import COLORS, csv_link, message, table
from dashboard.web.page import Page
from dashboard.web.views import scripts as scripts_view

PAGE_SIZE = 25
# nav_type as the SDK sends it; `soft`: an SPA route change, its own page view.
NAV_TYPES = {"navigate": "page load", "soft": "soft (route change)", "": "(unknown)"}
COLUMNS = [("page_group", "Page group"), ("impact", "Impact (poor samples)"),
           ("samples", "Samples"), ("poor_share", "Poor share"),
           *((f"p75_{m}", f"p75 {m}") for m in METRIC_NAMES)]


def _number(value: str | float | None) -> float | None:
    return None if value is None else float(value)


def table_rows(service: DashboardService, f: Filters, min_samples: int, page: int,
               sort_by: list[dict[str, str]] | None) -> tuple[list[dict[str, Any]], int, int]:
    sort = sort_by[0]["column_id"] if sort_by else "impact"
    descending = sort_by[0]["direction"] == "desc" if sort_by else True
    data = pages.pages(service.layer, f, min_samples=min_samples, sort=sort,
                       descending=descending, page=page, page_size=PAGE_SIZE)
    rows = []
    for row in data["rows"]:
        shown: dict[str, Any] = {"page_group": row["page_group"], "impact": row["impact"],
                                 "samples": row["samples"],
                                 "poor_share": f"{(_number(row['poor_share']) or 0) * 100:.1f} %"}
        for m in METRIC_NAMES:
            shown[f"p75_{m}"] = BY_NAME[m].display(_number(row[f"p75_{m}"]))
            shown[f"rating_{m}"] = row[f"rating_{m}"] or ""
        rows.append(shown)
    pages_count = max(1, -(-data["total"] // PAGE_SIZE))
    return rows, pages_count, data["total"]


def _rating_styles() -> list[dict[str, Any]]:
    return [{"if": {"column_id": f"p75_{m}", "filter_query": f'{{rating_{m}}} = "{rating}"'},
             "color": color} for m in METRIC_NAMES for rating, color in COLORS.items() if rating]


def _detail(service: DashboardService, f: Filters, group: str) -> list[Any]:
    data = pages.page_detail(service.layer, f, check_page_group(group))
    if not any(m["samples"] for m in data["metrics"]):
        return [html.H3(f"Page group {group}", id="drill-title"),
                message(f"No samples for page group {group!r} in this range."),
                html.H4("Top JS errors"),
                _top_errors(errors.page_top_errors(service.layer, f, group), f)]
    vitals = [{"metric": m["metric"], "p75": BY_NAME[m["metric"]].display(m["p75"]),
               "rating": m["rating"] or "", "samples": m["samples"],
               "poor": f"{(m['poor_share'] or 0) * 100:.1f} %"} for m in data["metrics"]]
    elements = [{**e, "p75": BY_NAME[e["metric"]].display(e["p75"])}
                for e in data["worst_elements"]]
    timings = [{"source": t["source"], "name": t["name"], "samples": t["samples"],
                "p75": f"{t['p75']:.1f} ms" if t["p75"] is not None else "–",
                "hit_rate": "–" if t["hit_rate"] is None else f"{t['hit_rate'] * 100:.1f} %"}
               for t in data["server_timings"]]
    params = {**f.query_string(), "page_group": group}
    navigation = [{"nav_type": NAV_TYPES.get(n["nav_type"], n["nav_type"]),
                   "metric": n["metric"], "p75": BY_NAME[n["metric"]].display(n["p75"]),
                   "rating": n["rating"] or "", "samples": n["samples"],
                   "poor": f"{(n['poor_share'] or 0) * 100:.1f} %"}
                  for n in data["navigation_types"]]
    slow = scripts.slow_scripts(service.layer, f, group)
    return [
        html.H3(f"Page group {group}", id="drill-title"),
        csv_link("pages/detail", {**params, "table": "metrics"}),
        table("drill-vitals", vitals, [("metric", "Vital"), ("p75", "p75"),
                                       ("rating", "Rating"), ("samples", "Samples"),
                                       ("poor", "Poor")]),
        html.H4(["Worst elements (attribution) ",
                 csv_link("pages/detail", {**params, "table": "worst_elements"})]),
        table("drill-elements", elements, [("metric", "Vital"), ("target", "Element"),
                                           ("poor", "Poor samples"), ("samples", "Samples"),
                                           ("p75", "p75")])
        if elements else message("No attribution elements reported for this page group."),
        html.H4(["By navigation type (soft: route changes of a single-page app) ",
                 csv_link("pages/detail", {**params, "table": "navigation_types"})]),
        table("drill-navigation", navigation, [("nav_type", "Navigation"),
                                               ("metric", "Vital"), ("p75", "p75"),
                                               ("rating", "Rating"), ("samples", "Samples"),
                                               ("poor", "Poor")])
        if navigation else message("No vitals per navigation type in this range."),
        html.H4(["Scripts behind slow interactions ",
                 dcc.Link("on the Scripts page", href="/dashboard/scripts" + urlstate.build(
                     {**f.query_string(), "group": group}))]),
        scripts_view.summary(slow),
        scripts_view.scripts_table(slow, "drill-scripts"),
        html.H4(["Server timings ",
                 csv_link("pages/detail", {**params, "table": "server_timings"})]),
        table("drill-timings", timings, [("source", "Source"), ("name", "Name"),
                                         ("samples", "Samples"), ("p75", "p75"),
                                         ("hit_rate", "Cache hit rate")])
        if timings else message("No server timings for this page group in this range."),
        html.H4("Top JS errors"),
        _top_errors(errors.page_top_errors(service.layer, f, group), f),
    ]


def _top_errors(found: list[PageError], f: Filters) -> Any:
    if not found:
        return message("No JS errors on this page group in this range.")
    rows = [html.Tr([
        html.Td(dcc.Link(f"{e['type']}: {e['message']}", href=f"/dashboard/errors"
                         f"{urlstate.build({**f.query_string(), 'group': e['fingerprint']})}")),
        html.Td(e["top_frame"], className="vs-error-text"),
        html.Td(f"{e['occurrences']:,}"), html.Td(f"{e['page_views']:,}"),
    ]) for e in found]
    return html.Table([html.Thead(html.Tr([html.Th(h) for h in (
        "Error", "Top frame", "Occurrences", "Page views")])), html.Tbody(rows)],
        className="vs-table", id="drill-errors")


def render(service: DashboardService, f: Filters, params: dict[str, str]) -> list[Any]:
    min_samples = int(params.get("min", service.settings.min_samples)) \
        if params.get("min", "").isdigit() else service.settings.min_samples
    rows, count, total = table_rows(service, f, min_samples, 0, None)
    head = html.Div([
        html.Label("Minimum samples"),
        dcc.Input(id="pages-min", type="number", min=0, value=min_samples, debounce=True,
                  style={"width": "90px"}),
        html.Span(f"{total:,} page groups", id="pages-total", className="vs-sub"),
        csv_link("pages", {**f.query_string(), "min_samples": str(min_samples),
                           "page_size": "500"}),
        html.Span("The segment filter does not apply here.", className="vs-sub")
        if f.segment else None,
    ], className="vs-row")
    if total == 0:
        return [head, message(f"No page groups with at least {min_samples} samples for "
                              f"{f.site} in this range.")]
    grid = table("pages-table", rows, COLUMNS, page_action="custom", page_current=0,
                 page_size=PAGE_SIZE, page_count=count, sort_action="custom", sort_by=[],
                 style_data_conditional=_rating_styles())
    group = params.get("group")
    detail = _detail(service, f, group) if group else [
        html.P("Click a page group for its drill-down.", className="vs-sub")]
    return [head, grid, html.Div(detail, id="drill")]


def register(app: dash.Dash, service: DashboardService) -> None:
    @app.callback(
        Output("pages-table", "data"), Output("pages-table", "page_count"),
        Output("pages-total", "children"),
        Input("pages-table", "page_current"), Input("pages-table", "sort_by"),
        Input("pages-min", "value"), refresh.live_tick(), State("url", "search"),
        prevent_initial_call=True, **refresh.paused_while_running(service.settings.refresh_s),
    )
    def pages_rows(page: int | None, sort_by: list[dict[str, str]] | None,
                   min_samples: int | None, _tick: int | None, search: str | None
                   ) -> tuple[Any, ...]:
        params = urlstate.parse(search)
        try:
            f = service.filters(params.get("site"), params.get("range"), params.get("from"),
                                params.get("to"), params.get("segment"))
            rows, count, total = table_rows(service, f, max(0, int(min_samples or 0)),
                                            page or 0, sort_by)
        except FilterError:
            raise PreventUpdate from None
        return rows, count, f"{total:,} page groups"

    @app.callback(Output("url", "search", allow_duplicate=True),
                  Input("pages-table", "active_cell"), State("pages-table", "data"),
                  State("url", "search"), prevent_initial_call=True)
    def drill(cell: dict[str, Any] | None, rows: list[dict[str, Any]], search: str | None
              ) -> str:
        if not cell or cell.get("row") is None or cell["row"] >= len(rows or []):
            raise PreventUpdate
        new = urlstate.build({**urlstate.parse(search),
                              "group": rows[cell["row"]]["page_group"]})
        if new == (search or ""):
            raise PreventUpdate
        return new


# The table pages and sorts on the server and keeps the reader's page across refreshes.
PAGE = Page("/pages", "Pages", render, callbacks=(register,),
            live=("pages-table", "pages-total"))

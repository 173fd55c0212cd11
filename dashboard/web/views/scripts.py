"""Scripts page: the scripts behind slow interactions of a site, or of the page group in the
URL (`group`): per script its URL, host, first or third party, its share of the poor INP
samples and the p75 of its duration. Script URLs and hosts are beacon-sent: table cells only
(DataTable renders text)."""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from dashboard.filters import Filters, check_page_group
from dashboard.panels import scripts
from dashboard.panels.scripts import SlowScripts
from dashboard.service import DashboardService
from dashboard.web.components import csv_link, message, table
from dashboard.web.page import Page
from dashboard.web.urlstate import build

PARTIES = {"first": "first party", "third": "third party", "": "unknown"}
COLUMNS = [("url", "Script URL"), ("host", "Host"), ("party", "Party"),
           ("poor_share", "Share of poor INP"), ("poor", "Poor INP samples"),
           ("samples", "INP samples"), ("p75_duration", "p75 script duration")]


def scripts_table(data: SlowScripts, table_id: str) -> Any:
    if not data["rows"]:
        return message("No INP sample named a script in this range." if data["inp_samples"]
                       else "No INP samples in this range.")
    rows = [{"url": r["url"], "host": r["host"], "party": PARTIES.get(r["party"], r["party"]),
             "poor_share": "–" if r["poor_share"] is None else f"{r['poor_share'] * 100:.1f} %",
             "poor": r["poor"], "samples": r["samples"],
             "p75_duration": "–" if r["p75_duration"] is None
             else f"{r['p75_duration']:.0f} ms"} for r in data["rows"]]
    return table(table_id, rows, COLUMNS, style_cell_conditional=[
        {"if": {"column_id": "url"}, "maxWidth": "480px", "overflow": "hidden",
         "textOverflow": "ellipsis"}])


def summary(data: SlowScripts) -> html.Span:
    return html.Span(f"{data['poor_inp']:,} poor of {data['inp_samples']:,} INP samples · "
                     f"{data['window']['from'][:16]} → {data['window']['to'][:16]} UTC "
                     "(whole hours)", className="vs-sub")


def render(service: DashboardService, f: Filters, params: dict[str, str]) -> list[Any]:
    group = params.get("group")
    data = scripts.slow_scripts(service.layer, f, check_page_group(group) if group else None)
    query = {**f.query_string(), "page_group": group or ""}
    head = html.Div([
        html.H3("Scripts behind slow interactions"
                + (f" · page group {group}" if group else ""), id="scripts-title"),
        summary(data), csv_link("scripts", query),
        dcc.Link("whole site", href=f"/dashboard/scripts{build(f.query_string())}")
        if group else None,
        html.Span("The segment filter does not apply here.", className="vs-sub")
        if f.segment else None,
    ], className="vs-row")
    return [head, scripts_table(data, "scripts-table")]


PAGE = Page("/scripts", "Scripts", render)

"""Synthetics page: status grid of the checks, then for the check picked (URL `check`) its
run history with failure screenshots, the steps of a run (URL `run`, default the latest),
step p75 over time, and lab against field vitals."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
from dash import dcc, html

from dashboard.filters import Filters
from dashboard.metrics import BY_NAME
from dashboard.panels import synthetics
from dashboard.panels.synthetics import (
    CheckRow,
    LabVsField,
    RunDetail,
    RunHistory,
    StepTimings,
)
from dashboard.service import DashboardService
from dashboard.web.components import (
    COLORS,
    csv_link,
    figure,
    fmt_share,
    graph,
    message,
    time_axis,
)
from dashboard.web.page import Page
from dashboard.web.plotlytext import plain
from dashboard.web.urlstate import build
from synthetics.service import artifacts_root

STATUS_COLORS = {"passed": COLORS["good"], "flaky": COLORS["needs-improvement"],
                 "failed": COLORS["poor"], None: COLORS[None]}
HISTORY_ROWS = 50


def _link(text: str, params: dict[str, str], **changes: str | None) -> dcc.Link:
    return dcc.Link(text, href=build({**params, **changes}))


def _status(value: str | None, element_id: str | None = None) -> html.Span:
    text, style = value or "no runs yet", {"color": STATUS_COLORS.get(value, COLORS[None])}
    css = f"vs-status vs-status-{value or 'none'}"
    if element_id:
        return html.Span(text, id=element_id, className=css, style=style)
    return html.Span(text, className=css, style=style)


def _ms(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value / 1000:.2f} s" if value >= 1000 else f"{value:.0f} ms"


def _table(table_id: str, header: list[str], rows: list[list[Any]]) -> html.Table:
    return html.Table([html.Thead(html.Tr([html.Th(h) for h in header])),
                       html.Tbody([html.Tr([html.Td(c) for c in row]) for row in rows])],
                      id=table_id, className="vs-table")


def _grid(checks: list[CheckRow], params: dict[str, str], picked: str | None
          ) -> html.Table:
    rows = []
    for c in checks:
        name = c["check"]
        rows.append([
            _link(name, params, check=name, run=None),
            c["location"], c["site"] or "any site", _status(c["last_status"], f"status-{name}"),
            (c["last_started_at"] or "–")[:19].replace("T", " "),
            f"{c['runs']:,}", html.Span(fmt_share(c["flake_rate"]), id=f"flake-{name}"),
            fmt_share(c["failure_rate"]), _ms(c["p75_duration_ms"]),
            "not configured" if not c["configured"] else "" if c["enabled"] else "disabled",
            (c["last_error"] or "")[:120],
        ])
    table = _table("synth-grid", ["Check", "Location", "Site", "Last result", "Last run (UTC)",
                                  "Runs", "Flake rate", "Failure rate", "p75 duration",
                                  "State", "Last error"], rows)
    for tr, c in zip(table.children[1].children, checks, strict=True):
        if c["check"] == picked:
            tr.className = "vs-picked"
    return table


def _history(data: RunHistory, params: dict[str, str], run: str | None) -> Any:
    runs = data["runs"]
    if not runs:
        return message(f"No runs of {data['check']} in this range yet.")
    rows = []
    for r in runs[:HISTORY_ROWS]:
        shot: Any = html.A(html.Img(src=r["screenshot_url"], className="vs-thumb",
                                    alt=f"screenshot of run {r['run_id']}"),
                           href=r["screenshot_url"], target="_blank") \
            if r["screenshot_url"] else html.Span("no longer here", className="vs-sub") \
            if r["screenshot"] else ""
        trace = html.A("trace", href=r["trace_url"], download="") if r["trace_url"] else ""
        when = r["started_at"][:19].replace("T", " ")
        rows.append([
            html.Strong(when) if r["run_id"] == run else _link(when, params, run=r["run_id"]),
            _status(r["status"]), _ms(r["duration_ms"]), str(r["attempts"]),
            str(r["failed_step"] or ""), html.Span(r["error"], className="vs-error-text"),
            html.Span([shot, " ", trace]),
        ])
    return _table("synth-runs", ["Started (UTC)", "Status", "Duration", "Attempts",
                                 "Failed step", "Error", "Screenshot"], rows)


def steps_figure(detail: RunDetail) -> go.Figure:
    steps = detail["steps"]
    fig = figure(f"Steps of run {detail['run']['run_id'][:12]} (offset and duration, ms)",
                 max(220, 60 + 22 * len(steps)))
    labels = [plain(f"#{s['attempt']}.{s['step']} {s['name'] or s['action']}"[:60])
              for s in steps]
    fig.add_trace(go.Bar(
        y=labels, x=[s["duration_ms"] for s in steps], base=[s["offset_ms"] for s in steps],
        orientation="h", marker_color=[STATUS_COLORS.get(s["status"], COLORS[None])
                                       for s in steps],
        # An error can quote the page it failed on.
        customdata=[plain(s["error"] or s["status"]) for s in steps],
        hovertemplate="%{y}<br>%{x:.0f} ms<br>%{customdata}<extra></extra>"))
    fig.update_yaxes(autorange="reversed")
    return fig


def _run_detail(service: DashboardService, check: str, run: str) -> list[Any]:
    detail = synthetics.run_detail(service.layer, check, run, artifacts_root(service.runtime))
    if detail is None:
        return [message(f"No run {run} of {check}.", "error")]
    if not detail["steps"]:
        return [message("This run recorded no steps.")]
    run_row = detail["run"]
    extra = []
    for key, found, what in (("console_errors", run_row["console_errors"], "console error"),
                             ("failed_requests", run_row["failed_requests"],
                              "failed request")):
        if found:
            extra.append(html.Details([
                html.Summary(f"{len(found)} {what}{'s' if len(found) != 1 else ''}"),
                html.Ul([html.Li(e) for e in found])], id=f"synth-{key}"))
    return [graph(steps_figure(detail), "synth-steps"), *extra]


def _timings(data: StepTimings) -> Any:
    if not data["steps"]:
        return message("No passed steps in this range to chart.")
    return graph(timings_figure(data), "synth-step-timings")


def timings_figure(data: StepTimings) -> go.Figure:
    fig = figure(f"p75 duration per step ({data['bucket_s'] // 60} min buckets, ms)", 300)
    fig.update_layout(showlegend=True)
    time_axis(fig, data["window"])
    for s in data["steps"]:
        fig.add_trace(go.Scatter(x=[p["t"] for p in s["points"]],
                                 y=[p["p75_duration_ms"] for p in s["points"]],
                                 mode="lines+markers",
                                 name=plain(f"{s['step']}. {s['name']}"[:40])))
    return fig


def _lab_vs_field(data: LabVsField) -> Any:
    if not data["rows"]:
        return message("No lab vitals in this range: they come from the pages a run visits.")

    def shown(metric: str, value: float | None, rating: str | None) -> html.Span:
        text = BY_NAME[metric].display(value) if metric in BY_NAME else f"{value}"
        return html.Span(text, style={"color": COLORS.get(rating, COLORS[None])})

    rows = [[r["page_group"], r["metric"], shown(r["metric"], r["lab_p75"], r["lab_rating"]),
             f"{r['lab_samples']:,}", shown(r["metric"], r["field_p75"], r["field_rating"])
             if r["field_samples"] else "no real-user samples", f"{r['field_samples']:,}"]
            for r in data["rows"]]
    return _table("synth-lab-field", ["Page group", "Vital", "Lab p75", "Lab samples",
                                      f"Field p75 ({data['field_site']})", "Field samples"],
                  rows)


def render(service: DashboardService, f: Filters, params: dict[str, str]) -> list[Any]:
    grid = synthetics.status_grid(service.layer, service.runtime.settings, f)
    window = grid["window"]
    head = html.Div([
        html.Span(f"{f.site} · {window['from'][:16]} → {window['to'][:16]} UTC",
                  className="vs-window"),
        csv_link("synthetics/checks", f.query_string()),
        html.Span("The segment filter does not apply here.", className="vs-sub")
        if f.segment else None,
    ], className="vs-row")
    others = html.P(f"Checks of other sites: {', '.join(grid['other_sites'])}.",
                    className="vs-sub") if grid["other_sites"] else None
    if not grid["checks"]:
        if not grid["configured"] and not grid["other_sites"]:
            return [head, message(
                "No synthetic checks are configured: add them under `synthetics.checks` in "
                "the configuration (docs/synthetics.md); their status, run history, step "
                "timings and failure screenshots appear here after their first run.")]
        return [head, message(f"No synthetic checks for {f.site} in this range yet."), others]
    names = [c["check"] for c in grid["checks"]]
    check = params.get("check")
    if check is None:
        ranked = sorted(grid["checks"], key=lambda c: (c["last_status"] != "failed",
                                                       c["runs"] == 0))
        check = ranked[0]["check"]
    elif check not in names:
        return [head, _grid(grid["checks"], params, None), others,
                message(f"No check named {synthetics.check_name(check)!r} for {f.site}.",
                        "error")]
    out: list[Any] = [head, _grid(grid["checks"], params, check), others,
                      html.H3(f"Check {check}", id="synth-title")]
    if not any(c["runs"] for c in grid["checks"] if c["check"] == check):
        out.append(message(f"No runs of {check} in this range yet: its first run shows here "
                           "(`vitalscope synthetics run " + check + "` runs it now)."))
        return out
    history = synthetics.run_history(service.layer, f, check, artifacts_root(service.runtime),
                                     HISTORY_ROWS)
    run = params.get("run") or (history["runs"][0]["run_id"] if history["runs"] else None)
    out += [html.H4(["Run history ", csv_link(f"synthetics/checks/{check}/runs",
                                              {**f.query_string(), "limit": "500"})]),
            _history(history, params, run)]
    if run:
        out += [html.H4("Step timings of the run"),
                *_run_detail(service, check, synthetics.run_id(run))]
    out += [html.H4("Step p75 over time"),
            _timings(synthetics.step_timings(service.layer, f, check)),
            html.H4(["Lab vs field vitals ",
                     csv_link(f"synthetics/checks/{check}/lab-vs-field", f.query_string())]),
            _lab_vs_field(synthetics.lab_vs_field(service.layer, f, check))]
    return out


PAGE = Page("/synthetics", "Synthetics", render)

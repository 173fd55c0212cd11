"""Alerts page: firing and pending alerts with their numbers (and for regressions the effect
size, p-value and top causes), history over the selected range, rules, silences (with the
form in silenceform.py), delivery attempts, dead letters and receivers.

The page is two live blocks around the silence form: the refresh rewrites the blocks, never
the form a user may be typing in, and only a block whose content changed, so a button the
user is about to click (Expire) is not replaced under the pointer."""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

import dash
import plotly.utils
from dash import Output, State, dcc, html
from dash.exceptions import PreventUpdate

from dashboard.filters import FilterError, Filters
from dashboard.metrics import BY_NAME
from dashboard.panels import alerts as data
from dashboard.service import DashboardService
from dashboard.web import refresh, urlstate
from dashboard.web.components import message, table
from dashboard.web.page import Page
from dashboard.web.views import silenceform

log = logging.getLogger("vitalscope.dashboard")


def _value(alert: dict[str, Any]) -> str:
    metric = BY_NAME.get(alert["labels"].get("metric", ""))
    return metric.display(alert["value"]) if metric else f"{alert['value']:.4g}"


def _time(iso: str | None) -> str:
    return "–" if not iso else iso[:19].replace("T", " ")


def _labels(labels: dict[str, str]) -> str:
    hidden = {"rule", "kind", "severity"}
    return ", ".join(f"{k}={v}" for k, v in sorted(labels.items()) if k not in hidden)


def _cause(cause: dict[str, Any]) -> str:
    change = cause.get("change")
    if cause.get("dimension") == "cache":
        moved = f"hit ratio {change:+.0%}" if change is not None else ""
    else:
        moved = f"{change:+.0%}" if change is not None else ""
    return f"{cause.get('dimension')}={cause.get('value')} {moved}".strip()


def _active(service: DashboardService) -> list[Any]:
    rows = [{"state": a["state"], "rule": a["rule"], "labels": _labels(a["labels"]),
             "since": _time(a["since"]), "value": _value(a), "summary": a["summary"],
             "effect": "–" if a["effect_size"] is None else f"{a['effect_size']:+.1%}",
             "p_value": "–" if a["p_value"] is None else f"{a['p_value']:.2g}",
             "causes": "; ".join(_cause(c) for c in a["causes"]) or "–"}
            for a in data.active(service)]
    if not rows:
        return [html.H4("Firing and pending"), message("Nothing is firing or pending.")]
    return [html.H4("Firing and pending"), table(
        "al-active", rows,
        [("state", "State"), ("rule", "Rule"), ("labels", "Labels"), ("since", "Since"),
         ("value", "Value"), ("summary", "Summary"), ("effect", "Effect size"),
         ("p_value", "p-value"), ("causes", "Top causes")],
        style_data_conditional=[{"if": {"filter_query": '{state} = "firing"',
                                        "column_id": "state"},
                                 "color": "#e53935", "fontWeight": "600"}],
        style_cell_conditional=[{"if": {"column_id": c}, "whiteSpace": "normal",
                                 "minWidth": "220px"} for c in ("summary", "causes")])]


def _history(service: DashboardService, f: Filters) -> list[Any]:
    history = data.history(service, f)
    window = history["window"]
    title = html.H4(["History ", html.Span(f"{window['from']} to {window['to']}",
                                           className="vs-sub")])
    rows = [{"ts": _time(r["ts"]), "rule": r["rule"], "state": r["state"], "site": r["site"] or "–",
             "labels": _labels(r["labels"]), "summary": r["summary"]}
            for r in history["rows"]]
    if not rows:
        return [title, message("No alert changed state in this range.")]
    if len(rows) >= history["limit"]:
        title.children.append(html.Span(f" (the latest {history['limit']} changes)",
                                        className="vs-sub"))
    return [title, table("al-history", rows,
                         [("ts", "Time"), ("rule", "Rule"), ("state", "State"),
                          ("site", "Site"), ("labels", "Labels"), ("summary", "Summary")],
                         page_size=15)]


def _rules(service: DashboardService) -> list[Any]:
    rows = [{"name": r["name"], "source": "file" if r["source"] == "config" else "API",
             "kind": r["kind"], "site": r.get("site") or "–", "parameters": r["parameters"],
             "severity": r["severity"], "state": r["state"]} for r in data.rules(service)]
    if not rows:
        return [html.H4("Rules"), message(
            "No alert rules: add them under alerting.rules in the configuration file or "
            "with POST /admin/v1/alerts/rules (see docs/alerting.md).")]
    return [html.H4("Rules"), table(
        "al-rules", rows, [("name", "Rule"), ("source", "From"), ("kind", "Kind"),
                           ("site", "Site"), ("parameters", "Watches"),
                           ("severity", "Severity"), ("state", "State")])]


def _deliveries(service: DashboardService) -> list[Any]:
    found = data.deliveries(service)
    receivers = [{"name": r["name"], "type": r["type"], "secrets": r["secrets"],
                  "status": "enabled" if not r["disabled"] else
                  f"disabled: {r['disabled'].get('reason', '')}"} for r in found["receivers"]]
    attempts = [{"ts": _time(a["ts"]), "receiver": a["receiver"], "kind": a["kind"],
                 "attempt": a["attempt"], "outcome": a["outcome"],
                 "status": a["status_code"] or "–", "latency": f"{a['latency_ms']:.0f} ms",
                 "webhook_id": a["notification_id"], "error": a["error"] or ""}
                for a in found["attempts"]]
    dead = [{"id": d.get("id", ""), "receiver": d.get("receiver", ""),
             "attempt": d.get("attempt", ""), "reason": d.get("reason", "")}
            for d in found["dead_letters"]]
    return [
        html.H4("Receivers"),
        table("al-receivers", receivers, [("name", "Receiver"), ("type", "Type"),
                                          ("secrets", "Secrets"), ("status", "Status")])
        if receivers else message("No receivers configured: alerts are kept in the history "
                                  "but sent nowhere."),
        html.H4("Delivery attempts"),
        table("al-deliveries", attempts,
              [("ts", "Time"), ("receiver", "Receiver"), ("kind", "Kind"),
               ("attempt", "Attempt"), ("outcome", "Outcome"), ("status", "HTTP status"),
               ("latency", "Latency"), ("webhook_id", "webhook-id"), ("error", "Error")],
              page_size=15)
        if attempts else message("No notification has been sent yet."),
        html.H4("Dead letters"),
        table("al-dead", dead, [("id", "webhook-id"), ("receiver", "Receiver"),
                                ("attempt", "Attempts"), ("reason", "Reason")])
        if dead else message("No dead letters: every notification was delivered or is "
                             "still being retried."),
    ]


def live_blocks(service: DashboardService, f: Filters) -> tuple[list[Any], list[Any]]:
    """The refreshed parts: above the silence form and below it."""
    above = [*_active(service), *_history(service, f), *_rules(service)]
    below = [silenceform.silences_table(data.silences(service)), *_deliveries(service)]
    return above, below


def _signature(block: list[Any]) -> str:
    text = json.dumps(block, cls=plotly.utils.PlotlyJSONEncoder, sort_keys=True)
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def render(service: DashboardService, f: Filters, params: dict[str, str]) -> list[Any]:
    above, below = live_blocks(service, f)
    return [
        html.Div("Alerts of every site; the history covers the selected range.",
                 className="vs-sub"),
        dcc.Store(id="al-live-signatures", data=[_signature(above), _signature(below)]),
        html.Div(above, id="al-live-a"),
        html.H4("Silences"),
        silenceform.form(service.runtime.settings.alerting.silence_duration),
        html.Div(below, id="al-live-b"),
    ]


def register(app: dash.Dash, service: DashboardService) -> None:
    @app.callback(Output("al-live-a", "children"), Output("al-live-b", "children"),
                  Output("al-live-signatures", "data"),
                  refresh.live_tick(), State("url", "search"),
                  State("al-live-signatures", "data"), prevent_initial_call=True,
                  **refresh.paused_while_running(service.settings.refresh_s))
    def refresh_blocks(_tick: int | None, search: str | None,
                       shown: list[str] | None) -> tuple[Any, Any, list[str]]:
        params = urlstate.parse(search)
        try:
            f = service.filters(params.get("site"), params.get("range"), params.get("from"),
                                params.get("to"), params.get("segment"))
        except FilterError:
            raise PreventUpdate from None
        try:
            blocks = live_blocks(service, f)
        except Exception:
            log.exception("alerts page refresh failed")
            failed = [message("The alerts could not be loaded (the server log has the "
                              "details). They are retried on the next refresh.", "error")]
            blocks = (failed, [])
        signatures = [_signature(block) for block in blocks]
        shown = shown or ["", ""]
        changed = [block if signature != before else dash.no_update
                   for block, signature, before in zip(blocks, signatures, shown, strict=True)]
        return changed[0], changed[1], signatures


# Live blocks around the silence form, so a refresh never clears what is being typed.
PAGE = Page("/alerts", "Alerts", render, callbacks=(register, silenceform.register),
            live=("al-live-a", "al-live-b"))

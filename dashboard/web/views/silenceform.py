"""Silences on the Alerts page: the table (expire button per active silence) and the form
that creates one. Both go through alerting.silences.SilenceStore, the code the admin API and
the CLI use, so a silence made here is the same object `vitalscope alerts silence list`
shows."""

from __future__ import annotations

from typing import Any

import dash
import flask
from dash import ALL, Input, Output, State, dcc, html
from dash.exceptions import PreventUpdate

from alerting.silences import SilenceError, SilenceStore
from dashboard.login import USER_HEADER
from dashboard.panels import alerts as data
from dashboard.service import DashboardService
from vitalscope.config.alerting import parse_duration

MAX_MATCHERS = 20
MAX_COMMENT = 500
MAX_MATCHER = 200


def form(default_s: float) -> html.Div:
    return html.Div([
        dcc.Textarea(id="al-matchers", placeholder="one matcher per line, e.g.\nsite=shop\n"
                     "rule=~checkout.*", style={"width": "260px", "height": "64px"}),
        dcc.Input(id="al-duration", value=data.duration_text(default_s), debounce=False,
                  placeholder="duration, e.g. 2h", style={"width": "90px"}),
        dcc.Input(id="al-comment", placeholder="comment (why)", debounce=False,
                  maxLength=MAX_COMMENT, style={"width": "260px"}),
        html.Button("Silence", id="al-silence-add", n_clicks=0),
        html.Div(id="al-silence-msg", className="vs-sub"),
        dcc.Store(id="al-expire-request"),
    ], className="vs-row vs-silence-form")


def silences_table(rows: list[dict[str, Any]]) -> html.Div:
    if not rows:
        return html.Div(html.Div("No silences: every matching alert is notified.",
                                 className="vs-message vs-empty"), id="al-silences-box")
    head = html.Tr([html.Th(t) for t in ("State", "Matchers", "Ends", "Comment", "By",
                                         "ID", "")])
    body = [html.Tr([
        html.Td(s["state"]), html.Td(", ".join(s["matchers"])), html.Td(s["ends"]),
        html.Td(s["comment"]), html.Td(s["created_by"] or "–"), html.Td(s["id"]),
        html.Td(html.Button("Expire", id={"type": "al-expire", "index": s["id"]},
                            n_clicks=0) if s["state"] != "expired" else ""),
    ], className=f"vs-silence-{s['state']}") for s in rows]
    return html.Div(html.Table([html.Thead(head), html.Tbody(body)], id="al-silences",
                               className="vs-table"), id="al-silences-box")


def _matchers(text: str | None) -> list[str]:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if len(lines) > MAX_MATCHERS:
        raise SilenceError(f"at most {MAX_MATCHERS} matchers")
    for line in lines:
        if len(line) > MAX_MATCHER:
            raise SilenceError(f"a matcher has at most {MAX_MATCHER} characters")
    return lines


def _signed_in() -> str:
    """The signed-in user as the login guard passed it on, so a silence says who made it."""
    user = flask.request.headers.get(USER_HEADER.decode(), "")
    return f"{user} (dashboard)" if user else "dashboard"


def register(app: dash.Dash, service: DashboardService) -> None:
    store = SilenceStore(service.runtime.redis)
    default_s = service.runtime.settings.alerting.silence_duration

    @app.callback(Output("al-silence-msg", "children"),
                  Output("al-silences-box", "children", allow_duplicate=True),
                  Output("al-matchers", "value"),
                  Input("al-silence-add", "n_clicks"), State("al-matchers", "value"),
                  State("al-duration", "value"), State("al-comment", "value"),
                  prevent_initial_call=True)
    def add(clicks: int | None, matchers: str | None, duration: str | None,
            comment: str | None) -> tuple[Any, ...]:
        if not clicks:
            raise PreventUpdate
        try:
            seconds = float(parse_duration(duration.strip())) if duration and \
                duration.strip() else default_s
            made = store.add(_matchers(matchers), seconds,
                             comment=(comment or "")[:MAX_COMMENT], created_by=_signed_in())
        except (SilenceError, ValueError) as exc:
            return (html.Span(f"Not silenced: {exc}.", className="vs-poor"), dash.no_update,
                    dash.no_update)
        table = silences_table(data.silences(service))
        return (f"Silence {made.id} created until {data.iso(made.ends_at)}.",
                table.children, "")

    # A click becomes a request in the browser at once, outside the live block. Had the
    # buttons fed the server callback, a refresh re-rendering them (0 clicks) while the
    # click's request was in flight would supersede it, and Dash drops a superseded answer.
    app.clientside_callback(  # type: ignore[no-untyped-call]  # Dash leaves it untyped
        """function(clicks) {
            const ctx = window.dash_clientside.callback_context;
            const clicked = ctx.triggered_id;
            if (!clicked || !ctx.triggered.length || !ctx.triggered[0].value) {
                return window.dash_clientside.no_update;
            }
            return {id: clicked.index, at: Date.now()};
        }""",
        Output("al-expire-request", "data"),
        Input({"type": "al-expire", "index": ALL}, "n_clicks"), prevent_initial_call=True)

    @app.callback(Output("al-silence-msg", "children", allow_duplicate=True),
                  Output("al-silences-box", "children", allow_duplicate=True),
                  Input("al-expire-request", "data"), prevent_initial_call=True)
    def expire(request: dict[str, Any] | None) -> tuple[Any, ...]:
        if not isinstance(request, dict) or not isinstance(request.get("id"), str):
            raise PreventUpdate
        silence_id = request["id"][:64]
        try:
            store.expire(silence_id)
        except SilenceError as exc:
            return html.Span(f"Not expired: {exc}.", className="vs-poor"), dash.no_update
        return (f"Silence {silence_id} expired.",
                silences_table(data.silences(service)).children)

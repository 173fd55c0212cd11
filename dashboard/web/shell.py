"""The Dash app around the pages: header, filter bar synced with the URL, live refresh, and
the router that renders a page (or a readable error) for the current URL. Pages are known
only through the registry (web/registry.py): the shell iterates over it."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import dash
from dash import Input, Output, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from dashboard.filters import RANGES, FilterError
from dashboard.metrics import DIMENSIONS
from dashboard.service import DashboardService
from dashboard.web import refresh, urlstate
from dashboard.web.components import message
from dashboard.web.page import Page
from dashboard.web.registry import BY_PATH, PAGES

log = logging.getLogger("vitalscope.dashboard")
PREFIX = "/dashboard"


def _route(pathname: str | None) -> str:
    path = (pathname or "/").removeprefix(PREFIX) or "/"
    return path.rstrip("/") or "/"


def _layout(refresh_s: int) -> html.Div:
    return html.Div([
        dcc.Location(id="url", refresh=False),
        *refresh.components(refresh_s),
        html.Div([html.Span("Vitalscope", className="vs-brand"),
                  html.Nav(id="nav", className="vs-nav"),
                  html.A("Log out", href="/logout", id="logout")], className="vs-header"),
        html.Div([
            dcc.Dropdown(id="f-site", clearable=False, placeholder="site",
                         style={"width": "180px"}),
            dcc.RadioItems(id="f-range", options=[*RANGES, "custom"], value="24h",
                           inline=True, inputStyle={"marginRight": "4px",
                                                    "marginLeft": "10px"}),
            dcc.Input(id="f-from", placeholder="from 2026-01-01T00:00", debounce=True,
                      style={"width": "150px"}),
            dcc.Input(id="f-to", placeholder="to 2026-01-02T00:00", debounce=True,
                      style={"width": "150px"}),
            dcc.Dropdown(id="f-dim", clearable=False, style={"width": "170px"},
                         options=[{"label": "all visitors", "value": "all"},
                                  *({"label": v, "value": k} for k, v in DIMENSIONS.items())],
                         value="all"),
            dcc.Input(id="f-val", placeholder="segment value, e.g. mobile", debounce=True,
                      style={"width": "170px"}),
        ], className="vs-filters"),
        # No loading overlay: a live refresh must not blank the numbers being read.
        html.Div(id="content", className="vs-content"),
    ])


def create_dash(service: DashboardService,
                scripts: list[str | dict[str, str]] | None = None) -> dash.Dash:
    """`scripts`: URLs (or script tag attributes) loaded before Dash's renderer: the Plotly
    bundle, the SDK when the dashboard monitors itself."""
    app = dash.Dash(
        __name__, requests_pathname_prefix=PREFIX + "/", routes_pathname_prefix="/",
        assets_folder=str(Path(__file__).with_name("assets")), title="Vitalscope",
        update_title="", suppress_callback_exceptions=True, serve_locally=True,
        external_scripts=scripts or [],
    )
    app.layout = _layout(service.settings.refresh_s)

    @app.callback(
        Output("url", "search"), Output("f-site", "options"), Output("f-site", "value"),
        Output("f-range", "value"), Output("f-from", "value"), Output("f-to", "value"),
        Output("f-dim", "value"), Output("f-val", "value"),
        Input("url", "search"), Input("f-site", "value"), Input("f-range", "value"),
        Input("f-from", "value"), Input("f-to", "value"), Input("f-dim", "value"),
        Input("f-val", "value"),
    )
    def sync_filters(search: str | None, site: str | None, range_: str | None,
                     start: str | None, end: str | None, dim: str | None,
                     val: str | None) -> tuple[Any, ...]:
        """URL -> controls when the URL changes (a shared link, back button); controls ->
        URL when a control changes. One callback, so the two directions cannot loop."""
        params = urlstate.parse(search)
        sites = service.sites()
        if ctx.triggered_id in (None, "url"):
            segment_dim, _, segment_val = params.get("segment", "").partition(":")
            wanted = params.get("site") or (sites[0] if sites else None)
            new_search: Any = no_update
            if wanted and "site" not in params:
                new_search = urlstate.build({**params, "site": wanted})
            return (new_search, sites, wanted, params.get("range", "24h"),
                    params.get("from", ""), params.get("to", ""), segment_dim or "all",
                    segment_val)
        segment = f"{dim}:{val}" if dim and dim != "all" and val else None
        updated = {**params, "site": site, "range": range_,
                   "from": start if range_ == "custom" else None,
                   "to": end if range_ == "custom" else None, "segment": segment}
        if ctx.triggered_id == "f-site":
            updated.pop("group", None)
        built = urlstate.build(updated)
        if built == (search or ""):
            raise PreventUpdate
        return (built, *([no_update] * 7))

    @app.callback(Output("nav", "children"), Input("url", "pathname"), Input("url", "search"))
    def nav(pathname: str | None, search: str | None) -> list[Any]:
        keep = urlstate.build(dict(urlstate.filter_params(search)))
        current = _route(pathname)
        return [dcc.Link(page.title, href=f"{PREFIX}{page.path}{keep}",
                         className="active" if page.path == current else "")
                for page in PAGES]

    @app.callback(Output("content", "children"), Output(refresh.LIVE, "data"),
                  Input("url", "pathname"), Input("url", "search"),
                  Input(refresh.TICK, "n_intervals"),
                  **refresh.paused_while_running(service.settings.refresh_s))
    def content(pathname: str | None, search: str | None, tick: int | None) -> Any:
        route = _route(pathname)
        page = BY_PATH.get(route)
        if page is None:
            return message(f"No page at {pathname}.", "error"), no_update
        if ctx.triggered_id == refresh.TICK and page.live:
            # The page refreshes its live blocks itself, keeping what the reader is using.
            return no_update, tick
        return _render(page, route, search), no_update

    def _render(page: Page, route: str, search: str | None) -> Any:
        params = urlstate.parse(search)
        if not params.get("site"):
            if not service.sites():
                return message("No sites yet: add one with `vitalscope sites add NAME "
                               "--origin https://your.site` and embed the beacon.")
            raise PreventUpdate  # sync_filters is adding the default site to the URL
        try:
            f = service.filters(params.get("site"), params.get("range"), params.get("from"),
                                params.get("to"), params.get("segment"))
            return page.layout(service, f, params)
        except FilterError as exc:
            return message(f"Cannot show this: {exc}.", "error")
        except Exception:
            log.exception("dashboard view %s failed", route)
            return message("This panel could not be loaded (the server log has the details). "
                           "It retries on the next refresh.", "error")

    for page in PAGES:
        for register in page.callbacks:
            register(app, service)
    return app

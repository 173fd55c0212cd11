"""Wiring of the dashboard into an ASGI app: login pages, the JSON API, and the Dash app
under /dashboard/ behind the login guard."""

from __future__ import annotations

from a2wsgi import WSGIMiddleware
from dash import Dash
from fastapi import FastAPI
from starlette.types import ASGIApp

from dashboard import alerts_api, api, api_errors, api_synthetics, login
from dashboard.service import DashboardService
from dashboard.web.shell import PREFIX, create_dash
from vitalscope.runtime import Runtime
from vitalscope.server.secheaders import CspPolicies


def dashboard_policy(dash_app: Dash) -> str:
    """Dash's own scripts from this server, its inline renderer start-up allowed by hash
    (Dash computes them: `csp_hashes`). Styles may be inline: Dash and Plotly set them from
    script, and a style cannot run code."""
    scripts = " ".join(["'self'", *dash_app.csp_hashes()])
    return (f"default-src 'self'; script-src {scripts}; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
            "object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")


def mount_dashboard(app: FastAPI, runtime: Runtime) -> None:
    service = DashboardService(runtime)
    app.state.dashboard = service
    app.include_router(login.router)
    app.include_router(api.router)
    app.include_router(alerts_api.router)
    app.include_router(api_synthetics.router)
    app.include_router(api_errors.router)
    dash_app = create_dash(service)
    csp: CspPolicies = app.state.csp
    csp.add("/login", login.POLICY)
    csp.add("/logout", login.POLICY)
    csp.add(PREFIX + "/", dashboard_policy(dash_app))
    wsgi: ASGIApp = WSGIMiddleware(dash_app.server)  # type: ignore[assignment]
    app.mount(PREFIX, login.LoginRequired(wsgi, app.state.guard))




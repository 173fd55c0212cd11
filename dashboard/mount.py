"""Wiring of the dashboard into an ASGI app: login pages, the JSON API, and the Dash app
under /dashboard/ behind the login guard."""

from __future__ import annotations

from a2wsgi import WSGIMiddleware
from fastapi import FastAPI
from starlette.types import ASGIApp

from dashboard import api, login
from dashboard.auth import Authenticator
from dashboard.service import DashboardService
from dashboard.web.shell import PREFIX, create_dash
from vitalscope.runtime import Runtime


def mount_dashboard(app: FastAPI, runtime: Runtime) -> None:
    service = DashboardService(runtime)
    auth = Authenticator(runtime)
    app.state.dashboard = service
    app.state.dashboard_auth = auth
    app.include_router(login.router)
    app.include_router(api.router)
    dash_app = create_dash(service)
    wsgi: ASGIApp = WSGIMiddleware(dash_app.server)  # type: ignore[assignment]
    app.mount(PREFIX, login.LoginRequired(wsgi, auth))




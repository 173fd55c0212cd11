"""Wiring of the dashboard into an ASGI app: login pages, the JSON API, and the Dash app
under /dashboard/ behind the login guard."""

from __future__ import annotations

from a2wsgi import WSGIMiddleware
from dash import Dash
from fastapi import FastAPI
from fastapi.responses import FileResponse, JSONResponse
from starlette.types import ASGIApp

from dashboard import alerts_api, api, api_errors, api_synthetics, login
from dashboard.asset_caching import ImmutableAssets
from dashboard.service import DashboardService
from dashboard.warm import Warmer
from dashboard.web.plotly_bundle import IMMUTABLE, ROUTE, PlotlyBundle, find_bundle
from dashboard.web.registry import PAGES
from dashboard.web.shell import PREFIX, create_dash
from vitalscope.runtime import Runtime
from vitalscope.server.secheaders import CspPolicies


def dashboard_policy(dash_app: Dash, collector: str | None = None) -> str:
    """Dash's own scripts from this server, its inline renderer start-up allowed by hash
    (Dash computes them: `csp_hashes`). Styles may be inline: Dash and Plotly set them from
    script, and a style cannot run code. `collector`: the origin self-monitoring loads the
    SDK from and sends beacons to, when it is not this server."""
    scripts = " ".join(["'self'", *dash_app.csp_hashes(), *([collector] if collector else [])])
    connect = " ".join(["'self'", *([collector] if collector else [])])
    return (f"default-src 'self'; script-src {scripts}; style-src 'self' 'unsafe-inline'; "
            f"img-src 'self' data: blob:; font-src 'self' data:; connect-src {connect}; "
            "object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")


def mount_dashboard(app: FastAPI, runtime: Runtime) -> Warmer:
    """Mounts the dashboard; returns its background service (the warmer) for the role's
    services to run."""
    service = DashboardService(runtime)
    app.state.dashboard = service
    app.include_router(login.router)
    app.include_router(api.router)
    app.include_router(alerts_api.router)
    app.include_router(api_synthetics.router)
    app.include_router(api_errors.router)
    bundle = find_bundle()
    if bundle is not None:
        _serve_plotly(app, bundle)
    settings = runtime.settings.dashboard
    scripts: list[str | dict[str, str]] = [bundle.url] if bundle else []
    if settings.self_monitoring_site:
        scripts.append(self_monitoring_script(settings.self_monitoring_site,
                                              settings.self_monitoring_url))
    dash_app = create_dash(service, scripts=scripts)
    csp: CspPolicies = app.state.csp
    csp.add("/login", login.POLICY)
    csp.add("/logout", login.POLICY)
    csp.add(PREFIX + "/", dashboard_policy(dash_app, settings.self_monitoring_url))
    wsgi: ASGIApp = WSGIMiddleware(dash_app.server)  # type: ignore[assignment]
    app.mount(PREFIX, login.LoginRequired(ImmutableAssets(wsgi), app.state.guard))
    return Warmer(service, [(page.path, page.read_default_view) for page in PAGES])


def self_monitoring_script(site_key: str, collector: str | None) -> dict[str, str]:
    """The SDK's script tag on the dashboard's own pages (the short-cache `/sdk.js`, so the
    dashboard follows SDK releases), reporting to `collector` or this server."""
    base = (collector or "").rstrip("/")
    tag = {"src": f"{base}/sdk.js", "defer": "defer", "data-site": site_key}
    if collector:
        tag["data-endpoint"] = base
    return tag


def _serve_plotly(app: FastAPI, bundle: PlotlyBundle) -> None:
    """A public library, served before the login guard (it holds nothing of ours)."""

    @app.get(ROUTE, include_in_schema=False, response_model=None)
    async def plotly_js(version: str) -> FileResponse | JSONResponse:
        if version != bundle.version:
            return JSONResponse({"error": "not_found", "message": f"Plotly {version!r} is not "
                                 f"served here (current: {bundle.version})"}, status_code=404)
        return FileResponse(bundle.path, media_type="text/javascript",
                            headers={"Cache-Control": IMMUTABLE})




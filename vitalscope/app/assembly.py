"""The ASGI application of a role: routers and background services of that role."""

from __future__ import annotations

from collections.abc import Sequence
from ipaddress import IPv4Network

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp

import vitalscope
from alerting import api as alerts_api
from alerting.service import AlertingService
from collector import sdk_assets
from collector.wiring import Ingest, flusher
from synthetics import admin as synthetics_admin
from synthetics.service import SyntheticsService
from vitalscope.app import admin_deadletters, health
from vitalscope.auth.gate import AuthGate
from vitalscope.auth.guard import Guard
from vitalscope.forwarded import ProxyHeaders, TrustedProxies
from vitalscope.runtime import Role, Runtime
from vitalscope.server import admin, admin_sourcemaps, openapi
from vitalscope.server.allow import allowed_methods
from vitalscope.server.compression import Compression
from vitalscope.server.secheaders import CspPolicies, SecurityHeaders
from vitalscope.server.services import Service, ServiceGroup


def _services(runtime: Runtime, ingest: Ingest | None, guard: Guard,
              extra: Sequence[Service]) -> list[Service]:
    """Which background services run in which role. Embedded `serve` runs all of them;
    `extra` (the ingest processes of `serve`) start last and stop first."""
    services: list[Service] = [guard]
    if ingest is not None:
        services += ingest.services
    if runtime.role in (Role.SERVE, Role.WORKER):
        services.append(flusher(runtime))
        services.append(SyntheticsService(runtime))
    if runtime.role in (Role.SERVE, Role.WORKER) and runtime.settings.alerting.enabled:
        services.append(AlertingService(runtime))
    return services + list(extra)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    first = exc.errors()[0] if exc.errors() else {}
    loc = [str(p) for p in first.get("loc", ()) if p != "body"]
    return JSONResponse(
        {"error": "invalid_request", "field": ".".join(loc) or None,
         "message": str(first.get("msg", "invalid request"))},
        status_code=422,
    )


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    headers = dict(getattr(exc, "headers", None) or {})
    if exc.status_code == 405 and (methods := allowed_methods(request)):
        headers["Allow"] = methods
    return JSONResponse(
        {"error": "http_" + str(exc.status_code), "message": str(exc.detail)},
        status_code=exc.status_code, headers=headers or None,
    )


async def _disconnected(request: Request, exc: Exception) -> JSONResponse:
    # The client left (or the body deadline cut it) mid-body: nobody reads this answer,
    # and it is no server error to log with a traceback.
    return JSONResponse({"error": "disconnected", "message": "client went away before the "
                         "body ended"}, status_code=400)


LOCAL_PROXY = IPv4Network("127.0.0.1/32")


def build_asgi(runtime: Runtime, *, ingest: bool = True,
               extra_services: Sequence[Service] = ()) -> ASGIApp:
    """What uvicorn serves: the collector's raw ingest endpoints in front of the FastAPI app
    (beacons skip FastAPI's middleware stack: that is most of ingest throughput). Without
    `ingest`, the app of `serve`'s process holding chDB when other processes ingest."""
    app = build_app(runtime, ingest=ingest, extra_services=extra_services)
    part: Ingest | None = app.state.ingest
    # uvicorn runs without its proxy-headers layer (runner.py), which would hide the TCP peer
    # the ingest endpoints judge proxies by (collector/client_identity.py); the rest of the
    # app gets the kernel's, from the trusted proxies (127.0.0.1 when none are set, as
    # uvicorn's did).
    proxies = TrustedProxies(runtime.settings.collector.trusted_proxies or [LOCAL_PROXY])
    proxied = ProxyHeaders(app, proxies)
    return part.asgi(proxied) if part is not None else proxied


def build_app(runtime: Runtime, *, ingest: bool = True,
              extra_services: Sequence[Service] = ()) -> FastAPI:
    ingesting = ingest and runtime.role in (Role.SERVE, Role.COLLECTOR)
    ingest_part = Ingest(runtime) if ingesting else None
    guard = Guard(runtime)
    # The ingest processes (`extra_services`) are added last, after the dashboard's warmer.
    services = ServiceGroup(_services(runtime, ingest_part, guard, ()))
    app = FastAPI(
        title="Vitalscope", version=vitalscope.__version__, lifespan=services.lifespan,
        docs_url="/api/docs", redoc_url=None, openapi_url="/api/openapi.json",
        swagger_ui_oauth2_redirect_url=None,  # no OAuth2 here: a bearer token or a login
    )
    app.state.runtime = runtime
    app.state.services = services
    app.state.ingest = ingest_part
    app.state.guard = guard
    app.state.csp = CspPolicies(app.docs_url)
    # Last added runs first: headers on every answer, the gate's refusals included.
    app.add_middleware(AuthGate, guard=guard)
    app.add_middleware(SecurityHeaders, policies=app.state.csp)
    app.add_middleware(Compression)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(ClientDisconnect, _disconnected)
    app.include_router(health.router)
    if runtime.role in (Role.SERVE, Role.COLLECTOR):
        app.include_router(admin.router)
        app.include_router(admin_deadletters.router)
        app.include_router(admin_sourcemaps.router)
        app.include_router(alerts_api.router)
        app.include_router(sdk_assets.router)
    if runtime.role in (Role.SERVE, Role.WORKER):
        app.include_router(synthetics_admin.router)
    if runtime.role in (Role.SERVE, Role.DASHBOARD):
        from dashboard.mount import mount_dashboard  # Dash loads only where it is served

        services.services.append(mount_dashboard(app, runtime))
    services.services.extend(extra_services)
    openapi.install(app, runtime)
    return app

"""JSON API /api/v1/alerts: what the dashboard's Alerts page shows, for scripts. Same login
as the rest of /api/v1 (session cookie or admin bearer token). Read-only: silences are made
and expired through the page, the CLI or /admin/v1/alerts/silences."""

from __future__ import annotations

import asyncio
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from fastapi.responses import JSONResponse

from dashboard.api import From, To, require_login
from dashboard.filters import FilterError, parse_filters
from dashboard.panels import alerts as data
from dashboard.service import DashboardService, UnknownSite
from vitalscope.names import NAME as RULE_NAME
from vitalscope.names import SITE_NAME
from vitalscope.server.responses import errors, json_object

router = APIRouter(prefix="/api/v1/alerts", tags=["alerts"],
                   dependencies=[Depends(require_login)], responses=errors(401, 422))
# Alert history is not per site (synthetic rules have none): the filters only give the window.
ANY_SITE = "all-sites"


def _service(request: Request) -> DashboardService:
    service: DashboardService = request.app.state.dashboard
    return service


@router.get("", summary="Firing and pending alerts")
async def active(request: Request) -> JSONResponse:
    """Firing first, then pending; `since` (UTC), value, summary, labels, details, and for
    regressions `effect_size`, `p_value` and the top `causes`."""
    rows = await asyncio.to_thread(data.active, _service(request))
    return JSONResponse({"alerts": rows})


@router.get("/history", summary="State changes over a range",
            responses={**json_object(), **errors(404)})
async def history(
    request: Request,
    range_: Annotated[Literal["1h", "24h", "7d", "30d", "custom"],
                      Query(alias="range", description="Time range.")] = "24h",
    start: From = None,
    end: To = None,
    limit: Annotated[int, Query(ge=1, le=5000, description="Most rows.")] = data.HISTORY_LIMIT,
    site: Annotated[str | None, Query(max_length=63, pattern=SITE_NAME.pattern,
                                      description="Only this site's alerts (default every "
                                      "site; an unknown site is 404).")] = None,
    rule: Annotated[str | None, Query(max_length=63, pattern=RULE_NAME.pattern,
                                      description="Only this rule's changes.")] = None,
) -> JSONResponse:
    """Latest first: time, rule, fingerprint, state (pending, firing, resolved), site,
    labels, value, summary, details."""
    service = _service(request)
    try:
        f = parse_filters(ANY_SITE, range_, start, end)
        if site is not None:
            await asyncio.to_thread(service.filters, site)  # a site name that exists
    except UnknownSite as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from None
    except FilterError as exc:
        return JSONResponse({"error": "invalid_filter", "field": exc.field,
                             "message": str(exc)}, status_code=422)
    return JSONResponse(await asyncio.to_thread(data.history, service, f, limit,
                                                site or "", rule or ""))


@router.get("/rules", summary="Rules with kind, site, parameters and current state")
async def rules(request: Request) -> JSONResponse:
    """Every rule field, `source` (`config`: the configuration file; `api`: added through
    the admin API), `parameters` in words and `state` (firing, pending or ok)."""
    return JSONResponse({"rules": await asyncio.to_thread(data.rules, _service(request))})


@router.get("/silences", summary="Silences, active first, with matchers and expiry")
async def silences(request: Request) -> JSONResponse:
    return JSONResponse({"silences": await asyncio.to_thread(data.silences,
                                                             _service(request))})


@router.get("/deliveries", summary="Delivery attempts, dead letters, receivers")
async def deliveries(
    request: Request,
    limit: Annotated[int, Query(ge=1, le=5000, description="Most attempts.")] =
    data.DELIVERY_LIMIT,
) -> JSONResponse:
    """`attempts` latest first (receiver, attempt, outcome, HTTP status, latency,
    `notification_id` = the `webhook-id` header, same on every retry), `dead_letters`
    (notifications given up on, without their body), `receivers` (with `disabled` when a
    410 disabled one)."""
    found: data.Deliveries = await asyncio.to_thread(data.deliveries, _service(request), limit)
    return JSONResponse(found)

"""JSON API of error tracking: /api/v1/errors (groups) and /api/v1/errors/{fingerprint}
(one group with symbolicated sample stacks). Same login as the rest of /api/v1."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, status
from fastapi.responses import JSONResponse, Response

from dashboard.api import SITE_ROUTE, From, Range, Site, To, require_login
from dashboard.filters import FilterError
from dashboard.panels import errors
from dashboard.service import DashboardService, UnknownSite
from vitalscope.server.responses import errors as error_responses

router = APIRouter(prefix="/api/v1", tags=["dashboard"], dependencies=[Depends(require_login)],
                   responses=error_responses(401, 422))


async def _run(work: Any) -> Response:
    try:
        data = await asyncio.to_thread(work)
    except UnknownSite as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from None
    except FilterError as exc:
        return JSONResponse({"error": "invalid_filter", "field": exc.field,
                             "message": str(exc)}, status_code=422)
    if data is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND,
                            "no occurrence of this error group in the range")
    return JSONResponse(data)


@router.get("/errors", summary="JS error groups: counts, share of page views, trend",
            **SITE_ROUTE)
async def get_errors(
    request: Request, site: Site, range_: Range = "24h", start: From = None, end: To = None,
    sort: Annotated[Literal[errors.SORT_KEYS], Query(description="Sort key.")] = "occurrences",  # type: ignore[valid-type]
    order: Annotated[Literal["asc", "desc"], Query()] = "desc",
    page: Annotated[int, Query(ge=0, le=10**6, description="0-based page.")] = 0,
    page_size: Annotated[int, Query(ge=1, le=errors.MAX_PAGE_SIZE)] = 25,
) -> Response:
    """Groups of a site's JS errors (docs/errors.md): fingerprint (a decimal string), type,
    normalised message, top frame, occurrences and distinct page views affected in the
    range and their share of the range's page views, first and last seen (all time and in
    the range), the release first seen in and whether it is the newest release
    (`new_in_release`), occurrences per slot of the range (`trend`), and the top page
    groups, browsers and releases."""
    service: DashboardService = request.app.state.dashboard

    def work() -> dict[str, Any]:
        f = service.filters(site, range_, start, end)
        return errors.groups(service.layer, f, sort=sort, descending=order == "desc",
                             page=page, page_size=page_size)

    return await _run(work)


@router.get("/errors/{fingerprint}", summary="One JS error group with symbolicated stacks",
            **SITE_ROUTE)
async def get_error(
    request: Request, site: Site,
    fingerprint: Annotated[str, Path(min_length=1, max_length=20, pattern=errors.FINGERPRINT,
                                     description="The group's fingerprint, as listed.")],
    range_: Range = "24h", start: From = None, end: To = None,
) -> Response:
    """The group (as in the list, with up to 20 values per breakdown) and its newest sample
    occurrences, each with its stack as frames: the minified location and, where the
    release's source maps cover the script, `original` file, line, column and function.
    `sourcemap` says whether maps were applied (`applied`, `partial`, `missing` with a
    `note`, `none_needed`). 404 when the group has no occurrence in the range."""
    service: DashboardService = request.app.state.dashboard

    def work() -> dict[str, Any] | None:
        f = service.filters(site, range_, start, end)
        number = errors.check_fingerprint(fingerprint)
        return errors.group_detail(service.layer, f, number, service.symbolicator,
                                   service.sourcemaps())

    return await _run(work)

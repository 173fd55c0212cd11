"""JSON API /api/v1: every number the dashboard shows, for scripts. Same login as the
dashboard (session cookie) or `Authorization: Bearer <admin token>`."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from typing import Annotated, Any, Literal, cast

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from fastapi.responses import JSONResponse, Response

from dashboard.csvexport import to_csv
from dashboard.filters import (
    PAGE_GROUP,
    SEGMENT_VALUE,
    TIME,
    FilterError,
    Filters,
    check_page_group,
)
from dashboard.metrics import DIMENSIONS
from dashboard.panels import breakdowns, overview, pages, scripts, servertiming
from dashboard.service import DashboardService, UnknownSite
from vitalscope.names import SITE_NAME
from vitalscope.server.auth import gated_user
from vitalscope.server.responses import errors, json_object, json_or_csv
from vitalscope.vitals import MetricName


def require_login(request: Request) -> str:
    """Who the auth gate let in (session cookie or admin bearer token)."""
    return gated_user(request)


router = APIRouter(prefix="/api/v1", tags=["dashboard"], dependencies=[Depends(require_login)],
                   responses=errors(401, 422))
# Routes that take a site answer 404 for a site that does not exist.
SITE_ROUTE: dict[str, Any] = {"responses": {**json_object(), **errors(404)}}
CSV_ROUTE: dict[str, Any] = {"responses": {**json_or_csv(), **errors(404)}}

Site = Annotated[str, Query(min_length=1, max_length=63, pattern=SITE_NAME.pattern,
                            description="Site name (must exist, else 404).")]
Range = Annotated[Literal["1h", "24h", "7d", "30d", "custom"],
                  Query(alias="range", description="Time range; `custom` needs from and to.")]
TIME_RULES = ("ISO 8601 date or date and time (UTC if no zone). A custom range starts before "
              "it ends, spans at most 90 days and starts within the last 400 days.")
From = Annotated[str | None, Query(alias="from", max_length=40, pattern=TIME.pattern,
                                   description="Custom range start: " + TIME_RULES)]
To = Annotated[str | None, Query(alias="to", max_length=40, pattern=TIME.pattern,
                                 description="Custom range end: " + TIME_RULES)]
SEGMENT = f"^({'|'.join(DIMENSIONS)}):{SEGMENT_VALUE.pattern[1:]}"
Segment = Annotated[str | None, Query(max_length=80, pattern=SEGMENT, description=(
    "`dimension:value`, dimension one of " + ", ".join(DIMENSIONS) + " (e.g. device:mobile)."))]
Format = Annotated[Literal["json", "csv"], Query(description="csv: the table as CSV.")]


def _service(request: Request) -> DashboardService:
    service: DashboardService = request.app.state.dashboard
    return service


# What a panel returns (a TypedDict of dashboard/panels/): JSON as it is.
PanelData = Mapping[str, object]


def _table(data: PanelData, key: str) -> list[Mapping[str, object]]:
    """The rows of one table of a panel, for `format=csv`."""
    rows = data[key]
    if not isinstance(rows, list) or not all(isinstance(row, Mapping) for row in rows):
        raise TypeError(f"{key} is not a table of the panel")
    return cast(list[Mapping[str, object]], rows)


async def _answer(request: Request, site: str, range_: str, start: str | None,
                  end: str | None, segment: str | None,
                  panel: Callable[[DashboardService, Filters], PanelData],
                  csv_rows: str | None = None, fmt: str = "json") -> Response:
    service = _service(request)

    def work() -> PanelData:
        return panel(service, service.filters(site, range_, start, end, segment))

    try:
        data = await asyncio.to_thread(work)
    except UnknownSite as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from None
    except FilterError as exc:
        return JSONResponse({"error": "invalid_filter", "field": exc.field,
                             "message": str(exc)}, status_code=422)
    if fmt == "csv" and csv_rows is not None:
        return Response(to_csv(_table(data, csv_rows)), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition":
                                 f'attachment; filename="{csv_rows}.csv"'})
    return JSONResponse(data)


@router.get("/sites", summary="Sites the dashboard can show")
async def sites(request: Request) -> list[str]:
    return await asyncio.to_thread(_service(request).sites)


@router.get("/overview", summary="p75, rating shares, samples, change, distributions",
            **CSV_ROUTE)
async def get_overview(request: Request, site: Site, range_: Range = "24h",
                       start: From = None, end: To = None, segment: Segment = None,
                       format: Format = "json") -> Response:
    """Per vital: p50/p75/p90/p95, rating of the p75 (Google thresholds), good /
    needs-improvement / poor counts and shares, sample count, p75 of the previous period of
    the same length and the change, histogram (fixed bucket width) and mean attribution
    sub-parts (TTFB and LCP composition)."""
    return await _answer(request, site, range_, start, end, segment,
                         lambda s, f: overview.overview(s.layer, f), "metrics", format)


@router.get("/overview/series", summary="p75 over time per vital, thresholds, releases",
            **SITE_ROUTE)
async def get_series(request: Request, site: Site, range_: Range = "24h", start: From = None,
                     end: To = None, segment: Segment = None) -> Response:
    return await _answer(request, site, range_, start, end, segment,
                         lambda s, f: overview.series(s.layer, f))


@router.get("/pages", summary="Page groups by impact, sorted and paged on the server",
            **CSV_ROUTE)
async def get_pages(
    request: Request, site: Site, range_: Range = "24h", start: From = None, end: To = None,
    segment: Segment = None,
    min_samples: Annotated[int, Query(ge=0, le=10**9, description="Minimum samples.")] = 0,
    sort: Annotated[Literal[pages.SORT_KEYS], Query(description="Sort key.")] = "impact",  # type: ignore[valid-type]
    order: Annotated[Literal["asc", "desc"], Query()] = "desc",
    page: Annotated[int, Query(ge=0, le=10**6, description="0-based page.")] = 0,
    page_size: Annotated[int, Query(ge=1, le=pages.MAX_PAGE_SIZE)] = 25,
    format: Format = "json",
) -> Response:
    """Impact = samples x poor share, summed over the vitals (the poor experiences a page
    group causes). p75 per vital for the rows returned. The segment filter does not apply."""
    return await _answer(
        request, site, range_, start, end, segment,
        lambda s, f: pages.pages(s.layer, f, min_samples=min_samples, sort=sort,
                                 descending=order == "desc", page=page, page_size=page_size),
        "rows", format)


@router.get("/pages/detail", summary="One page group: vitals, worst elements, server timings",
            **CSV_ROUTE)
async def get_page_detail(
    request: Request, site: Site,
    page_group: Annotated[str, Query(min_length=1, max_length=200, pattern=PAGE_GROUP.pattern,
                                     description="Page group.")],
    range_: Range = "24h", start: From = None, end: To = None, format: Format = "json",
    table: Annotated[Literal["metrics", "worst_elements", "server_timings",
                             "navigation_types"],
                     Query(description="Which table `format=csv` exports.")] = "metrics",
) -> Response:
    """`navigation_types`: the page group's vitals per navigation type (`soft`: route
    changes of a single-page app, each its own page view with its own vitals), over
    `attribution_window` (the range on whole days where the other panels read daily
    rollups, else widened to whole hours)."""
    def panel(s: DashboardService, f: Filters) -> pages.PageDetail:
        return pages.page_detail(s.layer, f, check_page_group(page_group))

    return await _answer(request, site, range_, start, end, None, panel, table, format)


@router.get("/scripts", summary="Scripts behind slow interactions (INP), per site or page group",
            **CSV_ROUTE)
async def get_scripts(
    request: Request, site: Site,
    page_group: Annotated[str | None, Query(
        min_length=1, max_length=200, pattern=PAGE_GROUP.pattern,
        description="Only this page group (default: the whole site).")] = None,
    range_: Range = "24h", start: From = None, end: To = None, format: Format = "json",
) -> Response:
    """Per script that INP's Long Animation Frame attribution names (the longest script of
    the interaction's frames): its URL and host, `first` or `third` party (by host against
    the site's origins; empty: unknown), its INP samples, its poor ones and their share of all
    poor INP samples (`poor_inp`, those naming no script included), and the p75 of the
    script's duration. The top 100 scripts by poor samples, the rest one `(other)` row; over
    the range widened to whole hours. The segment filter does not apply."""
    def panel(s: DashboardService, f: Filters) -> scripts.SlowScripts:
        return scripts.slow_scripts(s.layer, f, None if page_group is None
                                    else check_page_group(page_group))

    return await _answer(request, site, range_, start, end, None, panel, "rows", format)


@router.get("/breakdowns", summary="p75 with 95% confidence interval per dimension value",
            **CSV_ROUTE)
async def get_breakdown(
    request: Request, site: Site,
    dimension: Annotated[Literal[tuple(DIMENSIONS)], Query(description="Dimension.")] = "device",  # type: ignore[valid-type]
    metric: Annotated[MetricName, Query(description="Vital.")] = "LCP",
    range_: Range = "24h", start: From = None, end: To = None, format: Format = "json",
) -> Response:
    """Rows with fewer samples than `low_samples_below` are flagged `low_samples`."""
    return await _answer(request, site, range_, start, end, None,
                         lambda s, f: breakdowns.breakdown(s.layer, f, dimension, metric),
                         "rows", format)


@router.get("/server-timing", summary="Server timings, TTFB composition, cache hit rates",
            **CSV_ROUTE)
async def get_server_timing(request: Request, site: Site, range_: Range = "24h",
                            start: From = None, end: To = None, format: Format = "json",
                            table: Annotated[Literal["names", "caches"], Query(
                                description="Which table `format=csv` exports.")] = "names",
                            ) -> Response:
    """`names`: p50/p75/p95 and hit rate per server-timing name and source (rum: the
    page's Server-Timing header; backend: reports from servers). `caches`: hit rate over
    time per cache name/source and its Pearson correlation with p75 TTFB and LCP per bucket."""
    return await _answer(request, site, range_, start, end, None,
                         lambda s, f: servertiming.server_timing(s.layer, f), table, format)

"""JSON API of the synthetics page (/api/v1/synthetics): status grid, run history, one run's
steps, step timings, lab against field, and the screenshot and trace of a run. Same login
and common parameters as the rest of /api/v1."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, JSONResponse, Response

from dashboard.api import (
    CSV_ROUTE,
    SITE_ROUTE,
    Format,
    From,
    Range,
    Site,
    To,
    _answer,
    _service,
    require_login,
)
from dashboard.filters import FilterError
from dashboard.panels import synthetics
from synthetics import reports
from synthetics.artifacts import artifact_file
from synthetics.service import artifacts_root
from vitalscope.server.responses import errors, json_object

router = APIRouter(prefix="/api/v1/synthetics", tags=["synthetics"],
                   dependencies=[Depends(require_login)], responses=errors(401, 422))

Check = Annotated[str, PathParam(pattern=synthetics.CHECK_NAME.pattern,
                                 description="Check name.")]
RunId = Annotated[str, PathParam(pattern=synthetics.RUN_ID.pattern,
                                 description="Run id (from the run history).")]
ARTIFACTS: dict[str, tuple[str, str]] = {  # kind -> file suffix, media type
    "screenshot": (".png", "image/png"),
    "trace": (".zip", "application/zip"),
}


@router.get("/checks", summary="Status grid: last result, flake rate, p75 duration per check",
            **CSV_ROUTE)
async def get_checks(request: Request, site: Site, range_: Range = "24h", start: From = None,
                     end: To = None, format: Format = "json") -> Response:
    """Checks of the site and checks without a site, per location: `last_status`
    (passed / flaky / failed), `last_started_at`, `last_error`, `runs`, `flake_rate` and
    `failure_rate` (shares of the runs in the window), `p75_duration_ms`. Configured checks
    without a run in the window are listed with `runs: 0`; `other_sites` names the checks
    listed under another site."""
    return await _answer(request, site, range_, start, end, None,
                         lambda s, f: synthetics.status_grid(s.layer, s.runtime.settings, f),
                         "checks", format)


@router.get("/checks/{check}/runs", summary="Run history of a check, newest first",
            **CSV_ROUTE)
async def get_runs(request: Request, check: Check, site: Site, range_: Range = "24h",
                   start: From = None, end: To = None,
                   limit: Annotated[int, Query(ge=1, le=synthetics.MAX_RUNS)] = 100,
                   format: Format = "json") -> Response:
    """Per run: status, duration, attempts, error, failed step, console errors, failed
    requests, and `screenshot_url` / `trace_url` when the run kept them."""
    return await _answer(request, site, range_, start, end, None,
                         lambda s, f: synthetics.run_history(s.layer, f, check,
                                                             artifacts_root(s.runtime), limit),
                         "runs", format)


@router.get("/checks/{check}/runs/{run_id}", summary="One run with the steps of every attempt",
            responses={**json_object(), **errors(404)})
async def get_run(request: Request, check: Check, run_id: RunId) -> Response:
    service = _service(request)
    try:
        data = await asyncio.to_thread(synthetics.run_detail, service.layer, check, run_id,
                                       artifacts_root(service.runtime))
    except FilterError as exc:
        return _invalid(exc)
    if data is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no run {run_id} of check {check!r}")
    return JSONResponse(data)


@router.get("/checks/{check}/step-timings", summary="p75 duration of each step over time",
            **SITE_ROUTE)
async def get_step_timings(request: Request, check: Check, site: Site, range_: Range = "24h",
                           start: From = None, end: To = None) -> Response:
    """Passed steps only, in buckets of the window's resolution (`bucket_s`)."""
    return await _answer(request, site, range_, start, end, None,
                         lambda s, f: synthetics.step_timings(s.layer, f, check))


@router.get("/checks/{check}/lab-vs-field", summary="Lab p75 next to real-user p75",
            **CSV_ROUTE)
async def get_lab_vs_field(request: Request, check: Check, site: Site, range_: Range = "24h",
                           start: From = None, end: To = None, format: Format = "json"
                           ) -> Response:
    """Per page group the check visited and vital: the lab p75 of its runs and the field
    p75 of the site's real users in the same page group and window, each with its rating."""
    return await _answer(request, site, range_, start, end, None,
                         lambda s, f: synthetics.lab_vs_field(s.layer, f, check), "rows",
                         format)


@router.get("/checks/{check}/runs/{run_id}/{kind}",
            summary="Screenshot (PNG) or Playwright trace (zip) a run kept",
            response_class=FileResponse, responses={
                200: {"description": "The file.", "content": {
                    "image/png": {"schema": {"type": "string", "format": "binary"}},
                    "application/zip": {"schema": {"type": "string", "format": "binary"}}}},
                **errors(404)})
async def get_artifact(request: Request, check: Check, run_id: RunId,
                       kind: Literal["screenshot", "trace"]) -> Response:
    """Only files the run recorded are served, and only from the artifacts folder:
    anything else is refused."""
    service = _service(request)
    try:
        row = await asyncio.to_thread(reports.run, service.layer.client(),
                                      synthetics.check_name(check), synthetics.run_id(run_id))
    except FilterError as exc:
        return _invalid(exc)
    stored = (row.screenshot if kind == "screenshot" else row.trace) if row else ""
    suffix, media_type = ARTIFACTS[kind]
    path: Path | None = None
    if stored.endswith(suffix):
        path = artifact_file(artifacts_root(service.runtime), stored)
    if path is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND,
                            f"no {kind} of run {run_id} of check {check!r} here (none was "
                            "kept, it expired, or another worker's folder holds it)")
    headers = {"Cache-Control": "private, max-age=86400", "X-Content-Type-Options": "nosniff"}
    if kind == "trace":
        headers["Content-Disposition"] = f'attachment; filename="{check}-{run_id}-trace.zip"'
    return FileResponse(path, media_type=media_type, headers=headers)


def _invalid(exc: FilterError) -> JSONResponse:
    body: dict[str, Any] = {"error": "invalid_filter", "field": exc.field, "message": str(exc)}
    return JSONResponse(body, status_code=422)

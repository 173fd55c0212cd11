"""Synthetics: status grid of the checks, run history of one check, the steps of a run, step
p75 over time, and lab vitals next to the real-user vitals of the same page groups.

The synthetic tables hold one row per run (a few hundred per check and day) and are read by
their primary key, so they are read fresh, not cached: a cache would need a generation
counter bumped by every process that stores runs (serve, workers, `synthetics run`). The
field side of lab-vs-field reads the RUM rollups through the cached query layer, like the
Pages page (same numbers)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import TypedDict
from urllib.parse import quote

from dashboard.filters import FilterError, Filters, Window, WindowJson
from dashboard.metrics import METRIC_NAMES
from dashboard.panels.common import metric_summary
from dashboard.panels.pages import page_quantiles
from dashboard.querylayer import QueryLayer
from synthetics import reports
from synthetics.artifacts import artifact_file
from vitalscope.config import Settings
from vitalscope.names import NAME as CHECK_NAME
from vitalscope.vitals import Rating, rate

RUN_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
MAX_RUNS = 500


class CheckRow(TypedDict):
    """A check of the status grid; a configured check without runs has None and 0."""

    check: str
    location: str
    last_status: str | None
    last_started_at: str | None
    last_error: str
    site: str
    runs: int
    flake_rate: float | None
    failure_rate: float | None
    p75_duration_ms: float | None
    configured: bool
    enabled: bool


class StatusGrid(TypedDict):
    window: WindowJson
    filters: dict[str, str]
    configured: int
    checks: list[CheckRow]
    other_sites: list[str]


class Run(TypedDict):
    run_id: str
    location: str
    started_at: str
    status: str
    duration_ms: float
    attempts: int
    error: str
    failed_step: int
    trigger: str
    console_errors: list[str]
    failed_requests: list[str]
    screenshot: str
    trace: str
    screenshot_url: str | None
    trace_url: str | None


class RunHistory(TypedDict):
    window: WindowJson
    filters: dict[str, str]
    check: str
    runs: list[Run]


class Step(TypedDict):
    attempt: int
    step: int
    action: str
    name: str
    status: str
    offset_ms: float
    duration_ms: float
    url: str
    error: str


class RunDetail(TypedDict):
    check: str
    run: Run
    steps: list[Step]


class StepPoint(TypedDict):
    t: str
    p75_duration_ms: float
    samples: int


class StepSeries(TypedDict):
    step: int
    name: str
    points: list[StepPoint]


class StepTimings(TypedDict):
    window: WindowJson
    filters: dict[str, str]
    check: str
    bucket_s: int
    steps: list[StepSeries]


class LabField(TypedDict):
    page_group: str
    metric: str
    lab_p75: float
    lab_samples: int
    lab_rating: Rating | None
    field_p75: float | None
    field_samples: int
    field_rating: Rating | None


class LabVsField(TypedDict):
    window: WindowJson
    filters: dict[str, str]
    check: str
    field_site: str
    rows: list[LabField]


def check_name(value: str) -> str:
    if not CHECK_NAME.fullmatch(value):
        raise FilterError("check", "a check name: lowercase letters, digits, '.', '-', '_'")
    return value


def run_id(value: str) -> str:
    if not RUN_ID.fullmatch(value):
        raise FilterError("run_id", "1 to 64 letters, digits, '-' or '_'")
    return value


def _time(value: datetime) -> str:
    return value.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _step(row: reports.StepRow) -> Step:
    return {"attempt": row.attempt, "step": row.step, "action": row.action, "name": row.name,
            "status": row.status, "offset_ms": row.offset_ms, "duration_ms": row.duration_ms,
            "url": row.url, "error": row.error}


def _bounds(window: Window) -> dict[str, datetime]:
    return {"since": window.start, "until": window.end}


def artifact_url(check: str, run: str, kind: str) -> str:
    return f"/api/v1/synthetics/checks/{quote(check)}/runs/{quote(run)}/{kind}"


def _run(check: str, row: reports.RunRow, root: Path) -> Run:
    """A run with links to the files it kept that are still here (retention deletes them;
    a dashboard replica may not share the workers' folder)."""
    def url(kind: str, stored: str) -> str | None:
        return artifact_url(check, row.run_id, kind) if artifact_file(root, stored) else None

    return {"run_id": row.run_id, "location": row.location,
            "started_at": _time(row.started_at), "status": row.status,
            "duration_ms": row.duration_ms, "attempts": row.attempts, "error": row.error,
            "failed_step": row.failed_step, "trigger": row.trigger,
            "console_errors": row.console_errors, "failed_requests": row.failed_requests,
            "screenshot": row.screenshot, "trace": row.trace,
            "screenshot_url": url("screenshot", row.screenshot),
            "trace_url": url("trace", row.trace)}


def _listed(site: str, check_site: str | None) -> bool:
    """A check shows under its own site; a check without one under every site."""
    return not check_site or check_site == site


def status_grid(layer: QueryLayer, settings: Settings, f: Filters) -> StatusGrid:
    window = f.window()
    configured = {c.name: c for c in settings.synthetics.checks}
    rows = reports.status_grid(layer.client(), **_bounds(window))
    checks: list[CheckRow] = []
    elsewhere, seen = set(), set()
    for row in rows:
        config = configured.get(row.check)
        site = config.site if config else row.site
        if not _listed(f.site, site):
            elsewhere.add(row.check)
            continue
        seen.add(row.check)
        checks.append({"check": row.check, "location": row.location,
                       "last_status": row.last_status,
                       "last_started_at": _time(row.last_started_at),
                       "last_error": row.last_error, "site": site or "", "runs": row.runs,
                       "flake_rate": row.flake_rate, "failure_rate": row.failure_rate,
                       "p75_duration_ms": row.p75_duration_ms,
                       "configured": config is not None,
                       "enabled": bool(config and config.enabled)})
    for name, config in configured.items():
        if name in seen:
            continue
        if not _listed(f.site, config.site):
            elsewhere.add(name)
            continue
        # Configured, but no run in this window: listed, with nothing to show yet.
        checks.append({"check": name, "location": config.location or settings.synthetics.location,
                       "site": config.site or "", "configured": True, "enabled": config.enabled,
                       "runs": 0, "last_status": None, "last_started_at": None,
                       "last_error": "", "flake_rate": None, "failure_rate": None,
                       "p75_duration_ms": None})
    checks.sort(key=lambda c: (c["check"], c["location"]))
    return {"window": window.as_dict(), "filters": f.query_string(),
            "configured": len(configured), "checks": checks,
            "other_sites": sorted(elsewhere)}


def run_history(layer: QueryLayer, f: Filters, check: str, root: Path, limit: int = 100
                ) -> RunHistory:
    if not 1 <= limit <= MAX_RUNS:
        raise FilterError("limit", f"1 to {MAX_RUNS}")
    window = f.window()
    runs = reports.run_history(layer.client(), check_name(check), window.start, limit,
                               until=window.end)
    return {"window": window.as_dict(), "filters": f.query_string(), "check": check,
            "runs": [_run(check, r, root) for r in runs]}


def run_detail(layer: QueryLayer, check: str, run: str, root: Path) -> RunDetail | None:
    client = layer.client()
    row = reports.run(client, check_name(check), run_id(run))
    if row is None:
        return None
    steps = [_step(s) for s in reports.run_steps(client, check, run)]
    return {"check": check, "run": _run(check, row, root), "steps": steps}


def step_timings(layer: QueryLayer, f: Filters, check: str) -> StepTimings:
    window = f.window()
    bucket = window.tier.step
    rows = reports.step_timings(layer.client(), check_name(check), window.start,
                                int(bucket / timedelta(seconds=1)), until=window.end)
    steps: dict[int, StepSeries] = {}
    for r in rows:
        entry = steps.setdefault(r.step, {"step": r.step, "name": r.name, "points": []})
        entry["points"].append({"t": _time(r.bucket), "p75_duration_ms": r.p75_duration_ms,
                                "samples": r.samples})
    return {"window": window.as_dict(), "filters": f.query_string(), "check": check,
            "bucket_s": int(bucket.total_seconds()),
            "steps": [steps[k] for k in sorted(steps)]}


def lab_vs_field(layer: QueryLayer, f: Filters, check: str) -> LabVsField:
    """Lab p75 of the check per page group and vital, next to the field p75 of the selected
    site's real users in the same page group and window (the Pages page's rollup)."""
    window = f.window()
    lab = reports.lab_vitals(layer.client(), check_name(check), window.start, window.end)
    groups = sorted({r.page_group for r in lab})
    field = page_quantiles(layer, f.site, window, groups)
    rows: list[LabField] = []
    order = {name: i for i, name in enumerate(METRIC_NAMES)}
    for r in sorted(lab, key=lambda r: (r.page_group, order.get(r.metric, 99), r.metric)):
        summary = metric_summary(r.metric, field.get((r.page_group, r.metric))) \
            if r.metric in order else None
        rows.append({"page_group": r.page_group, "metric": r.metric,
                     "lab_p75": r.p75, "lab_samples": r.samples,
                     "lab_rating": rate(r.metric, r.p75) if r.metric in order else None,
                     "field_p75": summary["p75"] if summary else None,
                     "field_samples": summary["samples"] if summary else 0,
                     "field_rating": summary["rating"] if summary else None})
    return {"window": window.as_dict(), "filters": f.query_string(), "check": check,
            "field_site": f.site, "rows": rows}

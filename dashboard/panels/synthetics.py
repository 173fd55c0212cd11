"""Synthetics: status grid of the checks, run history of one check, the steps of a run, step
p75 over time, and lab vitals next to the real-user vitals of the same page groups.

The synthetic tables hold one row per run (a few hundred per check and day) and are read by
their primary key, so they are read fresh, not cached: a cache would need a generation
counter bumped by every process that stores runs (serve, workers, `synthetics run`). The
field side of lab-vs-field reads the RUM rollups through the cached query layer, like the
Pages page (same numbers)."""

from __future__ import annotations

import re
from dataclasses import asdict
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

from dashboard.filters import FilterError, Filters, Window
from dashboard.metrics import METRIC_NAMES
from dashboard.panels.common import metric_summary
from dashboard.querylayer import QueryLayer
from synthetics import reports
from synthetics.artifacts import artifact_file
from vitalscope.config import Settings
from vitalscope.names import NAME as CHECK_NAME
from vitalscope.vitals import rate

RUN_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
MAX_RUNS = 500


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


def _plain(row: Any) -> dict[str, Any]:
    return {k: _time(v) if isinstance(v, datetime) else v for k, v in asdict(row).items()}


def _bounds(window: Window) -> dict[str, datetime]:
    return {"since": window.start, "until": window.end}


def artifact_url(check: str, run: str, kind: str) -> str:
    return f"/api/v1/synthetics/checks/{quote(check)}/runs/{quote(run)}/{kind}"


def _run(check: str, row: reports.RunRow, root: Path) -> dict[str, Any]:
    """A run with links to the files it kept that are still here (retention deletes them;
    a dashboard replica may not share the workers' folder)."""
    out = _plain(row)
    for kind, stored in (("screenshot", row.screenshot), ("trace", row.trace)):
        out[f"{kind}_url"] = artifact_url(check, row.run_id, kind) \
            if artifact_file(root, stored) else None
    return out


def _listed(site: str, check_site: str | None) -> bool:
    """A check shows under its own site; a check without one under every site."""
    return not check_site or check_site == site


def status_grid(layer: QueryLayer, settings: Settings, f: Filters) -> dict[str, Any]:
    window = f.window()
    configured = {c.name: c for c in settings.synthetics.checks}
    rows = reports.status_grid(layer.client(), **_bounds(window))
    checks, elsewhere = [], set()
    seen = set()
    for row in rows:
        config = configured.get(row.check)
        site = config.site if config else row.site
        if not _listed(f.site, site):
            elsewhere.add(row.check)
            continue
        seen.add(row.check)
        checks.append({**_plain(row), "site": site or "", "configured": config is not None,
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
                ) -> dict[str, Any]:
    if not 1 <= limit <= MAX_RUNS:
        raise FilterError("limit", f"1 to {MAX_RUNS}")
    window = f.window()
    runs = reports.run_history(layer.client(), check_name(check), window.start, limit,
                               until=window.end)
    return {"window": window.as_dict(), "filters": f.query_string(), "check": check,
            "runs": [_run(check, r, root) for r in runs]}


def run_detail(layer: QueryLayer, check: str, run: str, root: Path) -> dict[str, Any] | None:
    client = layer.client()
    row = reports.run(client, check_name(check), run_id(run))
    if row is None:
        return None
    steps = [_plain(s) for s in reports.run_steps(client, check, run)]
    return {"check": check, "run": _run(check, row, root), "steps": steps}


def step_timings(layer: QueryLayer, f: Filters, check: str) -> dict[str, Any]:
    window = f.window()
    bucket = window.tier.step
    rows = reports.step_timings(layer.client(), check_name(check), window.start,
                                int(bucket / timedelta(seconds=1)), until=window.end)
    steps: dict[int, dict[str, Any]] = {}
    for r in rows:
        entry = steps.setdefault(r.step, {"step": r.step, "name": r.name, "points": []})
        entry["points"].append({"t": _time(r.bucket), "p75_duration_ms": r.p75_duration_ms,
                                "samples": r.samples})
    return {"window": window.as_dict(), "filters": f.query_string(), "check": check,
            "bucket_s": int(bucket.total_seconds()),
            "steps": [steps[k] for k in sorted(steps)]}


def lab_vs_field(layer: QueryLayer, f: Filters, check: str) -> dict[str, Any]:
    """Lab p75 of the check per page group and vital, next to the field p75 of the selected
    site's real users in the same page group and window (the Pages page's rollup)."""
    window = f.window()
    lab = reports.lab_vitals(layer.client(), check_name(check), window.start, window.end)
    groups = sorted({r.page_group for r in lab})
    field: dict[tuple[str, str], Any] = {}
    if groups:
        field = {(r["page_group"], r["metric"]): r for r in layer.run(
            "pages_quantiles", f.site,
            {"table": window.table("vitals_pages"), **window.params(), "groups": groups})}
    rows = []
    order = {name: i for i, name in enumerate(METRIC_NAMES)}
    for r in sorted(lab, key=lambda r: (r.page_group, order.get(r.metric, 99), r.metric)):
        summary = metric_summary(r.metric, field.get((r.page_group, r.metric))) \
            if r.metric in order else {"p75": None, "samples": 0, "rating": None}
        rows.append({"page_group": r.page_group, "metric": r.metric,
                     "lab_p75": r.p75, "lab_samples": r.samples,
                     "lab_rating": rate(r.metric, r.p75) if r.metric in order else None,
                     "field_p75": summary["p75"], "field_samples": summary["samples"],
                     "field_rating": summary["rating"]})
    return {"window": window.as_dict(), "filters": f.query_string(), "check": check,
            "field_site": f.site, "rows": rows}

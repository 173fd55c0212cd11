"""The data side of the synthetics dashboard page: status grid, run history, step timings,
lab vitals and lab against field, each a named query with typed rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from clickhouse_connect.driver.client import Client

from vitalscope.storage.sql import named_query

# Upper bound when the caller has none: DateTime64(3) ends in 2299.
FOREVER = datetime(2299, 12, 31, tzinfo=UTC)


@dataclass(frozen=True)
class CheckStatus:
    check: str
    location: str
    last_status: str
    last_started_at: datetime
    last_error: str
    site: str
    runs: int
    flake_rate: float
    failure_rate: float
    p75_duration_ms: float


@dataclass(frozen=True)
class RunRow:
    run_id: str
    location: str
    started_at: datetime
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


@dataclass(frozen=True)
class StepRow:
    attempt: int
    step: int
    action: str
    name: str
    status: str
    offset_ms: float
    duration_ms: float
    url: str
    error: str


@dataclass(frozen=True)
class StepTiming:
    bucket: datetime
    step: int
    name: str
    samples: int
    p75_duration_ms: float


@dataclass(frozen=True)
class LabVitalRow:
    page_group: str
    metric: str
    samples: int
    p75: float


@dataclass(frozen=True)
class LabVsField:
    page_group: str
    metric: str
    lab_p75: float
    lab_samples: int
    field_p75: float | None
    field_samples: int | None


def _rows(client: Client, name: str, parameters: dict[str, Any]) -> list[dict[str, Any]]:
    result = client.query(named_query(f"synthetics.{name}"), parameters=parameters)
    return [dict(zip(result.column_names, row, strict=True)) for row in result.result_rows]


def status_grid(client: Client, since: datetime, until: datetime = FOREVER
                ) -> list[CheckStatus]:
    return [CheckStatus(**r) for r in _rows(client, "status_grid",
                                            {"since": since, "until": until})]


def run_history(client: Client, check: str, since: datetime, limit: int = 100,
                until: datetime = FOREVER) -> list[RunRow]:
    return [RunRow(**r) for r in _rows(client, "run_history", {
        "check": check, "since": since, "until": until, "limit": limit})]


def run(client: Client, check: str, run_id: str) -> RunRow | None:
    found = _rows(client, "run", {"check": check, "run_id": run_id})
    return RunRow(**found[0]) if found else None


def run_steps(client: Client, check: str, run_id: str) -> list[StepRow]:
    return [StepRow(**r) for r in _rows(client, "run_steps",
                                        {"check": check, "run_id": run_id})]


def step_timings(client: Client, check: str, since: datetime,
                 bucket_s: int = 3600, until: datetime = FOREVER) -> list[StepTiming]:
    return [StepTiming(**r) for r in _rows(client, "step_timings", {
        "check": check, "since": since, "until": until, "bucket_s": bucket_s})]


def lab_vitals(client: Client, check: str, since: datetime,
               until: datetime = FOREVER) -> list[LabVitalRow]:
    return [LabVitalRow(**r) for r in _rows(client, "lab_vitals",
                                            {"check": check, "since": since, "until": until})]


def lab_vs_field(client: Client, site: str, since: datetime) -> list[LabVsField]:
    """The field side comes from vitals_1m, which keeps 3 days (migration 0070); the
    dashboard's lab-vs-field panel reads the vitals_pages tiers instead."""
    return [LabVsField(**r) for r in _rows(client, "lab_vs_field",
                                           {"site": site, "since": since})]

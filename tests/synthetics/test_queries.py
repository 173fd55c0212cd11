"""The dashboard queries read by primary key (the ORDER BY of each table serves them)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from clickhouse_connect.driver.client import Client

from synthetics.model import AttemptResult, LabVital, RunResult, StepResult
from synthetics.writer import ResultsWriter
from vitalscope.config import Settings
from vitalscope.storage.clickhouse import connect
from vitalscope.storage.sql import named_query

SINCE = datetime.now(UTC) - timedelta(hours=1)


@pytest.fixture
def stored(settings: Settings, clickhouse: Client) -> Client:
    now = datetime.now(UTC)
    attempt = AttemptResult(
        1, now, 120.0, passed=True,
        steps=[StepResult(1, "goto", "goto /", "passed", 0.0, 120.0, url="https://s.example/")],
        vitals=[LabVital("https://s.example/", "home", "LCP", 320.0)])
    writer = ResultsWriter(lambda: connect(settings), None)
    writer.add(RunResult("run-1", "checkout", "local", "shop", [], "schedule", now,
                         now + timedelta(milliseconds=130), [attempt]))
    assert writer.flush_sync() == 1
    return clickhouse


QUERIES: dict[str, dict[str, Any]] = {
    "run_history": {"check": "checkout", "since": SINCE, "limit": 10},
    "run_steps": {"check": "checkout", "run_id": "run-1"},
    "step_timings": {"check": "checkout", "since": SINCE, "bucket_s": 60},
    "lab_vitals": {"check": "checkout", "since": SINCE},
}


def test_queries_of_one_check_use_the_primary_key(stored: Client) -> None:
    for query, parameters in QUERIES.items():
        plan = "\n".join(row[0] for row in stored.query(
            "EXPLAIN indexes = 1 " + named_query(f"synthetics.{query}"),
            parameters=parameters).result_rows)
        primary = plan[plan.index("PrimaryKey"):].split("Condition")
        assert "Keys:" in primary[0] and "check" in primary[0], (query, plan)

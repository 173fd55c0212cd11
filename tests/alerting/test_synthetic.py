"""synthetic_failure rules on `synthetic_runs` (the synthetics component's table): N failed
runs in a row, a failure rate over a window, and flaky runs told apart."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from clickhouse_connect.driver.client import Client

from alerting.engine import Evaluator
from tests.alerting.conftest import NOW, Receiver, alerting_settings
from vitalscope.config.alerting import AlertingSettings


def _runs(client: Client, check: str, location: str, statuses: list[str]) -> None:
    """Runs one minute apart, the newest (first) ending at NOW."""
    rows = [[f"{check}-{location}-{i}", check, location,
             datetime.fromtimestamp(NOW - i * 60, UTC), status, 1000.0,
             2 if status == "flaky" else 1, "boom" if status == "failed" else ""]
            for i, status in enumerate(statuses)]
    client.insert("synthetic_runs", rows, column_names=[
        "run_id", "check", "location", "started_at", "status", "duration_ms", "attempts",
        "error"])


def test_consecutive_failures_failure_rate_and_flaky_runs(
        clickhouse: Client, receiver: Receiver,
        make_evaluator: Callable[[AlertingSettings], Evaluator]) -> None:
    _runs(clickhouse, "login", "eu", ["failed", "failed", "failed", "passed"])
    _runs(clickhouse, "search", "eu", ["failed", "flaky", "failed", "failed", "passed"])
    _runs(clickhouse, "home", "us", ["failed", "passed"] * 5)
    rules = [
        {"name": "streak", "kind": "synthetic_failure", "consecutive_failures": 3, "for": 0},
        {"name": "streak-flaky", "kind": "synthetic_failure", "check": "search",
         "consecutive_failures": 3, "count_flaky": True, "for": 0},
        {"name": "rate", "kind": "synthetic_failure", "check": "home", "window": "15m",
         "failure_rate": 0.4, "consecutive_failures": 100, "for": 0},
    ]
    evaluator = make_evaluator(alerting_settings(receiver.url, rules))
    report = evaluator.cycle(NOW + 1)
    assert report.queries == 1 and report.failed_kinds == []
    firing = sorted((a.rule, a.labels["check"], a.labels["location"]) for a in report.firing)
    assert firing == [("rate", "home", "us"), ("streak", "login", "eu"),
                      ("streak-flaky", "search", "eu")]
    by_rule = {a.rule: a.details for a in report.firing}
    assert by_rule["streak"]["consecutive_failures"] == 3
    assert by_rule["streak-flaky"]["consecutive_failures"] == 4
    assert by_rule["streak-flaky"]["flaky_runs"] == 1
    assert by_rule["rate"]["failure_rate"] == 0.5 and by_rule["rate"]["runs_in_window"] == 10
    # Without count_flaky the flaky run breaks the streak of `search`.
    quiet = [o for o in evaluator.evaluate(evaluator.rules.all(), NOW + 1)[0]
             if o.rule.name == "streak" and o.extra_labels["check"] == "search"]
    assert [(o.active, o.details["consecutive_failures"]) for o in quiet] == [(False, 1)]
    evaluator.deliver_due(NOW + 1)
    assert len(receiver.requests()) == 3

"""A regression injected into seeded RUM data, end to end to a real HTTP receiver: exactly
one signed notification with the numbers and causes, then a resolved one on recovery."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from clickhouse_connect.driver.client import Client

from alerting import views
from alerting.delivery.signing import verify
from alerting.engine import Evaluator
from tests.alerting.conftest import (
    NOW,
    SECRET,
    Receiver,
    alerting_settings,
    insert_server_timings,
    insert_vitals,
    lognormal,
    spread,
)
from vitalscope.config.alerting import AlertingSettings

DAY = 86400.0
RULE = {"name": "lcp-regression", "kind": "regression", "site": "shop", "metric": "LCP",
        "window": "30m", "for": 0, "keep_firing_for": 0, "min_samples": 200}


def seed(client: Client, rng: np.random.Generator) -> list[tuple[float, float]]:
    """Baseline: the same hours of the previous 7 days, 12:00-13:30 (normal). Current: 11:30
    -12:00 today with /checkout 80 % slower on release r2, and the `db` server timing slower
    and the `cdn` cache missing; 12:30-13:00 today back to normal."""
    rows: list[tuple[str, str, float, float, str, str]] = []
    timings: list[tuple[str, str, float, float, str]] = []
    for day in range(1, 8):
        start = NOW - day * DAY - 1800
        for group in ("/home", "/checkout"):
            rows += [("shop", "LCP", t, v, group, "r1") for t, v in zip(
                spread(rng, start, start + 5400, 100), lognormal(rng, 2000, 100), strict=True)]
        timings += [("shop", "db", t, v, "") for t, v in zip(
            spread(rng, start, start + 5400, 60), lognormal(rng, 40, 60), strict=True)]
        timings += [("shop", "cdn", t, 1.0, "hit" if i % 10 else "miss") for i, t in
                    enumerate(spread(rng, start, start + 5400, 60))]
    bad = NOW - 1800
    rows += [("shop", "LCP", t, v, "/home", "r2") for t, v in zip(
        spread(rng, bad, NOW, 250), lognormal(rng, 2000, 250), strict=True)]
    rows += [("shop", "LCP", t, v, "/checkout", "r2") for t, v in zip(
        spread(rng, bad, NOW, 250), lognormal(rng, 3600, 250), strict=True)]
    timings += [("shop", "db", t, v, "") for t, v in zip(
        spread(rng, bad, NOW, 200), lognormal(rng, 120, 200), strict=True)]
    timings += [("shop", "cdn", t, 1.0, "hit" if i % 2 else "miss") for i, t in
                enumerate(spread(rng, bad, NOW, 200))]
    good = NOW + 1800
    for group in ("/home", "/checkout"):
        rows += [("shop", "LCP", t, v, group, "r3") for t, v in zip(
            spread(rng, good, good + 1800, 250), lognormal(rng, 2000, 250), strict=True)]
    insert_vitals(client, rows)
    insert_server_timings(client, timings)
    return [(t, v) for _, _, t, v, _, _ in rows]


def test_regression_fires_once_with_numbers_and_causes_then_resolves(
        clickhouse: Client, receiver: Receiver, rng: np.random.Generator,
        make_evaluator: Callable[[AlertingSettings], Evaluator]) -> None:
    samples = seed(clickhouse, rng)
    baseline = [v for t, v in samples
                if any(NOW - d * DAY - 1800 < t <= NOW - d * DAY for d in range(1, 8))]
    current = [v for t, v in samples if NOW - 1800 < t <= NOW]
    evaluator = make_evaluator(alerting_settings(receiver.url, [RULE]))

    report = evaluator.cycle(NOW)
    assert [a.rule for a in report.firing] == ["lcp-regression"]
    assert len(report.enqueued) == 1
    attempts = evaluator.deliver_due(NOW)
    assert [a.outcome for a in attempts] == ["delivered"]

    (active,) = views.active_alerts(evaluator.rules.redis)
    assert (active["rule"], active["state"]) == ("lcp-regression", "firing")
    # The same regression, one evaluation interval later: nothing new to say.
    evaluator.cycle(NOW + 60)
    evaluator.deliver_due(NOW + 60)
    requests = receiver.requests()
    assert len(requests) == 1
    request = requests[0]
    assert verify(SECRET, {k.lower(): v for k, v in request["headers"].items()},
                  request["body"].encode(), now=int(request["headers"]["webhook-timestamp"]))
    body = receiver.bodies()[0]
    assert body["schema"] == "vitalscope.alerts/v1" and body["status"] == "firing"
    assert body["id"] == request["headers"]["webhook-id"]
    (alert,) = body["alerts"]
    details = alert["details"]
    assert alert["labels"]["site"] == "shop" and alert["labels"]["metric"] == "LCP"
    assert details["current_samples"] == len(current) == 500
    assert details["baseline_samples"] == len(baseline)
    assert abs(details["baseline_p75"] - np.quantile(baseline, 0.75)) < 0.01 * details[
        "baseline_p75"]
    assert abs(details["current_p75"] - np.quantile(current, 0.75)) < 0.01 * details[
        "current_p75"]
    assert details["effect_size"] == (details["current_p75"] - details["baseline_p75"]) \
        / details["baseline_p75"]
    assert details["effect_size"] > 0.2 and details["p_value"] < 0.001
    causes = details["causes"]
    page_groups = [c["value"] for c in causes if c["dimension"] == "page_group"]
    assert page_groups[0] == "/checkout"
    assert [c["value"] for c in causes if c["dimension"] == "release"] == ["r2"]
    assert next(c["value"] for c in causes if c["dimension"] == "server_timing") == "db"
    cache = [c for c in causes if c["dimension"] == "cache"]
    assert cache[0]["value"] == "cdn" and cache[0]["current_hit_ratio"] < 0.6

    # Recovery: 13:00, the window 12:30-13:00 is back to normal.
    report = evaluator.cycle(NOW + 3600)
    assert report.firing == [] and [e.state for e in report.events] == ["resolved"]
    evaluator.deliver_due(NOW + 3600)
    bodies = receiver.bodies()
    assert len(bodies) == 2
    assert bodies[1]["status"] == "resolved" and bodies[1]["alerts"][0]["ends_at"]
    assert bodies[1]["id"] != bodies[0]["id"]

    # What the dashboard's alerts page reads.
    history = views.alert_history(clickhouse, rule="lcp-regression")
    assert [h["state"] for h in history] == ["resolved", "firing"]
    assert history[1]["details"]["causes"][0]["value"] == "/checkout"
    deliveries = views.deliveries(clickhouse, receiver="hook")
    assert [(d["outcome"], d["status_code"]) for d in deliveries] == [
        ("delivered", 200), ("delivered", 200)]
    assert {d["notification_id"] for d in deliveries} == {b["id"] for b in bodies}
    assert views.active_alerts(evaluator.rules.redis) == []
    assert [r["name"] for r in views.rules(evaluator.settings, evaluator.rules.redis)] == [
        "lcp-regression"]
    assert views.receivers(evaluator.settings, evaluator.rules.redis) == [
        {"name": "hook", "type": "webhook", "secrets": 1, "disabled": None}]

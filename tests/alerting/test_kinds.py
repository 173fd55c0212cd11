"""Cache hit-rate, error-rate and traffic rules on seeded data: they fire on the change and
stay quiet on steady data; every kind is one query whatever the number of rules."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import numpy as np
from clickhouse_connect.driver.client import Client

from alerting.engine import Evaluator
from tests.alerting.conftest import (
    NOW,
    Receiver,
    alerting_settings,
    insert_server_timings,
    spread,
)
from vitalscope.config.alerting import AlertingSettings

DAY = 86400.0


def seed_cache(client: Client, rng: np.random.Generator) -> None:
    """`edge` on shop: 90 % hits on previous days, 58 % in the last 30 minutes. `api` on
    shop and `edge` on blog: 90 % throughout."""
    rows: list[tuple[str, str, float, float, str]] = []

    def requests(site: str, name: str, start: float, n: int, hit_every: int) -> None:
        for i, t in enumerate(spread(rng, start, start + 1800, n)):
            status = "miss" if i % hit_every == 0 else "hit"
            rows.append((site, name, t, 5.0, status))

    for day in range(1, 8):
        for site, name in (("shop", "edge"), ("shop", "api"), ("blog", "edge")):
            requests(site, name, NOW - day * DAY - 1800, 100, 10)
    requests("shop", "edge", NOW - 1800, 400, 2)
    requests("shop", "edge", NOW - 1800, 100, 10)
    requests("shop", "api", NOW - 1800, 400, 10)
    requests("blog", "edge", NOW - 1800, 400, 10)
    insert_server_timings(client, rows)


def test_cache_hit_rate_drop_fires_its_rule(
        clickhouse: Client, receiver: Receiver, rng: np.random.Generator,
        make_evaluator: Callable[[AlertingSettings], Evaluator]) -> None:
    seed_cache(clickhouse, rng)
    rules = [{"name": f"{site}-cache", "kind": "cache_hit_rate", "site": site, "for": 0}
             for site in ("shop", "blog")]
    evaluator = make_evaluator(alerting_settings(receiver.url, rules))
    report = evaluator.cycle(NOW)
    assert report.queries == 1
    assert [(a.rule, a.labels["cache"]) for a in report.firing] == [("shop-cache", "edge")]
    evaluator.deliver_due(NOW)
    (body,) = receiver.bodies()
    (alert,) = body["alerts"]
    details = alert["details"]
    assert alert["labels"]["source"] == "browser"
    assert details["current_requests"] == 500 and details["baseline_requests"] == 700
    assert details["current_hit_ratio"] == (200 + 90) / 500
    assert details["baseline_hit_ratio"] == 630 / 700
    assert details["p_value"] < 1e-6


def _page_views(client: Client, site: str, starts: list[float]) -> None:
    rows = [[site, datetime.fromtimestamp(t, UTC), datetime.fromtimestamp(t, UTC),
             f"{site}-{t}-{i}"] for i, t in enumerate(starts)]
    client.insert("page_views", rows,
                  column_names=["site", "started_at", "received_at", "page_view_id"])


def _errors(client: Client, site: str, times: list[float]) -> None:
    rows = [[site, datetime.fromtimestamp(t, UTC), datetime.fromtimestamp(t, UTC), f"err{i}",
             1, "TypeError", 1] for i, t in enumerate(times)]
    client.insert("js_errors", rows, column_names=[
        "site", "ts", "received_at", "event_id", "fingerprint", "error_type", "occurrences"])


def test_error_spike_traffic_drop_and_no_data(
        clickhouse: Client, receiver: Receiver, rng: np.random.Generator,
        make_evaluator: Callable[[AlertingSettings], Evaluator]) -> None:
    # shop: steady traffic, errors x5 now. blog: traffic halved... to a quarter. docs: silent
    # now. steady: unchanged everything.
    for day in range(0, 8):
        start = NOW - day * DAY - 1800
        for site in ("shop", "blog", "docs", "steady"):
            count = 400
            if day == 0 and site == "blog":
                count = 100
            if day == 0 and site == "docs":
                count = 0
            _page_views(clickhouse, site, spread(rng, start, start + 1800, count))
        _errors(clickhouse, "shop", spread(rng, start, start + 1800, 100 if day == 0 else 20))
        _errors(clickhouse, "steady", spread(rng, start, start + 1800, 20))
    rules = []
    for site in ("shop", "blog", "docs", "steady"):
        rules += [{"name": f"{site}-errors", "kind": "error_rate", "site": site, "for": 0},
                  {"name": f"{site}-traffic", "kind": "traffic_drop", "site": site, "for": 0}]
    evaluator = make_evaluator(alerting_settings(receiver.url, rules))
    report = evaluator.cycle(NOW)
    assert report.queries == 2  # one per kind, for all eight rules
    firing = {a.rule: a for a in report.firing}
    assert sorted(firing) == ["blog-traffic", "docs-traffic", "shop-errors"]
    assert firing["docs-traffic"].details["no_data"] is True
    assert firing["blog-traffic"].details["current_page_views"] == 100
    assert firing["blog-traffic"].details["expected_page_views"] == 400
    assert firing["shop-errors"].details["current_rate"] == 0.25
    assert firing["shop-errors"].details["baseline_rate"] == 0.05
    evaluator.deliver_due(NOW)
    assert sorted(b["alerts"][0]["rule"] for b in receiver.bodies()) == sorted(firing)

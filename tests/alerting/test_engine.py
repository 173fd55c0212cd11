"""Engine behaviour on seeded data, driven by explicit evaluation times: `for`, flapping,
silences and Alertmanager-style grouping."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import redis
from clickhouse_connect.driver.client import Client

from alerting.engine import Evaluator
from alerting.silences import SilenceStore
from tests.alerting.conftest import NOW, Receiver, alerting_settings, insert_vitals
from vitalscope.config.alerting import AlertingSettings


def threshold(name: str = "lcp-p75", metric: str = "LCP", **extra: object) -> dict[str, object]:
    return {"name": name, "kind": "threshold", "site": "shop", "metric": metric,
            "value": 2500, "window": "1m", "min_samples": 20, "for": 0, **extra}


def seed_minutes(client: Client, bad_minutes: list[int], metric: str = "LCP",
                 minutes: int = 20) -> None:
    """40 samples in each minute before NOW + k*60 (k = 0..minutes-1), p75 ~4000 in the bad
    minutes and ~1000 in the others."""
    rng = np.random.default_rng(3)
    rows = []
    for k in range(minutes):
        end = NOW + k * 60
        level = 4000 if k in bad_minutes else 1000
        rows += [("shop", metric, float(t), float(v), "/", "r1") for t, v in zip(
            rng.uniform(end - 59, end, 40), rng.normal(level, 50, 40), strict=True)]
    insert_vitals(client, rows)


def run(evaluator: Evaluator, steps: range) -> list[list[str]]:
    """States of the alerts after each evaluation at NOW + k*60."""
    seen = []
    for k in steps:
        report = evaluator.cycle(NOW + k * 60)
        evaluator.deliver_due(NOW + k * 60)
        seen.append([a.state for a in report.firing])
    return seen


def test_flapping_data_does_not_spam(
        clickhouse: Client, receiver: Receiver,
        make_evaluator: Callable[[AlertingSettings], Evaluator]) -> None:
    # Bad, good, bad, good, ... for ten minutes, then good for ten.
    seed_minutes(clickhouse, bad_minutes=[0, 2, 4, 6, 8])
    evaluator = make_evaluator(alerting_settings(receiver.url, [threshold()]))
    states = run(evaluator, range(20))
    assert all(s == ["firing"] for s in states[:13])  # keep_firing_for 5 min after minute 8
    assert states[14:] == [[]] * 6
    bodies = receiver.bodies()
    assert [b["status"] for b in bodies] == ["firing", "resolved"]
    history = clickhouse.query("SELECT state FROM alert_events ORDER BY ts").result_rows
    assert [h[0] for h in history] == ["firing", "resolved"]


def test_without_keep_firing_for_each_flap_would_notify(
        clickhouse: Client, receiver: Receiver,
        make_evaluator: Callable[[AlertingSettings], Evaluator]) -> None:
    """The check above can fail: with keep_firing_for 0 the same data notifies per flap."""
    seed_minutes(clickhouse, bad_minutes=[0, 2, 4])
    evaluator = make_evaluator(alerting_settings(receiver.url, [threshold(keep_firing_for=0)]))
    run(evaluator, range(6))
    assert [b["status"] for b in receiver.bodies()] == ["firing", "resolved"] * 3


def test_for_keeps_an_alert_pending_until_it_held_long_enough(
        clickhouse: Client, receiver: Receiver,
        make_evaluator: Callable[[AlertingSettings], Evaluator]) -> None:
    seed_minutes(clickhouse, bad_minutes=list(range(5)))
    evaluator = make_evaluator(alerting_settings(receiver.url, [threshold(**{"for": "2m"})]))
    events = []
    for k in range(3):
        report = evaluator.cycle(NOW + k * 60)
        events += [e.state for e in report.events]
        evaluator.deliver_due(NOW + k * 60)
        assert len(receiver.requests()) == (1 if k == 2 else 0)
    assert events == ["pending", "firing"]


def test_a_silence_suppresses_until_it_expires(
        clickhouse: Client, receiver: Receiver, redis_client: redis.Redis,
        make_evaluator: Callable[[AlertingSettings], Evaluator]) -> None:
    seed_minutes(clickhouse, bad_minutes=list(range(5)))
    evaluator = make_evaluator(alerting_settings(receiver.url, [threshold()]))
    silences = SilenceStore(redis_client)
    silences.add(["site=other"], 3600, starts_at=NOW - 1)  # matches nothing here
    muting = silences.add(["site=shop", "rule=~lcp-.*"], 3600, starts_at=NOW - 1)
    for k in range(3):
        report = evaluator.cycle(NOW + k * 60)
        evaluator.deliver_due(NOW + k * 60)
        assert [a.state for a in report.firing] == ["firing"]
    assert receiver.requests() == []
    silences.expire(muting.id, now=NOW + 150)
    evaluator.cycle(NOW + 180)
    evaluator.deliver_due(NOW + 180)
    assert [b["status"] for b in receiver.bodies()] == ["firing"]


def test_grouping_waits_and_gathers_alerts_of_a_group(
        clickhouse: Client, receiver: Receiver,
        make_evaluator: Callable[[AlertingSettings], Evaluator]) -> None:
    seed_minutes(clickhouse, bad_minutes=list(range(10)))
    seed_minutes(clickhouse, bad_minutes=list(range(1, 10)), metric="INP")
    settings = alerting_settings(
        receiver.url, [threshold(), threshold("inp-p75", "INP")], group_by=["site"],
        group_wait="2m", group_interval="5m", repeat_interval="1h")
    evaluator = make_evaluator(settings)
    sent_at: list[int] = []
    for k in range(10):
        evaluator.cycle(NOW + k * 60)
        evaluator.deliver_due(NOW + k * 60)
        sent_at += [k] * (len(receiver.requests()) - len(sent_at))
    bodies = receiver.bodies()
    # LCP fires at 0 and opens the group; INP fires at 1; both go out together at 2.
    assert sent_at == [2]
    assert sorted(a["rule"] for a in bodies[0]["alerts"]) == ["inp-p75", "lcp-p75"]
    assert bodies[0]["group_labels"] == {"site": "shop"}


def test_group_wait_ends_between_evaluations(
        clickhouse: Client, receiver: Receiver,
        make_evaluator: Callable[[AlertingSettings], Evaluator]) -> None:
    seed_minutes(clickhouse, bad_minutes=[0])
    evaluator = make_evaluator(alerting_settings(receiver.url, [threshold()],
                                                 group_wait="30s"))
    assert [a.state for a in evaluator.cycle(NOW).firing] == ["firing"]
    assert evaluator.flush_groups(NOW + 29) == []
    assert len(evaluator.flush_groups(NOW + 30)) == 1
    evaluator.deliver_due(NOW + 30)
    assert [b["status"] for b in receiver.bodies()] == ["firing"]

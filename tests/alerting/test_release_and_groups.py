"""Regression against the previous release, and the repeat interval of a group."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import redis
from clickhouse_connect.driver.client import Client

from alerting.engine import Evaluator
from alerting.model import Alert
from alerting.pipeline.group import GroupStage
from collector.cardinality import OTHER
from tests.alerting.conftest import NOW, Receiver, alerting_settings, insert_vitals, lognormal
from vitalscope.config.alerting import AlertingSettings
from vitalscope.redisstore import keys


def test_regression_against_the_previous_release(
        clickhouse: Client, receiver: Receiver, rng: np.random.Generator,
        make_evaluator: Callable[[AlertingSettings], Evaluator]) -> None:
    rows = []
    # r1 ran for two days; r2 shipped an hour ago and is 40 % slower; r0 is older still.
    # `(other)`, newer still, is releases past the site's daily cap: not a release.
    for release, start, end, median, n in (("r0", 5, 3, 4000, 300), ("r1", 3, 1, 2000, 600),
                                           ("r2", 1 / 24, 0, 2800, 400),
                                           (OTHER, 1 / 48, 0, 9000, 50)):
        times = rng.uniform(NOW - start * 86400, NOW - end * 86400 - 1, n)
        rows += [("shop", "LCP", float(t), v, "/", release)
                 for t, v in zip(times, lognormal(rng, median, n), strict=True)]
    insert_vitals(clickhouse, rows)
    rule = {"name": "release-lcp", "kind": "regression", "site": "shop", "metric": "LCP",
            "baseline": "previous_release", "window": "1h", "for": 0}
    evaluator = make_evaluator(alerting_settings(receiver.url, [rule]))
    report = evaluator.cycle(NOW)
    assert report.queries == 4  # releases, windows, then causes (vitals, server timings)
    (alert,) = report.firing
    details = alert.details
    assert details["baseline"] == "previous release r1"
    assert details["current_release"] == "r2"
    assert (details["baseline_samples"], details["current_samples"]) == (600, 400)
    assert 0.25 < details["effect_size"] < 0.55 and details["p_value"] < 1e-6


def _alert(state: str = "firing") -> Alert:
    return Alert(fingerprint="f1", rule="r", kind="threshold",
                 labels={"rule": "r", "site": "shop"}, state=state, value=1.0, summary="s",
                 description="", details={}, receivers=[], active_since=NOW, starts_at=NOW)


def test_a_group_still_firing_is_resent_after_the_repeat_interval(
        redis_client: redis.Redis) -> None:
    settings = AlertingSettings.model_validate({
        "receivers": [{"name": "hook", "url": "https://hooks.example/x"}],
        "group_wait": "30s", "group_interval": "5m", "repeat_interval": "1h"})
    stage = GroupStage(settings, redis_client)
    sent = {}
    for minute in range(0, 130):
        notifications = stage.process([_alert()], NOW + minute * 60)
        if notifications:
            sent[minute] = [n.status for n in notifications]
    # group_wait passes at 0.5 min, so the first flush is at the next look (1 min); then the
    # group is looked at every 5 minutes and resent once an hour has passed.
    assert sent == {1: ["firing"], 61: ["firing"], 121: ["firing"]}
    assert [n.status for n in stage.process([_alert("resolved")], NOW + 131 * 60)] == [
        "resolved"]
    assert stage.process([], NOW + 200 * 60) == []
    assert redis_client.hlen(keys.ALERTS_GROUPS) == 0

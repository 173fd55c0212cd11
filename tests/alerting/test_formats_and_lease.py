"""Slack and Alertmanager renderings of the one alert model, over HTTP; the leader lease."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import redis

from alerting.engine import Evaluator
from alerting.lease import Lease
from alerting.model import Alert
from alerting.notification import Notification
from tests.alerting.conftest import NOW, Receiver
from vitalscope.config.alerting import AlertingSettings


def _iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="milliseconds").replace(
        "+00:00", "Z")


def _alerts() -> list[Alert]:
    common: dict[str, Any] = {
        "kind": "regression", "value": 3000.0, "description": "checkout got slower",
        "receivers": [], "active_since": NOW, "starts_at": NOW}
    return [
        Alert(fingerprint="f1", rule="lcp", labels={"rule": "lcp", "site": "shop"},
              state="firing", summary="LCP p75 rose +40%",
              details={"causes": [{"dimension": "page_group", "value": "/checkout",
                                   "change": 0.8}]}, **common),
        Alert(fingerprint="f2", rule="inp", labels={"rule": "inp", "site": "shop"},
              state="resolved", summary="INP back to normal", details={}, ends_at=NOW + 60,
              **common),
    ]


def test_slack_and_alertmanager_formats(
        receiver: Receiver, make_evaluator: Callable[[AlertingSettings], Evaluator]) -> None:
    settings = AlertingSettings.model_validate({
        "receivers": [{"name": "slack", "type": "slack", "url": receiver.url + "/services/x"},
                      {"name": "am", "type": "alertmanager", "url": receiver.url + "/"}],
        "allow_networks": ["127.0.0.1/32"]})
    evaluator = make_evaluator(settings)
    for name in ("slack", "am"):
        evaluator.pipeline.enqueue(Notification(receiver=name, group_key="g",
                                                group_labels={"site": "shop"},
                                                alerts=_alerts(), created_at=NOW), NOW)
    assert [a.outcome for a in evaluator.deliver_due(NOW)] == ["delivered", "delivered"]
    by_path = {r["path"]: json.loads(r["body"]) for r in receiver.requests()}
    slack = by_path["/services/x"]
    assert slack["text"].startswith(":red_circle: [FIRING] site=shop")
    texts = [b["text"]["text"] for b in slack["blocks"][1:]]
    assert texts[0].startswith("*lcp* (firing): LCP p75 rose +40%")
    assert "page_group `/checkout`: +80%" in texts[0]
    manager = by_path["/api/v2/alerts"]
    assert [a["labels"]["alertname"] for a in manager] == ["lcp", "inp"]
    # Firing: valid for four evaluations unless posted again (the keep-alive stage does).
    assert manager[0]["endsAt"] == _iso(NOW + 4 * settings.evaluation_interval)
    assert manager[1]["endsAt"] == _iso(NOW + 60)
    assert manager[0]["annotations"]["summary"] == "LCP p75 rose +40%"
    assert json.loads(manager[0]["annotations"]["details"])["causes"][0]["value"] == "/checkout"


def test_one_evaluator_holds_the_lease(redis_client: redis.Redis) -> None:
    first, second = Lease(redis_client, ttl_s=0.5), Lease(redis_client, ttl_s=0.5)
    assert first.acquire() and first.acquire()  # taken, then renewed
    assert not second.acquire()
    first.release()
    assert second.acquire() and not first.acquire()
    time.sleep(0.6)  # the holder stopped renewing: the lease expires and moves
    assert first.acquire() and not second.acquire()

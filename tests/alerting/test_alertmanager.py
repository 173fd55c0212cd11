"""The Alertmanager receiver keeps firing alerts alive as Prometheus does: each one posted
again every evaluation with `endsAt` four evaluations ahead, and posted with `endsAt` = the
resolve time when it resolves. Against a real Alertmanager (with a short resolve_timeout)
and, for the exact schedule, a recording HTTP receiver."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import redis

from alerting.model import Alert
from alerting.pipeline import Pipeline
from alerting.receivertest import send_test
from tests.alerting.alertmanager import RESOLVE_TIMEOUT_S, Alertmanager, alertmanager
from tests.alerting.conftest import NOW, Receiver
from vitalscope.config.alerting import AlertingSettings

__all__ = ["alertmanager"]  # the fixture, used by name
EVALUATION_S = 2.0


def _iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="milliseconds").replace(
        "+00:00", "Z")


def _seconds(iso: str) -> float:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


def _alert(now: float, **changes: Any) -> Alert:
    fields: dict[str, Any] = {
        "fingerprint": "f1", "rule": "checkout-lcp", "kind": "threshold",
        "labels": {"rule": "checkout-lcp", "site": "shop", "page_group": "<!channel>"},
        "state": "firing", "value": 3000.0, "summary": "LCP p75 of shop is 3000 (> 2500)",
        "description": "", "details": {"causes": []}, "receivers": [],
        "active_since": now, "starts_at": now, **changes}
    return Alert(**fields)


@pytest.fixture
def make_pipeline(redis_client: redis.Redis) -> Iterator[Any]:
    made: list[Pipeline] = []

    def make(receivers: list[dict[str, Any]], **extra: Any) -> Pipeline:
        settings = AlertingSettings.model_validate({
            "receivers": receivers, "allow_networks": ["127.0.0.1/32"],
            "evaluation_interval": EVALUATION_S, "group_wait": 0, "group_interval": 0,
            **extra})
        made.append(Pipeline(settings, redis_client))
        return made[-1]

    yield make
    for pipeline in made:
        pipeline.close()


def _ours(manager: Alertmanager) -> list[dict[str, Any]]:
    return [a for a in manager.alerts() if a["labels"].get("alertname") == "checkout-lcp"]


def test_a_real_alertmanager_keeps_our_alert_firing_until_we_resolve_it(
        alertmanager: Alertmanager, make_pipeline: Any) -> None:
    pipeline = make_pipeline([{"name": "am", "type": "alertmanager", "url": alertmanager.url}])
    started = time.time()
    alert = _alert(started)
    ends_at: list[float] = []
    # Evaluations every 0.5 s for well past resolve_timeout and past the endsAt of the
    # first post (4 evaluations): only the renewals keep it firing.
    while time.time() - started < RESOLVE_TIMEOUT_S + 4 * EVALUATION_S + 1:
        now = time.time()
        pipeline.dispatch([alert], now)
        for attempt in pipeline.deliver_due(now):
            # Alertmanager's OpenAPI validation answers 400 to a payload it does not take.
            assert (attempt.outcome, attempt.status_code) == ("delivered", 200), attempt
        (held,) = _ours(alertmanager)
        assert held["status"]["state"] == "active"
        ends_at.append(_seconds(held["endsAt"]))
        time.sleep(0.5)
    assert time.time() - started > RESOLVE_TIMEOUT_S + 4 * EVALUATION_S
    assert len(set(ends_at)) >= 5, "renewed about every evaluation"
    (held,) = _ours(alertmanager)
    # Page-sent strings are data here: stored as sent, no escaping.
    assert held["labels"]["page_group"] == "<!channel>"
    assert held["annotations"]["summary"] == "LCP p75 of shop is 3000 (> 2500)"
    assert held["startsAt"] == _iso(started)

    resolved_at = time.time()
    pipeline.dispatch([_alert(started, state="resolved", ends_at=resolved_at)], resolved_at)
    assert [(a.kind, a.outcome, a.status_code) for a in pipeline.deliver_due(resolved_at)] \
        == [("alert", "delivered", 200)]
    # Resolved at once (the last renewal would have kept it for seconds more), and nothing
    # is left in the outbox to fire it again.
    assert _ours(alertmanager) == []
    assert pipeline.retry.pending() == 0

    settings = pipeline.settings
    assert send_test(settings, "am")["status_code"] == 200


def test_keepalive_schedule_supersedes_and_resolution(receiver: Receiver,
                                                      make_pipeline: Any) -> None:
    pipeline = make_pipeline([
        {"name": "am", "type": "alertmanager", "url": receiver.url},
        {"name": "hook", "url": receiver.url + "/hook"}], evaluation_interval=60)
    alert = _alert(NOW)

    def evaluate(at: float, *alerts: Alert) -> list[tuple[str, str]]:
        pipeline.dispatch(list(alerts), at)
        return [(a.receiver, a.kind) for a in pipeline.deliver_due(at)]

    assert sorted(evaluate(NOW, alert)) == [("am", "keepalive"), ("hook", "alert")]
    assert evaluate(NOW + 30, alert) == []  # before the next evaluation is due
    assert evaluate(NOW + 60, alert) == [("am", "keepalive")]  # the webhook: nothing new
    bodies = [(r["path"], r["body"]) for r in receiver.requests()]
    posts = [b for p, b in bodies if p == "/api/v2/alerts"]
    assert len(posts) == 2 and [p for p, _ in bodies].count("/hook") == 1
    firing = [item for item in receiver.bodies() if isinstance(item, list)]
    assert [f[0]["endsAt"] for f in firing] == [_iso(NOW + 240), _iso(NOW + 300)]
    assert all(f[0]["startsAt"] == _iso(NOW) for f in firing)

    # Alertmanager down: a newer keep-alive replaces the one waiting for its retry.
    receiver.answer(503)
    assert evaluate(NOW + 120, alert) == [("am", "keepalive")]
    assert pipeline.retry.pending() == 1
    pipeline.dispatch([alert], NOW + 180)
    assert pipeline.retry.pending() == 1
    receiver.answer(200)
    assert evaluate(NOW + 240, alert) == [("am", "keepalive")]
    assert pipeline.retry.pending() == 0
    assert receiver.bodies()[-1][0]["endsAt"] == _iso(NOW + 240 + 240)

    resolved = _alert(NOW, state="resolved", ends_at=NOW + 250)
    assert sorted(evaluate(NOW + 250, resolved)) == [("am", "alert"), ("hook", "alert")]
    (last,) = [b for b in receiver.bodies() if isinstance(b, list)][-1]
    assert last["endsAt"] == _iso(NOW + 250) and last["labels"]["alertname"] == "checkout-lcp"
    assert evaluate(NOW + 400) == []  # nothing firing: nothing more to post
    assert pipeline.retry.pending() == 0

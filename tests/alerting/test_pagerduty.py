"""The PagerDuty Events API v2 receiver against a real HTTP receiver on 127.0.0.1: one
incident per alert group (trigger, then resolve, under the group's dedup key), severities
mapped, no Standard Webhooks headers, the routing key only ever in the request itself, and
the endpoint override held to the outbound-address policy like any receiver."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import redis
import yaml
from clickhouse_connect.driver.client import Client

from alerting.engine import Evaluator
from alerting.model import Alert
from alerting.pipeline.retry import DEAD_KEY
from alerting.receivers.pagerduty import PagerDutyReceiver
from alerting.receivertest import send_test
from tests.alerting.conftest import NOW, Receiver
from vitalscope.config import ConfigError, load_settings
from vitalscope.config.alerting import AlertingSettings

ROUTING_KEY = "R0utingKeyOfTheTestIntegration01"  # 32 letters and digits


def _settings(url: str, **extra: Any) -> AlertingSettings:
    return AlertingSettings.model_validate({
        "receivers": [{"name": "pd", "type": "pagerduty", "routing_key": ROUTING_KEY,
                       "url": url + "/v2/enqueue", "max_attempts": 1}],
        "allow_networks": ["127.0.0.1/32"],
        "group_wait": 0, "group_interval": 0, "repeat_interval": "4h", **extra})


def _alert(fingerprint: str, state: str, severity: str, page_group: str) -> Alert:
    return Alert(fingerprint=fingerprint, rule="lcp", kind="regression",
                 labels={"rule": "lcp", "site": "shop", "severity": severity,
                         "page_group": page_group},
                 state=state, value=3000.0, summary=f"LCP p75 rose on {page_group}",
                 description="", details={}, receivers=[], active_since=NOW, starts_at=NOW,
                 ends_at=NOW + 60 if state == "resolved" else 0.0)


def _events(receiver: Receiver) -> list[tuple[dict[str, str], dict[str, Any]]]:
    return [({k.lower(): v for k, v in r["headers"].items()}, json.loads(r["body"]))
            for r in receiver.requests()]


def test_a_group_triggers_then_resolves_one_incident(
        receiver: Receiver, make_evaluator: Callable[[AlertingSettings], Evaluator]) -> None:
    receiver.answer(202)  # what PagerDuty answers
    evaluator = make_evaluator(_settings(receiver.url))
    evaluator.pipeline.dispatch([_alert("f1", "firing", "warning", "/cart"),
                                 _alert("f2", "firing", "critical", "/checkout")], NOW)
    assert [a.outcome for a in evaluator.deliver_due(NOW)] == ["delivered"]
    evaluator.pipeline.dispatch([_alert("f1", "resolved", "warning", "/cart"),
                                 _alert("f2", "resolved", "critical", "/checkout")], NOW + 60)
    assert [a.outcome for a in evaluator.deliver_due(NOW + 60)] == ["delivered"]

    (trigger_headers, trigger), (resolve_headers, resolve) = _events(receiver)
    assert [r["path"] for r in receiver.requests()] == ["/v2/enqueue", "/v2/enqueue"]
    for headers in (trigger_headers, resolve_headers):
        assert headers["content-type"] == "application/json"
        assert not [h for h in headers if h.startswith("webhook-")], headers
    assert trigger["routing_key"] == resolve["routing_key"] == ROUTING_KEY
    assert (trigger["event_action"], resolve["event_action"]) == ("trigger", "resolve")
    assert trigger["dedup_key"] == resolve["dedup_key"]
    assert trigger["dedup_key"].startswith("vitalscope-") and len(trigger["dedup_key"]) <= 255
    payload = trigger["payload"]
    assert payload["severity"] == "critical"  # the most severe firing alert
    assert payload["summary"] == ("[FIRING:2] rule=lcp, site=shop: LCP p75 rose on /cart "
                                  "(and 1 more)")
    assert (payload["source"], payload["class"]) == ("shop", "regression")
    assert [a["labels"]["page_group"] for a in payload["custom_details"]["alerts"]] == [
        "/cart", "/checkout"]
    assert "payload" not in resolve


@pytest.mark.parametrize(("severities", "expected"), [
    (["warning", "info"], "warning"),
    (["info"], "info"),
    (["info", "page-me"], "error"),  # a label PagerDuty does not know
])
def test_severities_map_to_pagerduty_ones(
        receiver: Receiver, make_evaluator: Callable[[AlertingSettings], Evaluator],
        severities: list[str], expected: str) -> None:
    evaluator = make_evaluator(_settings(receiver.url))
    evaluator.pipeline.dispatch([_alert(f"f{i}", "firing", s, f"/p{i}")
                                 for i, s in enumerate(severities)], NOW)
    assert [a.outcome for a in evaluator.deliver_due(NOW)] == ["delivered"]
    ((_, event),) = _events(receiver)
    assert event["payload"]["severity"] == expected


def _stored_text(client: redis.Redis) -> str:
    parts = []
    for key in client.scan_iter():
        parts.append(repr(key))
        kind = client.type(key)
        if kind == b"hash":
            parts.append(repr(client.hgetall(key)))
        elif kind == b"list":
            parts.append(repr(client.lrange(key, 0, -1)))
        elif kind == b"zset":
            parts.append(repr(client.zrange(key, 0, -1)))
        elif kind == b"string":
            parts.append(repr(client.get(key)))
        elif kind == b"stream":
            parts.append(repr(client.xrange(key)))
    return "\n".join(parts)


def test_the_routing_key_stays_out_of_storage_logs_and_errors(
        receiver: Receiver, make_evaluator: Callable[[AlertingSettings], Evaluator],
        redis_client: redis.Redis, clickhouse: Client, caplog: pytest.LogCaptureFixture
        ) -> None:
    caplog.set_level(logging.DEBUG)
    settings = _settings(receiver.url)
    evaluator = make_evaluator(settings)
    receiver.answer(400)  # PagerDuty refusing the event: dead-lettered at once
    evaluator.pipeline.dispatch([_alert("f1", "firing", "critical", "/cart")], NOW)
    (attempt,) = evaluator.deliver_due(NOW)
    assert (attempt.outcome, attempt.error) == ("dead", "HTTP 400")
    ((_, event),) = _events(receiver)
    assert event["routing_key"] == ROUTING_KEY  # it was sent, and only there:

    assert redis_client.llen(DEAD_KEY) == 1
    assert ROUTING_KEY not in _stored_text(redis_client)
    deliveries = repr(clickhouse.query("SELECT * FROM alert_deliveries").result_rows)
    assert "HTTP 400" in deliveries and ROUTING_KEY not in deliveries
    assert caplog.records and ROUTING_KEY not in caplog.text
    assert ROUTING_KEY not in repr(settings) + str(settings.receivers)


def test_a_bad_routing_key_is_refused_without_showing_it(tmp_path: Path) -> None:
    bad = "0123456789abcdef01234567 with a space"
    path = tmp_path / "vitalscope.yaml"
    path.write_text(yaml.safe_dump({"alerting": {"receivers": [
        {"name": "pd", "type": "pagerduty", "routing_key": bad}]}}))
    with pytest.raises(ConfigError) as caught:
        load_settings(path, data=tmp_path / "data")
    assert caught.value.lines[0].startswith(
        "configuration error: alerting.receivers[0].routing_key (in ")
    assert "integration key" in str(caught.value) and bad not in str(caught.value)


def test_the_endpoint_override_passes_the_outbound_address_policy(
        receiver: Receiver, make_evaluator: Callable[[AlertingSettings], Evaluator]) -> None:
    evaluator = make_evaluator(_settings(receiver.url, allow_networks=[]))
    evaluator.pipeline.dispatch([_alert("f1", "firing", "critical", "/cart")], NOW)
    (attempt,) = evaluator.deliver_due(NOW)
    assert attempt.outcome == "refused" and "127.0.0.1" in attempt.error
    assert ROUTING_KEY not in attempt.error
    assert receiver.requests() == []


def test_the_default_endpoint_is_pagerdutys() -> None:
    settings = AlertingSettings.model_validate({"receivers": [
        {"name": "pd", "type": "pagerduty", "routing_key": ROUTING_KEY}]})
    (pd,) = settings.receivers
    assert isinstance(pd, PagerDutyReceiver)
    assert pd.url == "https://events.pagerduty.com/v2/enqueue"


def test_a_receiver_test_triggers_an_info_event(receiver: Receiver) -> None:
    result = send_test(_settings(receiver.url), "pd")
    assert (result["outcome"], result["status_code"]) == ("delivered", 200)
    ((headers, event),) = _events(receiver)
    assert not [h for h in headers if h.startswith("webhook-")]
    assert (event["event_action"], event["dedup_key"], event["payload"]["severity"]) == (
        "trigger", "vitalscope-test-pd", "info")


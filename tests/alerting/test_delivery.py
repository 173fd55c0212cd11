"""The durable outbox against a real HTTP receiver: retries with the same webhook-id,
Standard Webhooks signatures, 410, Retry-After, redirects, timeouts and the dead letters."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Iterator

import pytest
import redis
from clickhouse_connect.driver.client import Client

from alerting.delivery.signing import sign, verify
from alerting.engine import Evaluator
from alerting.model import Alert
from alerting.notification import Notification
from alerting.pipeline.retry import CLAIM_LEASE_S
from tests.alerting.conftest import NOW, SECRET, Receiver, alerting_settings
from tests.support.ports import free_port
from vitalscope.config.alerting import AlertingSettings
from vitalscope.redisstore import keys

OLD_SECRET = "an-older-secret-still-accepted-while-rotating"


def _alert() -> Alert:
    return Alert(fingerprint="f1", rule="r", kind="threshold",
                 labels={"rule": "r", "site": "shop"}, state="firing", value=1.0,
                 summary="s", description="", details={}, receivers=[], active_since=NOW,
                 starts_at=NOW)


def _notify(evaluator: Evaluator) -> str:
    item = evaluator.pipeline.enqueue(Notification(
        receiver="hook", group_key="g", group_labels={"rule": "r"}, alerts=[_alert()]), NOW)
    return item.id


def test_receiver_down_then_up_gets_it_once_with_the_same_webhook_id(
        receiver: Receiver, make_evaluator: Callable[[AlertingSettings], Evaluator],
        clickhouse: Client) -> None:
    evaluator = make_evaluator(alerting_settings(receiver.url, []))
    receiver.stop()
    webhook_id = _notify(evaluator)
    first = evaluator.deliver_due(NOW)
    assert [(a.outcome, a.attempt) for a in first] == [("retry", 1)]
    # Not due again before the backoff, however often the outbox is polled.
    assert evaluator.deliver_due(NOW + 0.5) == []
    receiver.start()
    receiver.answer(503)
    second = evaluator.deliver_due(NOW + 10)
    assert [(a.outcome, a.status_code, a.attempt) for a in second] == [("retry", 503, 2)]
    receiver.answer(200)
    third = evaluator.deliver_due(NOW + 100)
    assert [(a.outcome, a.attempt) for a in third] == [("delivered", 3)]
    assert evaluator.deliver_due(NOW + 1000) == []
    requests = receiver.requests()
    assert [r["headers"]["webhook-id"] for r in requests] == [webhook_id, webhook_id]
    assert requests[0]["body"] == requests[1]["body"]
    logged = clickhouse.query("SELECT attempt, outcome, notification_id FROM alert_deliveries "
                              "ORDER BY attempt").result_rows
    assert logged == [(1, "retry", webhook_id), (2, "retry", webhook_id),
                      (3, "delivered", webhook_id)]


def test_signatures_verify_with_every_rotated_secret_and_tampering_fails(
        receiver: Receiver, make_evaluator: Callable[[AlertingSettings], Evaluator]) -> None:
    settings = alerting_settings(receiver.url, [])
    settings.receivers[0] = settings.receivers[0].model_validate(
        {"name": "hook", "url": receiver.url, "secrets": [SECRET, OLD_SECRET]})
    evaluator = make_evaluator(settings)
    _notify(evaluator)
    evaluator.deliver_due(NOW)
    (request,) = receiver.requests()
    headers = {k.lower(): v for k, v in request["headers"].items()}
    body = request["body"].encode()
    now = int(headers["webhook-timestamp"])
    assert len(headers["webhook-signature"].split()) == 2
    assert verify(SECRET, headers, body, now=now)
    assert verify(OLD_SECRET, headers, body, now=now)
    tampered = body.replace(b'"status":"firing"', b'"status":"resolved"')
    assert tampered != body
    assert not verify(SECRET, headers, tampered, now=now)
    assert not verify(SECRET, {**headers, "webhook-id": "msg_other"}, body, now=now)
    assert not verify("some-other-secret-of-enough-length", headers, body, now=now)
    assert not verify(SECRET, headers, body, now=now + 3600)  # replayed an hour later
    # The documented construction: base64 HMAC-SHA256 of "id.timestamp.body".
    assert sign(SECRET, headers["webhook-id"], now, body) in headers["webhook-signature"]


def test_gone_disables_the_receiver_and_later_notifications_go_to_dead_letters(
        receiver: Receiver, make_evaluator: Callable[[AlertingSettings], Evaluator],
        redis_client: redis.Redis) -> None:
    evaluator = make_evaluator(alerting_settings(receiver.url, []))
    receiver.answer(410)
    _notify(evaluator)
    assert [a.outcome for a in evaluator.deliver_due(NOW)] == ["gone"]
    receiver.answer(200)
    _notify(evaluator)
    assert [a.outcome for a in evaluator.deliver_due(NOW + 1)] == ["disabled"]
    assert len(receiver.requests()) == 1
    dead = evaluator.pipeline.retry.dead_letters()
    assert [d["reason"].split(" ")[0] for d in dead] == ["receiver", "HTTP"]
    assert "hook" in evaluator.pipeline.retry.disabled()


def test_retry_after_is_honoured(receiver: Receiver, redis_client: redis.Redis,
                                 make_evaluator: Callable[[AlertingSettings], Evaluator]
                                 ) -> None:
    evaluator = make_evaluator(alerting_settings(receiver.url, []))
    receiver.answer(429, retry_after="120")
    item_id = _notify(evaluator)
    assert [a.outcome for a in evaluator.deliver_due(NOW)] == ["retry"]
    assert redis_client.zscore(keys.ALERTS_OUTBOX_DUE, item_id) == NOW + 120
    assert evaluator.deliver_due(NOW + 119) == []
    receiver.answer(200)
    assert [a.outcome for a in evaluator.deliver_due(NOW + 120)] == ["delivered"]


def test_redirects_are_not_followed(receiver: Receiver,
                                    make_evaluator: Callable[[AlertingSettings], Evaluator]
                                    ) -> None:
    target = Receiver(free_port()).start()
    try:
        evaluator = make_evaluator(alerting_settings(receiver.url, []))
        receiver.answer(307, location=target.url + "/elsewhere")
        _notify(evaluator)
        (attempt,) = evaluator.deliver_due(NOW)
        assert (attempt.outcome, attempt.status_code) == ("dead", 307)
        assert "redirect not followed" in attempt.error
        assert target.requests() == []
    finally:
        target.stop()


@pytest.fixture
def silent_server() -> Iterator[int]:
    """Accepts connections and never answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        sock.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(sock.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield int(sock.getsockname()[1])
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    sock.close()


def test_timeouts_are_retried_then_dead_lettered(
        silent_server: int, make_evaluator: Callable[[AlertingSettings], Evaluator]) -> None:
    settings = AlertingSettings.model_validate({
        "receivers": [{"name": "hook", "url": f"http://127.0.0.1:{silent_server}/",
                       "timeout": 0.3, "max_attempts": 2}],
        "allow_networks": ["127.0.0.1/32"]})
    evaluator = make_evaluator(settings)
    _notify(evaluator)
    (first,) = evaluator.deliver_due(NOW)
    assert first.outcome == "retry" and "timed out" in first.error
    (second,) = evaluator.deliver_due(NOW + 3600)
    assert second.outcome == "dead" and "gave up after 2 attempts" in second.error
    (dead,) = evaluator.pipeline.retry.dead_letters()
    assert json.loads(dead["body"])["alerts"][0]["fingerprint"] == "f1"


def test_a_stopping_process_leaves_what_it_claimed_to_be_sent_later(
        receiver: Receiver, make_evaluator: Callable[[AlertingSettings], Evaluator]) -> None:
    evaluator = make_evaluator(alerting_settings(receiver.url, []))
    webhook_id = _notify(evaluator)
    stopping = threading.Event()
    stopping.set()
    # The process is stopping: nothing is sent, and the claimed item is not lost.
    assert evaluator.deliver_due(NOW, stop=stopping) == []
    assert receiver.requests() == []
    assert evaluator.deliver_due(NOW + 1) == []  # still claimed by the stopped round
    delivered = evaluator.deliver_due(NOW + CLAIM_LEASE_S + 1)
    assert [(a.outcome, a.attempt) for a in delivered] == [("delivered", 1)]
    assert [r["headers"]["webhook-id"] for r in receiver.requests()] == [webhook_id]

"""The one notification pipeline: silence -> group/dedup (or keep-alive, for receivers that
are alert stores) -> retry (durable outbox) -> deliver, as named stages (the shape of
Alertmanager's notify.go). `dispatch` runs the first three after an evaluation;
`deliver_due` runs retry and deliver on whatever is due."""

from __future__ import annotations

import threading
from collections.abc import Callable

import redis

from alerting.delivery.sender import Sender
from alerting.history import Attempt
from alerting.model import Alert
from alerting.notification import Notification
from alerting.pipeline.deliver import DeliverStage
from alerting.pipeline.group import GroupStage
from alerting.pipeline.keepalive import KeepAliveStage
from alerting.pipeline.retry import OutboxItem, RetryStage
from alerting.pipeline.silence import SilenceStage
from alerting.silences import SilenceStore
from vitalscope.config.alerting import AlertingSettings


class Pipeline:
    def __init__(self, settings: AlertingSettings, client: redis.Redis,
                 record: Callable[[list[Attempt]], None] | None = None) -> None:
        self.settings = settings
        self.silence = SilenceStage(SilenceStore(client))
        self.group = GroupStage(settings, client)
        self.keepalive = KeepAliveStage(settings, client)
        self.retry = RetryStage(settings, client)
        self.sender = Sender(settings)
        self.deliver = DeliverStage(settings.receivers, self.sender)
        self.record = record

    def dispatch(self, alerts: list[Alert], now: float) -> list[OutboxItem]:
        unmuted = self.silence.process(alerts, now)
        notifications = self.group.process(unmuted, now)
        kept = self.keepalive.process(unmuted, now)
        self.retry.discard(kept.superseded)
        return self.retry.enqueue(notifications + kept.notifications, now)

    def enqueue(self, notification: Notification, now: float) -> OutboxItem:
        """A notification that skips silence and grouping (a receiver test)."""
        return self.retry.enqueue([notification], now)[0]

    def deliver_due(self, now: float, limit: int = 50,
                    stop: threading.Event | None = None) -> list[Attempt]:
        """Sends what is due; when `stop` is set it returns after the send in progress, and
        the items it claimed but did not send come back when their claim lapses."""
        disabled = self.retry.disabled()
        attempts = []
        for item in self.retry.claim(now, limit):
            if stop is not None and stop.is_set():
                break
            receiver = self.deliver.receivers.get(item.receiver)
            result = self.deliver.process(item, disabled)
            attempt = self.retry.settle(item, result, now,
                                        receiver.max_attempts if receiver else 1)
            if attempt.outcome == "gone":
                disabled = self.retry.disabled()
            attempts.append(attempt)
        if attempts and self.record is not None:
            self.record(attempts)
        return attempts

    def close(self) -> None:
        self.sender.close()

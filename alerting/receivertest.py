"""`vitalscope alerts test NAME`: one test notification sent straight to a receiver (no
silence, no grouping, no retry) so the answer can be printed at once."""

from __future__ import annotations

from typing import Any

from clickhouse_connect.driver.client import Client

from alerting.delivery.sender import Sender
from alerting.history import Attempt, write_attempts
from alerting.notification import Notification
from alerting.pipeline.keepalive import alive_for
from alerting.receivers import render
from alerting.receivers.base import RenderContext
from vitalscope.config.alerting import AlertingSettings


class UnknownReceiver(LookupError):
    pass


def send_test(settings: AlertingSettings, name: str, client: Client | None = None,
              cluster: str | None = None) -> dict[str, Any]:
    receiver = next((r for r in settings.receivers if r.name == name), None)
    if receiver is None:
        known = ", ".join(r.name for r in settings.receivers) or "none configured"
        raise UnknownReceiver(f"no receiver {name!r} (receivers: {known})")
    notification = Notification(receiver=name, group_key="test", group_labels={}, alerts=[],
                                kind="test")
    sender = Sender(settings)
    try:
        result = sender.send(receiver, notification.id, render(
            receiver, notification, RenderContext(alive_for(settings))))
    finally:
        sender.close()
    if client is not None:
        write_attempts(client, cluster, [Attempt(
            notification.created_at, notification.id, name, "test", "test", 1, result.outcome,
            result.status_code, result.latency_ms, result.error)])
    return {"receiver": name, "webhook_id": notification.id, "outcome": result.outcome,
            "status_code": result.status_code, "latency_ms": round(result.latency_ms, 1),
            "error": result.error}

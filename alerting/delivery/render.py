"""One alert model rendered for each receiver type: generic webhook JSON (schema
`vitalscope.alerts/v1`, see docs/alerting.md), Slack incoming webhook (`slack.py`) and
Alertmanager. Each format escapes in its own way: Slack's mrkdwn with `slack.mrkdwn`; the
webhook JSON and Alertmanager's labels and annotations are data, so page-sent strings go
in as they are and JSON encoding is their only escaping (a consumer that shows them as
markup escapes for its own output)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from alerting.delivery.slack import slack_body
from alerting.model import Alert
from alerting.notification import Notification

SCHEMA = "vitalscope.alerts/v1"


def _iso(seconds: float) -> str | None:
    if not seconds:
        return None
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="milliseconds").replace(
        "+00:00", "Z")


def _alert(alert: Alert) -> dict[str, Any]:
    return {
        "fingerprint": alert.fingerprint,
        "status": alert.state,
        "rule": alert.rule,
        "kind": alert.kind,
        "labels": alert.labels,
        "summary": alert.summary,
        "description": alert.description,
        "value": alert.value,
        "starts_at": _iso(alert.starts_at),
        "ends_at": _iso(alert.ends_at),
        "details": alert.details,
    }


def webhook_body(n: Notification) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "id": n.id,
        "type": n.kind,
        "receiver": n.receiver,
        "status": n.status,
        "group_key": n.group_key,
        "group_labels": n.group_labels,
        "created_at": _iso(n.created_at),
        "alerts": [_alert(a) for a in n.alerts],
    }


def alertmanager_body(n: Notification, alive_for: float) -> list[dict[str, Any]]:
    """Firing alerts end `alive_for` seconds after the notification unless posted again
    (the keep-alive stage renews them every evaluation); resolved ones end when they
    resolved."""
    alerts = n.alerts
    if n.kind == "test":
        return [{"labels": {"alertname": "VitalscopeTest", "receiver": n.receiver},
                 "annotations": {"summary": "Vitalscope test notification"},
                 "startsAt": _iso(n.created_at), "endsAt": _iso(n.created_at + 60)}]
    out = []
    for alert in alerts:
        item: dict[str, Any] = {
            "labels": {"alertname": alert.rule, **alert.labels},
            "annotations": {"summary": alert.summary, "description": alert.description,
                            "details": json.dumps(alert.details, default=str)},
            "startsAt": _iso(alert.starts_at or alert.active_since),
        }
        item["endsAt"] = _iso(alert.ends_at if alert.state == "resolved"
                              else n.created_at + alive_for)
        out.append(item)
    return out


def target_url(receiver_type: str, url: str) -> str:
    if receiver_type == "alertmanager":
        return url.rstrip("/") + "/api/v2/alerts"
    return url


def render(receiver_type: str, n: Notification, *, alive_for: float) -> bytes:
    """The exact body bytes (stored once, so every retry sends the same bytes under the same
    webhook-id)."""
    if receiver_type == "slack":
        body: Any = slack_body(n)
    elif receiver_type == "alertmanager":
        body = alertmanager_body(n, alive_for)
    else:
        body = webhook_body(n)
    return json.dumps(body, separators=(",", ":"), default=str).encode()

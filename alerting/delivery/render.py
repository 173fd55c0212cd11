"""One alert model rendered for each receiver type: generic webhook JSON (schema
`vitalscope.alerts/v1`, see docs/alerting.md), Slack incoming webhook and Alertmanager."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

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


def slack_body(n: Notification) -> dict[str, Any]:
    if n.kind == "test":
        text = "Vitalscope test notification: this receiver works."
        return {"text": text, "blocks": [{"type": "section",
                                          "text": {"type": "mrkdwn", "text": text}}]}
    icon = ":red_circle:" if n.status == "firing" else ":large_green_circle:"
    title = f"{icon} [{n.status.upper()}] " + ", ".join(
        f"{k}={v}" for k, v in n.group_labels.items())
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": title[:150]}}]
    for alert in n.alerts[:20]:
        causes = alert.details.get("causes") or []
        why = "".join(f"\n• {c['dimension']} `{c['value']}`: {c['change']:+.0%}"
                      for c in causes[:5])
        blocks.append({"type": "section", "text": {
            "type": "mrkdwn", "text": f"*{alert.rule}* ({alert.state}): {alert.summary}{why}"}})
    return {"text": title, "blocks": blocks}


def alertmanager_body(n: Notification) -> list[dict[str, Any]]:
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
        if alert.state == "resolved":
            item["endsAt"] = _iso(alert.ends_at)
        out.append(item)
    return out


def target_url(receiver_type: str, url: str) -> str:
    if receiver_type == "alertmanager":
        return url.rstrip("/") + "/api/v2/alerts"
    return url


def render(receiver_type: str, n: Notification) -> bytes:
    """The exact body bytes (stored once, so every retry sends the same bytes under the same
    webhook-id)."""
    if receiver_type == "slack":
        body: Any = slack_body(n)
    elif receiver_type == "alertmanager":
        body = alertmanager_body(n)
    else:
        body = webhook_body(n)
    return json.dumps(body, separators=(",", ":"), default=str).encode()

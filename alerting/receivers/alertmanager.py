"""Alertmanager: POST <url>/api/v2/alerts. Labels and annotations are data, so page-sent
strings go in as they are (JSON encoding is their only escaping). Alertmanager is an alert
store, not a chat: the keep-alive stage re-posts every firing alert each evaluation instead
of grouped notifications (`kept_alive`)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from alerting.receivers.base import (
    ReceiverKind,
    RenderContext,
    Request,
    WebhookReceiverBase,
    error_group_notes,
    iso,
    json_request,
)

if TYPE_CHECKING:
    from alerting.notification import Notification


class AlertmanagerReceiver(WebhookReceiverBase):
    type: Literal["alertmanager"] = Field(description="`alertmanager`: POST "
                                          "<url>/api/v2/alerts.")


def alertmanager_body(n: Notification, context: RenderContext) -> list[dict[str, Any]]:
    """Firing alerts end `alive_for` seconds after the notification unless posted again
    (the keep-alive stage renews them every evaluation); resolved ones end when they
    resolved."""
    alerts = n.alerts
    if n.kind == "test":
        return [{"labels": {"alertname": "VitalscopeTest", "receiver": n.receiver},
                 "annotations": {"summary": "Vitalscope test notification"},
                 "startsAt": iso(n.created_at), "endsAt": iso(n.created_at + 60)}]
    out = []
    for alert in alerts:
        item: dict[str, Any] = {
            "labels": {"alertname": alert.rule, **alert.labels},
            "annotations": {"summary": alert.summary, "description": alert.description,
                            "details": json.dumps(alert.details, default=str),
                            # Error groups: group_url, original_frame, minified_frame.
                            **error_group_notes(alert.details)},
            "startsAt": iso(alert.starts_at or alert.active_since),
        }
        item["endsAt"] = iso(alert.ends_at if alert.state == "resolved"
                             else n.created_at + context.alive_for)
        out.append(item)
    return out


def alertmanager_request(receiver: AlertmanagerReceiver, body: bytes) -> Request:
    return json_request(receiver.url.get_secret_value().rstrip("/") + "/api/v2/alerts", body,
                        secrets=receiver.signing_secrets())


KIND = ReceiverKind("alertmanager", AlertmanagerReceiver, alertmanager_body,
                    alertmanager_request, kept_alive=True)

"""The generic webhook: JSON of schema `vitalscope.alerts/v1` (see docs/alerting.md),
signed with Standard Webhooks. Its fields are data: page-sent strings go in as they are and
JSON encoding is their only escaping (a consumer that shows them as markup escapes for its
own output)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from alerting.receivers.base import (
    ReceiverKind,
    RenderContext,
    Request,
    WebhookReceiverBase,
    iso,
    json_request,
)

if TYPE_CHECKING:
    from alerting.model import Alert
    from alerting.notification import Notification

SCHEMA = "vitalscope.alerts/v1"


class WebhookReceiver(WebhookReceiverBase):
    type: Literal["webhook"] = Field(
        default="webhook", description="`webhook` (the default): generic JSON with a "
        "versioned schema.")


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
        "starts_at": iso(alert.starts_at),
        "ends_at": iso(alert.ends_at),
        "details": alert.details,
    }


def webhook_body(n: Notification, context: RenderContext) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "id": n.id,
        "type": n.kind,
        "receiver": n.receiver,
        "status": n.status,
        "group_key": n.group_key,
        "group_labels": n.group_labels,
        "created_at": iso(n.created_at),
        "alerts": [_alert(a) for a in n.alerts],
    }


def webhook_request(receiver: WebhookReceiver, body: bytes) -> Request:
    return json_request(receiver.url.get_secret_value(), body,
                        secrets=receiver.signing_secrets())


KIND = ReceiverKind("webhook", WebhookReceiver, webhook_body, webhook_request)

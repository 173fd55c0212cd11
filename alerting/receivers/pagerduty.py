"""PagerDuty Events API v2: one event per notification of an alert group, to a fixed
endpoint, addressed by the integration's routing key. The group's dedup key ties its
events to one incident: `trigger` while any of its alerts fires (again when the firing set
changes, which updates the incident), `resolve` once all have resolved. No Standard
Webhooks headers: PagerDuty authenticates by the routing key.

The routing key is a secret and goes into the body, so it is added by the request, at send
time: the rendered body stored in the outbox (and kept in dead letters) never holds it."""

from __future__ import annotations

import hashlib
import json
import re
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field, SecretStr, field_validator

from alerting.receivers.base import (
    ReceiverBase,
    ReceiverKind,
    RenderContext,
    Request,
    error_group_notes,
    http_url,
    iso,
)

if TYPE_CHECKING:
    from alerting.model import Alert
    from alerting.notification import Notification

EVENTS_URL = "https://events.pagerduty.com/v2/enqueue"
ROUTING_KEY = re.compile(r"^[A-Za-z0-9]{20,64}$")
SUMMARY_CHARS = 1024  # PagerDuty's limit
SHOWN_ALERTS = 20  # in custom_details; the dashboard lists them all
# Rule severities -> PagerDuty's (critical, error, warning, info); a label PagerDuty does
# not know becomes `error`, as in Alertmanager. An event takes its most severe firing alert.
SEVERITY = {"critical": "critical", "error": "error", "warning": "warning", "info": "info"}
_RANK = ("critical", "error", "warning", "info")
ELLIPSIS = "…"


class PagerDutyReceiver(ReceiverBase):
    type: Literal["pagerduty"] = Field(description="`pagerduty`: PagerDuty Events API v2 "
                                       "(trigger and resolve, one incident per alert group).")
    routing_key: SecretStr = Field(description="Integration key of a PagerDuty Events API v2 "
                                   "integration (a secret: kept out of logs, errors and the "
                                   "stored notifications).")
    url: str = Field(default=EVENTS_URL,
                     description="Events API v2 endpoint. Leave the default; tests point it at "
                     "a local receiver, which `alerting.allow_networks` must allow like any "
                     "receiver address.")

    @field_validator("routing_key")
    @classmethod
    def _routing_key(cls, value: SecretStr) -> SecretStr:
        if not ROUTING_KEY.fullmatch(value.get_secret_value()):
            raise ValueError("must be the integration key of an Events API v2 integration "
                             "(20-64 letters and digits)")
        return value

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        return http_url(value)


def dedup_key(group_key: str) -> str:
    """The same for every notification of a group (a group key holds the receiver and the
    group labels, which may be long: hashed to stay within PagerDuty's 255 characters)."""
    return "vitalscope-" + hashlib.sha256(group_key.encode()).hexdigest()[:32]


def severity(alerts: list[Alert]) -> str:
    mapped = {SEVERITY.get(a.labels.get("severity", ""), "error") for a in alerts}
    return next(s for s in _RANK if s in mapped)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - len(ELLIPSIS)] + ELLIPSIS


def _detail(alert: Alert) -> dict[str, Any]:
    return {"rule": alert.rule, "status": alert.state, "summary": alert.summary,
            "description": alert.description, "value": alert.value, "labels": alert.labels,
            "starts_at": iso(alert.starts_at or alert.active_since),
            "ends_at": iso(alert.ends_at), "details": alert.details,
            **error_group_notes(alert.details)}


def pagerduty_body(n: Notification, context: RenderContext) -> dict[str, Any]:
    if n.kind == "test":
        return {"event_action": "trigger", "dedup_key": f"vitalscope-test-{n.receiver}",
                "client": "Vitalscope", "payload": {
                    "summary": "Vitalscope test notification: this receiver works.",
                    "source": "vitalscope", "severity": "info",
                    "timestamp": iso(n.created_at)}}
    key = dedup_key(n.group_key)
    firing = [a for a in n.alerts if a.state == "firing"]
    if not firing:
        return {"event_action": "resolve", "dedup_key": key}
    labels = ", ".join(f"{k}={v}" for k, v in n.group_labels.items())
    more = f" (and {len(firing) - 1} more)" if len(firing) > 1 else ""
    summary = f"[FIRING:{len(firing)}] {labels}: {firing[0].summary}{more}"
    event: dict[str, Any] = {
        "event_action": "trigger", "dedup_key": key, "client": "Vitalscope", "payload": {
        "summary": _shorten(summary, SUMMARY_CHARS),
        "source": n.group_labels.get("site") or "vitalscope",
        "severity": severity(firing),
        "timestamp": iso(n.created_at),
        "class": firing[0].kind,
        "custom_details": {
            "group_labels": n.group_labels,
            "firing": len(firing), "resolved": len(n.alerts) - len(firing),
            "alerts": [_detail(a) for a in n.alerts[:SHOWN_ALERTS]],
            "more_alerts": max(0, len(n.alerts) - SHOWN_ALERTS)}}}
    # Shown as links on the incident: the pages of the error groups on the dashboard.
    links = [{"href": a.details["group_url"], "text": "Error group " + a.labels.get(
        "fingerprint", "")} for a in firing[:SHOWN_ALERTS] if "group_url" in a.details]
    if links:
        event["links"] = links
    return event


def pagerduty_request(receiver: PagerDutyReceiver, body: bytes) -> Request:
    event = {"routing_key": receiver.routing_key.get_secret_value(), **json.loads(body)}
    return Request(receiver.url, json.dumps(event, separators=(",", ":")).encode(),
                   {"content-type": "application/json"}, standard_webhooks=False)


KIND = ReceiverKind("pagerduty", PagerDutyReceiver, pagerduty_body, pagerduty_request)

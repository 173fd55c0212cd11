"""Stage 2b: keep-alive, for receivers that are alert stores rather than chat or webhooks
(Alertmanager). Alertmanager resolves by itself an alert it stops hearing about: at the
`endsAt` it was given, or `resolve_timeout` after the last post when there was none. So,
as Prometheus does, every firing alert routed to such a receiver is posted again each
evaluation with `endsAt` a few evaluation intervals ahead (renewed long before it lapses),
and posted once more with `endsAt` = the resolve time when it resolves. Grouping,
`group_wait` and `repeat_interval` are the receiver's own business: the group stage leaves
these receivers to this one.

A keep-alive only says "still firing": a newer one replaces an older one still waiting in
the outbox (a receiver that was down gets the current set, not a backlog), while a
resolution is its own notification, retried until delivered like any other."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import redis

from alerting.model import Alert
from alerting.notification import Notification
from alerting.receivers import KEPT_ALIVE_KINDS
from vitalscope.config.alerting import AlertingSettings
from vitalscope.redisstore import keys

KEEPALIVE_KEY = keys.ALERTS_KEEPALIVE
# Prometheus's choice: a posted firing alert stays valid for 4 evaluations, so three missed
# ones (a slow query, a lease moving to another worker) do not resolve it.
ALIVE_EVALUATIONS = 4


def alive_for(settings: AlertingSettings) -> float:
    """Seconds a firing alert posted now stays firing at the receiver without a renewal."""
    return ALIVE_EVALUATIONS * settings.evaluation_interval


@dataclass
class KeepAliveOutput:
    notifications: list[Notification] = field(default_factory=list)
    superseded: list[str] = field(default_factory=list)  # outbox ids of older keep-alives


class KeepAliveStage:
    name = "keepalive"

    def __init__(self, settings: AlertingSettings, client: redis.Redis) -> None:
        self.settings = settings
        self.redis = client
        self.everyone = [r.name for r in settings.receivers]
        self.receivers = [r.name for r in settings.receivers if r.type in KEPT_ALIVE_KINDS]

    def process(self, alerts: list[Alert], now: float) -> KeepAliveOutput:
        out = KeepAliveOutput()
        if not self.receivers:
            return out
        raw: dict[bytes, bytes] = self.redis.hgetall(KEEPALIVE_KEY)  # type: ignore[assignment]
        posted: dict[str, dict[str, Any]] = {k.decode(): json.loads(v) for k, v in raw.items()}
        changed: dict[str, str] = {}
        for name in self.receivers:
            mine = sorted((a for a in alerts if name in (a.receivers or self.everyone)),
                          key=lambda a: a.fingerprint)
            last = posted.get(name, {"sent_at": 0.0, "firing": [], "id": ""})
            firing = [a for a in mine if a.state == "firing"]
            resolved = [a for a in mine
                        if a.state == "resolved" and a.fingerprint in last["firing"]]
            if resolved:
                out.notifications.append(self._notification(name, "alert", resolved, now))
            fresh = {a.fingerprint for a in firing} - set(last["firing"])
            if not (resolved or fresh or
                    (firing and now - last["sent_at"] >= self.settings.evaluation_interval)):
                continue
            if last["id"]:
                out.superseded.append(last["id"])
            keepalive = self._notification(name, "keepalive", firing, now) if firing else None
            if keepalive is not None:
                out.notifications.append(keepalive)
            changed[name] = json.dumps({
                "sent_at": now, "firing": [a.fingerprint for a in firing],
                "id": keepalive.id if keepalive else ""})
        if changed:
            self.redis.hset(KEEPALIVE_KEY, mapping={k: v for k, v in changed.items()})
        return out

    @staticmethod
    def _notification(receiver: str, kind: str, alerts: list[Alert], now: float
                      ) -> Notification:
        return Notification(receiver=receiver, group_key=f"{receiver}:{kind}", group_labels={},
                            alerts=alerts, kind=kind, created_at=now)

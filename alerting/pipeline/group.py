"""Stage 2: group and deduplicate, with Alertmanager's semantics. Alerts are put in groups
per receiver and `group_by` labels; a new group waits `group_wait` to gather its alerts,
then is looked at every `group_interval`, and notifies only when its firing set changed or
an alert resolved, or `repeat_interval` passed while it still fires. Data flapping under
a firing alert changes nothing here, so it sends nothing. Receivers that group alerts
themselves (Alertmanager) get every alert from the keep-alive stage instead."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

import redis

from alerting.model import Alert
from alerting.notification import Notification
from alerting.receivers import KEPT_ALIVE_KINDS
from vitalscope.config.alerting import AlertingSettings
from vitalscope.redisstore import keys

GROUPS_KEY = keys.ALERTS_GROUPS


class GroupStage:
    name = "group"

    def __init__(self, settings: AlertingSettings, client: redis.Redis) -> None:
        self.settings = settings
        self.redis = client
        self.kept_alive = {r.name for r in settings.receivers if r.type in KEPT_ALIVE_KINDS}

    def _keys(self, alert: Alert) -> list[tuple[str, str, dict[str, str]]]:
        labels = {k: alert.labels.get(k, "") for k in self.settings.group_by}
        names = alert.receivers or [r.name for r in self.settings.receivers]
        text = json.dumps(sorted(labels.items()), separators=(",", ":"))
        return [(f"{name}:{text}", name, labels) for name in names
                if name not in self.kept_alive]

    def process(self, alerts: list[Alert], now: float) -> list[Notification]:
        raw: dict[bytes, bytes] = self.redis.hgetall(GROUPS_KEY)  # type: ignore[assignment]
        groups: dict[str, dict[str, Any]] = {k.decode(): json.loads(v) for k, v in raw.items()}
        incoming: dict[str, dict[str, Alert]] = {}
        for alert in alerts:
            for key, receiver, labels in self._keys(alert):
                groups.setdefault(key, {
                    "receiver": receiver, "labels": labels, "alerts": {}, "created_at": now,
                    "next_flush": now + self.settings.group_wait, "last_notified": 0.0,
                    "notified": []})
                incoming.setdefault(key, {})[alert.fingerprint] = alert
        notifications: list[Notification] = []
        pipe = self.redis.pipeline(transaction=True)
        for key, group in groups.items():
            kept = {fp: Alert(**a) for fp, a in group["alerts"].items()
                    if a["state"] == "resolved"}  # resolved, waiting for the next flush
            current = {**kept, **incoming.get(key, {})}
            if now >= group["next_flush"]:
                notification = self._flush(key, group, current, now)
                if notification is not None:
                    notifications.append(notification)
                current = {fp: a for fp, a in current.items() if a.state != "resolved"}
                group["next_flush"] = now + self.settings.group_interval
            group["alerts"] = {fp: asdict(a) for fp, a in current.items()}
            if not current and not group["notified"]:
                pipe.hdel(GROUPS_KEY, key)
            else:
                pipe.hset(GROUPS_KEY, key, json.dumps(group, default=float))
        pipe.execute()
        return notifications

    def _flush(self, key: str, group: dict[str, Any], alerts: dict[str, Alert], now: float
               ) -> Notification | None:
        notified = set(group["notified"])
        firing = {fp for fp, a in alerts.items() if a.state == "firing"}
        resolved = [a for fp, a in alerts.items() if a.state == "resolved" and fp in notified]
        changed = bool(firing - notified) or bool(resolved)
        repeat = bool(firing) and now - group["last_notified"] >= self.settings.repeat_interval
        group["notified"] = sorted(firing)
        if not (changed or repeat):
            return None
        group["last_notified"] = now
        chosen = [alerts[fp] for fp in sorted(firing)] + resolved
        return Notification(receiver=group["receiver"], group_key=key,
                            group_labels=group["labels"], alerts=chosen, created_at=now)

"""Alert lifecycle: pending -> firing -> resolved, with `for` and `keep_firing_for`, kept in
Redis so a restart (or another worker taking the lease) carries on where it stopped."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import redis

from alerting.model import Alert, Observation, fingerprint
from vitalscope.config.alerting import RuleConfig
from vitalscope.redisstore import keys

STATE_KEY = keys.ALERTS_STATE


@dataclass
class Transition:
    alerts: dict[str, Alert]  # pending and firing alerts after this evaluation
    events: list[Alert] = field(default_factory=list)  # state changes, for history
    resolved: list[Alert] = field(default_factory=list)

    @property
    def firing(self) -> list[Alert]:
        return [a for a in self.alerts.values() if a.state == "firing"]


def _new_alert(obs: Observation, now: float) -> Alert:
    labels = obs.labels
    rule = obs.rule
    return Alert(
        fingerprint=fingerprint(labels), rule=rule.name, kind=rule.kind, labels=labels,
        state="pending", value=obs.value, summary=obs.summary, description=rule.description,
        details=obs.details, receivers=list(rule.receivers), active_since=now,
        last_active=now)


def advance(previous: dict[str, Alert], observations: Iterable[Observation],
            evaluated: set[str], rules: dict[str, RuleConfig], now: float) -> Transition:
    """The next states. Rules whose evaluation failed (not in `evaluated`) keep their alerts
    as they were: a ClickHouse hiccup neither fires nor resolves anything."""
    result = Transition({})
    seen: set[str] = set()
    for obs in observations:
        if not obs.active:
            continue
        fp = fingerprint(obs.labels)
        seen.add(fp)
        alert = previous.get(fp) or _new_alert(obs, now)
        alert.value, alert.summary, alert.details = obs.value, obs.summary, obs.details
        alert.receivers, alert.description = list(obs.rule.receivers), obs.rule.description
        alert.last_active = now
        if alert.state == "pending" and now - alert.active_since >= obs.rule.pending_for:
            alert.state, alert.starts_at = "firing", now
            result.events.append(alert)
        elif fp not in previous:
            result.events.append(alert)
        result.alerts[fp] = alert
    for fp, alert in previous.items():
        if fp in seen:
            continue
        rule = rules.get(alert.rule)
        if rule is not None and alert.rule not in evaluated:
            result.alerts[fp] = alert
            continue
        if alert.state != "firing":
            continue  # a pending alert whose condition cleared simply goes away
        if rule is not None and now - alert.last_active < rule.keep_firing_for:
            result.alerts[fp] = alert
            continue
        alert.state, alert.ends_at = "resolved", now
        result.events.append(alert)
        result.resolved.append(alert)
    return result


class StateStore:
    def __init__(self, client: redis.Redis) -> None:
        self.redis = client

    def load(self) -> dict[str, Alert]:
        raw: dict[bytes, bytes] = self.redis.hgetall(STATE_KEY)  # type: ignore[assignment]
        return {k.decode(): Alert.from_json(v) for k, v in raw.items()}

    def save(self, transition: Transition, previous: dict[str, Alert]) -> None:
        pipe = self.redis.pipeline(transaction=True)
        gone = [fp for fp in previous if fp not in transition.alerts]
        if gone:
            pipe.hdel(STATE_KEY, *gone)
        if transition.alerts:
            pipe.hset(STATE_KEY, mapping={fp: a.to_json()
                                          for fp, a in transition.alerts.items()})
        pipe.execute()

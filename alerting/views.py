"""Named read functions for the dashboard's alerts page and the admin API: firing alerts,
history, rules, silences, deliveries, dead letters, disabled receivers. Each returns
JSON-able rows."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import redis
from clickhouse_connect.driver.client import Client

from alerting.pipeline.retry import DEAD_KEY, DISABLED_KEY
from alerting.rulestore import RuleStore, rule_json
from alerting.silences import SilenceStore
from alerting.state import StateStore
from vitalscope.config.alerting import AlertingSettings
from vitalscope.storage.sql import named_query


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _rows(client: Client, name: str, parameters: dict[str, Any]) -> list[dict[str, Any]]:
    result = client.query(named_query(f"alerting.{name}"), parameters=parameters)
    return [{c: _jsonable(v) for c, v in zip(result.column_names, row, strict=True)}
            for row in result.result_rows]


def active_alerts(client: redis.Redis) -> list[dict[str, Any]]:
    """Firing and pending alerts, firing first, newest first."""
    alerts = sorted(StateStore(client).load().values(),
                    key=lambda a: (a.state != "firing", -a.active_since))
    return [json.loads(a.to_json()) for a in alerts]


def alert_history(client: Client, limit: int = 200, rule: str = "") -> list[dict[str, Any]]:
    rows = _rows(client, "alert_history", {"limit": limit, "rule": rule})
    for row in rows:
        row["details"] = json.loads(row["details"]) if row["details"] else {}
    return rows


def alert_history_window(client: Client, start: datetime, end: datetime, limit: int = 500,
                         site: str = "", rule: str = "") -> list[dict[str, Any]]:
    """State changes between start and end (the dashboard's selected range), of one site or
    rule when given."""
    rows = _rows(client, "alert_history_window", {"start": start, "end": end, "limit": limit,
                                                  "site": site, "rule": rule})
    for row in rows:
        row["details"] = json.loads(row["details"]) if row["details"] else {}
    return rows


def rules(settings: AlertingSettings, client: redis.Redis) -> list[dict[str, Any]]:
    store = RuleStore(settings, client)
    return [rule_json(r, "config") for r in store.configured()] + [
        rule_json(r, "api") for r in store.added()
        if r.name not in {c.name for c in store.configured()}]


def silences(client: redis.Redis) -> list[dict[str, Any]]:
    return [s.as_dict() for s in SilenceStore(client).all()]


def deliveries(client: Client, limit: int = 200, receiver: str = "") -> list[dict[str, Any]]:
    return _rows(client, "deliveries_recent", {"limit": limit, "receiver": receiver})


def dead_letters(client: redis.Redis, limit: int = 100) -> list[dict[str, Any]]:
    raw: list[bytes] = client.lrange(DEAD_KEY, 0, limit - 1)  # type: ignore[assignment]
    entries = [json.loads(v) for v in raw]
    for entry in entries:
        entry.pop("body", None)
    return entries


def receivers(settings: AlertingSettings, client: redis.Redis) -> list[dict[str, Any]]:
    raw: dict[bytes, bytes] = client.hgetall(DISABLED_KEY)  # type: ignore[assignment]
    disabled = {k.decode(): json.loads(v) for k, v in raw.items()}
    return [{"name": r.name, "type": r.type, "secrets": len(r.signing_secrets()),
             "disabled": disabled.get(r.name)} for r in settings.receivers]

"""Alert history and delivery attempts in ClickHouse, each written as one batch per cycle /
per outbox round."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from clickhouse_connect.driver.client import Client

from alerting.model import Alert
from vitalscope.storage.cluster import insert_table

EVENT_COLUMNS = ["ts", "fingerprint", "rule", "kind", "site", "state", "severity", "labels",
                 "value", "summary", "details", "starts_at"]
DELIVERY_COLUMNS = ["ts", "notification_id", "receiver", "kind", "group_key", "attempt",
                    "outcome", "status_code", "latency_ms", "error"]


@dataclass(frozen=True)
class Attempt:
    ts: float
    notification_id: str
    receiver: str
    kind: str
    group_key: str
    attempt: int
    outcome: str  # delivered | retry | dead | disabled | refused
    status_code: int
    latency_ms: float
    error: str


def _dt(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def write_events(client: Client, cluster: str | None, events: list[Alert], now: float) -> None:
    if not events:
        return
    rows = [[_dt(now), a.fingerprint, a.rule, a.kind, a.labels.get("site", ""), a.state,
             a.labels.get("severity", ""), a.labels, float(a.value), a.summary,
             json.dumps(a.details, default=str), _dt(a.starts_at or a.active_since)]
            for a in events]
    client.insert(insert_table("alert_events", cluster), rows, column_names=EVENT_COLUMNS,
                  settings={"insert_deduplication_token": uuid.uuid4().hex})


def write_attempts(client: Client, cluster: str | None, attempts: list[Attempt]) -> None:
    if not attempts:
        return
    rows = [[_dt(a.ts), a.notification_id, a.receiver, a.kind, a.group_key, a.attempt,
             a.outcome, a.status_code, a.latency_ms, a.error[:500]] for a in attempts]
    client.insert(insert_table("alert_deliveries", cluster), rows,
                  column_names=DELIVERY_COLUMNS,
                  settings={"insert_deduplication_token": uuid.uuid4().hex})

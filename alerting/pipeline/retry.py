"""Stage 3: retry, as a durable outbox in Redis. A notification is stored once with its
rendered body and webhook-id; every attempt reuses both. Failures are retried with
exponential backoff and full jitter (Retry-After wins when the receiver sends one), up to
the receiver's max_attempts, then moved to the dead-letter list. A claimed item carries a
lease, so a process killed mid-send leaves it to be retried, not lost."""

from __future__ import annotations

import json
import random
import time
from dataclasses import asdict, dataclass
from typing import Any

import redis

from alerting.delivery.sender import Result
from alerting.history import Attempt
from alerting.notification import Notification
from alerting.pipeline.keepalive import alive_for
from alerting.receivers import render
from alerting.receivers.base import RenderContext
from vitalscope.config.alerting import AlertingSettings
from vitalscope.redisstore import keys

OUTBOX_KEY = keys.ALERTS_OUTBOX
DUE_KEY = keys.ALERTS_OUTBOX_DUE
DEAD_KEY = keys.ALERTS_DEAD_LETTERS
DISABLED_KEY = keys.ALERTS_RECEIVERS_DISABLED
DEAD_KEPT = 1000
CLAIM_LEASE_S = 300.0

# Items due by ARGV[1], at most ARGV[3], pushed to ARGV[2] (the lease) in the same step so
# two workers never claim the same item.
_CLAIM = """
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[3])
for _, id in ipairs(ids) do redis.call('ZADD', KEYS[1], ARGV[2], id) end
return ids
"""


@dataclass
class OutboxItem:
    id: str
    receiver: str
    kind: str
    group_key: str
    body: str
    attempt: int
    created_at: float


class RetryStage:
    name = "retry"

    def __init__(self, settings: AlertingSettings, client: redis.Redis) -> None:
        self.settings = settings
        self.redis = client
        self._claim = client.register_script(_CLAIM)
        self._receivers = {r.name: r for r in settings.receivers}

    def enqueue(self, notifications: list[Notification], now: float) -> list[OutboxItem]:
        items = []
        pipe = self.redis.pipeline(transaction=True)
        for n in notifications:
            body = render(self._receivers.get(n.receiver), n,
                          RenderContext(alive_for(self.settings))).decode()
            item = OutboxItem(n.id, n.receiver, n.kind, n.group_key, body, 0, now)
            pipe.hset(OUTBOX_KEY, item.id, json.dumps(asdict(item)))
            pipe.zadd(DUE_KEY, {item.id: now})
            items.append(item)
        pipe.execute()
        return items

    def discard(self, ids: list[str]) -> None:
        """Drops items that a newer one replaces (keep-alives); one in flight is not
        retried (see `settle`)."""
        if ids:
            pipe = self.redis.pipeline(transaction=True)
            pipe.hdel(OUTBOX_KEY, *ids)
            pipe.zrem(DUE_KEY, *ids)
            pipe.execute()

    def claim(self, now: float, limit: int = 50) -> list[OutboxItem]:
        ids = self._claim(keys=[DUE_KEY], args=[now, now + CLAIM_LEASE_S, limit])
        if not ids:
            return []
        raw = self.redis.hmget(OUTBOX_KEY, ids)
        items = []
        for item_id, value in zip(ids, raw, strict=True):
            if value is None:
                self.redis.zrem(DUE_KEY, item_id)
                continue
            items.append(OutboxItem(**json.loads(value)))
        return items

    def delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return float(min(retry_after, self.settings.backoff_max))
        ceiling = float(min(self.settings.backoff_max,
                            self.settings.backoff_base * 2.0 ** (attempt - 1)))
        return ceiling / 2 + random.uniform(0, ceiling / 2)  # noqa: S311 - jitter, not crypto

    def settle(self, item: OutboxItem, result: Result, now: float, max_attempts: int
               ) -> Attempt:
        item.attempt += 1
        outcome = result.outcome
        error = result.error
        pipe = self.redis.pipeline(transaction=True)
        if outcome == "retry" and item.attempt >= max_attempts:
            outcome, error = "dead", f"gave up after {item.attempt} attempts: {error}"
        if outcome == "retry" and not self.redis.hexists(OUTBOX_KEY, item.id):
            outcome = "superseded"  # discarded while in flight: a newer item says it all
        if outcome == "retry":
            pipe.hset(OUTBOX_KEY, item.id, json.dumps(asdict(item)))
            pipe.zadd(DUE_KEY, {item.id: now + self.delay(item.attempt, result.retry_after)})
        else:
            pipe.hdel(OUTBOX_KEY, item.id)
            pipe.zrem(DUE_KEY, item.id)
        if outcome == "gone":
            pipe.hset(DISABLED_KEY, item.receiver, json.dumps(
                {"reason": "HTTP 410 Gone", "at": time.time()}))
        if outcome in ("dead", "gone", "refused", "disabled"):
            entry: dict[str, Any] = {**asdict(item), "reason": error or outcome,
                                     "dead_at": now}
            pipe.lpush(DEAD_KEY, json.dumps(entry))
            pipe.ltrim(DEAD_KEY, 0, DEAD_KEPT - 1)
        pipe.execute()
        return Attempt(now, item.id, item.receiver, item.kind, item.group_key, item.attempt,
                       outcome, result.status_code, result.latency_ms, error)

    def disabled(self) -> dict[str, Any]:
        raw: dict[bytes, bytes] = self.redis.hgetall(DISABLED_KEY)  # type: ignore[assignment]
        return {k.decode(): json.loads(v) for k, v in raw.items()}

    def enable(self, receiver: str) -> bool:
        return bool(self.redis.hdel(DISABLED_KEY, receiver))

    def pending(self) -> int:
        return int(self.redis.zcard(DUE_KEY))

    def dead_letters(self, limit: int = 100) -> list[dict[str, Any]]:
        raw: list[bytes] = self.redis.lrange(DEAD_KEY, 0, limit - 1)  # type: ignore[assignment]
        return [json.loads(v) for v in raw]

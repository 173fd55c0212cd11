"""The alert evaluator's leadership lease: in distributed mode many workers run, the one
holding the kernel lease on the leader key evaluates."""

from __future__ import annotations

import redis

from vitalscope.redisstore import keys
from vitalscope.redisstore.lease import BlockingLease


class Lease(BlockingLease):
    def __init__(self, client: redis.Redis, ttl_s: float) -> None:
        super().__init__(client, keys.ALERTS_LEADER, ttl_s)

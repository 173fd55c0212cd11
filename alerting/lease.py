"""Leadership lease in Redis: in distributed mode many workers run, one evaluates."""

from __future__ import annotations

import uuid

import redis

from vitalscope.redisstore import keys

LEADER_KEY = keys.ALERTS_LEADER

# Renew only our own lease; take it when free.
_ACQUIRE = """
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if holder then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class Lease:
    def __init__(self, client: redis.Redis, ttl_s: float, key: str = LEADER_KEY) -> None:
        self.key = key
        self.ttl_ms = int(ttl_s * 1000)
        self.holder = uuid.uuid4().hex
        self._acquire = client.register_script(_ACQUIRE)
        self._release = client.register_script(_RELEASE)

    def acquire(self) -> bool:
        """True while this process holds the lease (taking or renewing it)."""
        return bool(self._acquire(keys=[self.key], args=[self.holder, self.ttl_ms]))

    def release(self) -> None:
        self._release(keys=[self.key], args=[self.holder])

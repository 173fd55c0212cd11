"""A lease in Redis: at most one holder at a time, kept by renewing it before its TTL ends;
when the holder dies the lease expires and another process takes it. The alert evaluator's
leader (`BlockingLease`, on the synchronous client it runs with) and the synthetics
scheduler and busy marks (`Lease`, asyncio) are the same lease: same scripts, same rules."""

from __future__ import annotations

import uuid

import redis
import redis.asyncio as aioredis

# Take the lease when free, renew it when ours; 1 while we hold it.
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
# Renew or release only a lease we still hold: another holder may have taken it meanwhile.
_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""


class Lease:
    """The lease on an asyncio client."""

    def __init__(self, client: aioredis.Redis, key: str, ttl_s: float,
                 holder: str | None = None) -> None:
        self.client = client
        self.key = key
        self.ttl_ms = int(ttl_s * 1000)
        self.holder = holder or uuid.uuid4().hex

    async def acquire(self) -> bool:
        """True while this process holds the lease (taking it when free, renewing it)."""
        return bool(await self.client.eval(_ACQUIRE, 1, self.key, self.holder, self.ttl_ms))

    async def renew(self) -> bool:
        """Renews the lease only if still ours; True if it was."""
        return bool(await self.client.eval(_RENEW, 1, self.key, self.holder, self.ttl_ms))

    async def release(self) -> None:
        await release_if_held(self.client, self.key, self.holder)


class BlockingLease:
    """The lease on a synchronous client."""

    def __init__(self, client: redis.Redis, key: str, ttl_s: float,
                 holder: str | None = None) -> None:
        self.key = key
        self.ttl_ms = int(ttl_s * 1000)
        self.holder = holder or uuid.uuid4().hex
        self._acquire = client.register_script(_ACQUIRE)
        self._release = client.register_script(_RELEASE)

    def acquire(self) -> bool:
        """True while this process holds the lease (taking it when free, renewing it)."""
        return bool(self._acquire(keys=[self.key], args=[self.holder, self.ttl_ms]))

    def release(self) -> None:
        self._release(keys=[self.key], args=[self.holder])


async def release_if_held(client: aioredis.Redis, key: str, holder: str) -> None:
    await client.eval(_RELEASE, 1, key, holder)


async def extend_if_held(client: aioredis.Redis, key: str, holder: str, ttl_s: float) -> bool:
    return bool(await client.eval(_RENEW, 1, key, holder, int(ttl_s * 1000)))

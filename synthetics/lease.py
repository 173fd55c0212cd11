"""A lease in Redis: at most one holder at a time (SET NX PX), kept by renewing it; when the
holder dies the lease expires and another process takes it."""

from __future__ import annotations

import uuid

import redis.asyncio as aioredis

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
    def __init__(self, client: aioredis.Redis, key: str, ttl_s: float,
                 holder: str | None = None) -> None:
        self.client = client
        self.key = key
        self.ttl_ms = int(ttl_s * 1000)
        self.holder = holder or uuid.uuid4().hex

    async def acquire(self) -> bool:
        return bool(await self.client.set(self.key, self.holder, nx=True, px=self.ttl_ms))

    async def renew(self) -> bool:
        return bool(await self.client.eval(_RENEW, 1, self.key, self.holder, self.ttl_ms))

    async def keep(self) -> bool:
        """Renews the lease when held, else tries to take it; True while we hold it."""
        return await self.renew() or await self.acquire()

    async def release(self) -> None:
        await self.client.eval(_RELEASE, 1, self.key, self.holder)


async def release_if_held(client: aioredis.Redis, key: str, holder: str) -> None:
    await client.eval(_RELEASE, 1, key, holder)


async def extend_if_held(client: aioredis.Redis, key: str, holder: str, ttl_s: float) -> bool:
    return bool(await client.eval(_RENEW, 1, key, holder, int(ttl_s * 1000)))

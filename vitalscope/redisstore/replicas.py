"""A replication barrier: returns once `count` replicas hold every write this process made
before the call (Redis `WAIT`). WAIT counts the writes of its own connection, and a pool hands
out any connection, so the barrier writes a key on the connection it waits on: replication is
one ordered stream, so a replica that has that write has every earlier one too, whichever
connection made them."""

from __future__ import annotations

from typing import Any

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from vitalscope.redisstore import keys


class NotReplicated(RedisError):
    """Fewer replicas than asked acknowledged the writes in time."""


async def barrier(client: aioredis.Redis, count: int, timeout_ms: int) -> None:
    if count <= 0:
        return
    async with client.pipeline(transaction=False) as pipe:
        pipe.incr(keys.REPLICATION_BARRIER)
        pipe.execute_command("WAIT", count, timeout_ms)
        answer: Any = await pipe.execute()
    acked = int(answer[1])
    if acked < count:
        raise NotReplicated(f"{acked} of {count} replica(s) acknowledged within {timeout_ms} ms")

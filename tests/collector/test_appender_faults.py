"""The appender's loop outlives a batch it cannot handle: those requests get 503 and the next
ones are appended, where a fault used to end the loop and leave every later request waiting
forever."""

from __future__ import annotations

import asyncio

import pytest
import redis

from collector.appender import Appender
from collector.errors import IngestError
from vitalscope.config.collector import RateLimit
from vitalscope.redisstore import keys
from vitalscope.redisstore.embedded import EmbeddedRedis

LIMIT = RateLimit(per_second=1000, burst=1000)


def test_a_batch_that_fails_gets_503_and_the_loop_goes_on(
        redis_server: EmbeddedRedis, redis_client: redis.Redis) -> None:
    async def scenario() -> tuple[IngestError, str]:
        appender = Appender(redis_server.url, stream_max_len=1000)
        await appender.start()
        try:
            real = appender.script
            # A reply the appender cannot read (an older script's three-part refusal).
            appender.script = appender.redis.register_script("return {'rl:site:5'}")
            with pytest.raises(IngestError) as refused:
                await asyncio.wait_for(appender.append("shop", LIMIT, "c1", LIMIT, b"x"), 5)
            appender.script = real
            entry = await asyncio.wait_for(appender.append("shop", LIMIT, "c1", LIMIT, b"y"), 5)
        finally:
            await appender.stop()
        return refused.value, entry

    refused, entry = asyncio.run(scenario())
    assert (refused.status, refused.code) == (503, "queue_unavailable")
    assert (b"retry-after", b"2") in refused.headers
    assert entry.split("-")[0].isdigit()
    assert redis_client.xlen(keys.STREAM) == 1

"""The ingest stream's byte count: the appender adds each entry's bytes as it appends it
(collector/append.lua), the flusher takes them off as it acknowledges the entry (ack.lua, in
the same MULTI as the rest of a batch's bookkeeping). The count is therefore exactly the bytes
of unacknowledged entries (queued + being inserted), which `stream_max_bytes` caps. The same
per site (`STREAM_SITE_BYTES`, by site bucket key) holds `stream_site_share`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from importlib.resources import files
from typing import Any

import redis.asyncio as aioredis
from redis.asyncio.client import Pipeline

from vitalscope.redisstore import keys

_ACK = files("collector.flusher").joinpath("ack.lua").read_text()


class ByteCount:
    def __init__(self, redis: aioredis.Redis) -> None:
        self.redis = redis

    async def ack(self, pipe: Pipeline, ids: Sequence[str], sizes: Mapping[str, int],
                  sites: Mapping[str, str]) -> None:
        """Queues, on a MULTI pipeline, the XACK of `ids` with their bytes taken off the
        stream's count and their site's (`sites`: entry id -> site name)."""
        args: list[Any] = [keys.GROUP]
        for entry_id in ids:
            site = sites.get(entry_id)
            args += [entry_id, sizes.get(entry_id, 0), keys.site_bucket(site) if site else ""]
        # EVAL, not EVALSHA: a master just promoted (failover) or a cluster node may not
        # know the script, and a NOSCRIPT inside EXEC fails this command alone while the
        # rest of the MULTI (the manifest's removal) goes through.
        pipe.eval(_ACK, 3, keys.STREAM, keys.STREAM_BYTES, keys.STREAM_SITE_BYTES, *args)


async def queued_bytes(redis: aioredis.Redis) -> int:
    return int(await redis.get(keys.STREAM_BYTES) or 0)

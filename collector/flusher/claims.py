"""Claims of event ids in deduplication windows, with a bounded footprint: a window lasts
`dedup_window_s` or until it holds `dedup_max_events` claims, and only the current and the
previous window are kept (claims.lua). Redis therefore holds at most 2 x `dedup_max_events`
claims, about `CLAIM_BYTES` each, whatever the traffic; under a flood the windows get
shorter (copies are recognised for less time), never larger."""

from __future__ import annotations

import time
from importlib.resources import files
from typing import Any

import redis.asyncio as aioredis

from collector import keys

SHARDS = 64
# Redis memory per claim (a 12-byte digest -> 8-byte owner in a hash of a few thousand
# entries and more), measured by tests/collector/test_memory_bounds.py, which fails above it.
CLAIM_BYTES = 100
_SCRIPT = files("collector.flusher").joinpath("claims.lua").read_text()
# Removes claims from the current and the previous window; run inside the flusher's MULTI,
# so it reads the window number there rather than from a second round trip.
# KEYS[1]: window state. ARGV: key prefix, then per event: shard (0-based) and digest.
_RELEASE = """
local w = tonumber(redis.call('HGET', KEYS[1], 'w'))
if w == nil then return 0 end
local prefix = ARGV[1]
for i = 2, #ARGV, 2 do
  for _, number in ipairs({w, w - 1}) do
    redis.call('HDEL', prefix .. number .. ':' .. ARGV[i], ARGV[i + 1])
  end
end
return 1
"""


class ClaimWindows:
    def __init__(self, window_s: int, max_events: int) -> None:
        self.window_s = window_s
        self.max_events = max_events

    async def claim(self, redis: aioredis.Redis, owner: bytes, digests: list[bytes]
                    ) -> list[int]:
        """Per digest, 1 to store its event or 0 for a copy another batch stored."""
        args: list[Any] = [keys.SEEN, SHARDS, self.window_s, self.max_events,
                           int(time.time()), owner]
        for digest in digests:
            args += [digest[0] % SHARDS, digest]
        answer: Any = await redis.eval(_SCRIPT, 1, keys.SEEN_WINDOW, *args)
        return [int(keep) for keep in answer]

    @property
    def max_bytes(self) -> int:
        """The most Redis memory all claims take together."""
        return 2 * self.max_events * CLAIM_BYTES

    def release(self, pipe: Any, digests: list[bytes]) -> None:
        """Queues on `pipe` (a MULTI) the removal of these events' claims."""
        args: list[Any] = [keys.SEEN]
        for digest in digests:
            args += [digest[0] % SHARDS, digest]
        pipe.eval(_RELEASE, 1, keys.SEEN_WINDOW, *args)

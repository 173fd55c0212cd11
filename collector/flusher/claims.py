"""Claims of event ids in deduplication windows, with a bounded footprint: a window lasts
`dedup_window_s` or until it holds `dedup_max_events` claims, and only the current and the
previous window are kept (claims.lua). Redis therefore holds at most 2 x `dedup_max_events`
claims, about `CLAIM_BYTES` each, whatever the traffic; under a flood the windows get
shorter (copies are recognised for less time), never larger."""

from __future__ import annotations

import functools
import time
from importlib.resources import files
from typing import Any

import redis.asyncio as aioredis

from vitalscope.redisstore import keys

SHARDS = 64
# Redis memory per claim (a 12-byte digest -> 8-byte owner in a hash of a few thousand
# entries and more), measured by tests/collector/test_memory_bounds.py, which fails above it.
CLAIM_BYTES = 100
_SCRIPT = files("collector.flusher").joinpath("claims.lua").read_text()
# Removes claims from the current and the previous window; run inside the flusher's MULTI,
# so it reads the window number there rather than from a second round trip. Only windows
# `base` and base + 1 (the last two this process claimed in) can hold this batch's claims.
# KEYS[1]: window state, then shard s of window base + i at KEYS[2 + i * shards + s].
# ARGV: base, shard count, then per event: shard (0-based) and digest.
_RELEASE = """
local w = tonumber(redis.call('HGET', KEYS[1], 'w'))
if w == nil then return 0 end
local base, shards = tonumber(ARGV[1]), tonumber(ARGV[2])
for i = 3, #ARGV, 2 do
  for _, number in ipairs({w, w - 1}) do
    if number >= base and number <= base + 1 then
      redis.call('HDEL', KEYS[2 + (number - base) * shards + tonumber(ARGV[i])], ARGV[i + 1])
    end
  end
end
return 1
"""
# Attempts of one claim call when other flushers keep moving the window meanwhile.
_CLAIM_ATTEMPTS = 8


@functools.lru_cache(maxsize=8)  # built once per window, not once per call
def _shard_keys(first: int, windows: int) -> tuple[str, ...]:
    return tuple(keys.seen_shard(first + i, shard)
                 for i in range(windows) for shard in range(SHARDS))


class ClaimWindows:
    def __init__(self, window_s: int, max_events: int) -> None:
        self.window_s = window_s
        self.max_events = max_events
        self._window: int | None = None  # the current window, as the last call saw it

    async def claim(self, redis: aioredis.Redis, owner: bytes, digests: list[bytes]
                    ) -> list[int]:
        """Per digest, 1 to store its event or 0 for a copy another batch stored."""
        out: list[int] = []
        # At most max_events per call, so one call rotates the window at most once and only
        # touches the shard keys it was given.
        for start in range(0, len(digests), self.max_events):
            out += await self._claim(redis, owner, digests[start:start + self.max_events])
        return out

    async def _claim(self, redis: aioredis.Redis, owner: bytes, digests: list[bytes]
                     ) -> list[int]:
        events: list[Any] = []
        for digest in digests:
            events += [digest[0] % SHARDS, digest]
        for _ in range(_CLAIM_ATTEMPTS):
            now = int(time.time())
            # Unknown yet: the time-aligned window the script starts from without a state.
            window = self._window if self._window is not None else now // self.window_s
            answer: Any = await redis.eval(
                _SCRIPT, 1 + 3 * SHARDS, keys.SEEN_WINDOW, *_shard_keys(window - 1, 3),
                window - 1, SHARDS, self.window_s, self.max_events, now, owner, *events)
            self._window = int(answer[1])
            if int(answer[0]) == 1:
                return [int(keep) for keep in answer[2:]]
        raise RuntimeError("the deduplication window kept moving; the batch is retried")

    @property
    def max_bytes(self) -> int:
        """The most Redis memory all claims take together."""
        return 2 * self.max_events * CLAIM_BYTES

    def release(self, pipe: Any, digests: list[bytes]) -> None:
        """Queues on `pipe` (a MULTI) the removal of these events' claims, made by this
        process's earlier `claim` calls."""
        window = self._window if self._window is not None else int(time.time()) // self.window_s
        args: list[Any] = [window - 1, SHARDS]
        for digest in digests:
            args += [digest[0] % SHARDS, digest]
        pipe.eval(_RELEASE, 1 + 2 * SHARDS, keys.SEEN_WINDOW, *_shard_keys(window - 1, 2),
                  *args)

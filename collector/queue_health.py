"""How the ingest queue is doing, read from Redis when asked: any role can answer truly
(the collector of a distributed deployment runs no flusher, so gauges a flusher sets would be
stale there). One Lua call: stream length, pending entries, age of the oldest entry not yet
acknowledged (pending, or not yet delivered to the flushers), dead letters and what their
retention and cap dropped."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import redis
import redis.asyncio as aioredis

from vitalscope.redisstore import keys

# KEYS: stream, dead letters, trimmed counts. ARGV[1]: consumer group.
# Returns {length, pending, age in ms (-1: nothing waits), dead letters, {cause:kind, n, ...}}.
_READ = """
local stream, group = KEYS[1], ARGV[1]
local now = redis.call('TIME')
local now_ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local dead = redis.call('XLEN', KEYS[2])
local trimmed = redis.call('HGETALL', KEYS[3])
if redis.call('EXISTS', stream) == 0 then return {0, 0, -1, dead, trimmed} end
local length = redis.call('XLEN', stream)
local pending, last = 0, nil
for _, info in ipairs(redis.call('XINFO', 'GROUPS', stream)) do
  local fields = {}
  for i = 1, #info, 2 do fields[info[i]] = info[i + 1] end
  if fields['name'] == group then
    pending, last = tonumber(fields['pending']), fields['last-delivered-id']
  end
end
local oldest = nil
if pending > 0 then
  oldest = redis.call('XPENDING', stream, group)[2]
else
  local after = '-'
  if last ~= nil then after = '(' .. last end
  local first = redis.call('XRANGE', stream, after, '+', 'COUNT', 1)
  if #first > 0 then oldest = first[1][1] end
end
local age = -1
if oldest ~= nil then
  age = math.max(0, now_ms - tonumber(string.match(oldest, '^(%d+)')))
end
return {length, pending, age, dead, trimmed}
"""
_KEYS = (keys.STREAM, keys.DEAD_LETTERS, keys.DEAD_LETTERS_TRIMMED)


@dataclass
class QueueHealth:
    length: int
    pending: int
    oldest_age_s: float  # of the oldest entry not yet acknowledged; 0 when none waits
    dead_letters: int
    # (cause, kind) -> dead letters dropped by retention or the cap
    trimmed: dict[tuple[str, str], int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"length": self.length, "pending": self.pending,
                "oldest_age_s": round(self.oldest_age_s, 3), "dead_letters": self.dead_letters}


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _parse(answer: Any) -> QueueHealth:
    length, pending, age_ms, dead, flat = answer
    trimmed: dict[tuple[str, str], int] = {}
    for name, count in zip(flat[::2], flat[1::2], strict=True):
        cause, _, kind = _text(name).partition(":")
        trimmed[(cause, kind)] = int(count)
    return QueueHealth(int(length), int(pending), max(0, int(age_ms)) / 1000, int(dead),
                       trimmed)


def read(client: redis.Redis) -> QueueHealth:
    return _parse(client.eval(_READ, len(_KEYS), *_KEYS, keys.GROUP))


async def aread(client: aioredis.Redis) -> QueueHealth:
    answer: Any = await client.eval(_READ, len(_KEYS), *_KEYS, keys.GROUP)
    return _parse(answer)

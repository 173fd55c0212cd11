"""Retention and cap of the dead-letter stream, run by the flusher. What they drop is counted
in Redis by cause and kind (read by /metrics in every role), never dropped silently."""

from __future__ import annotations

import time
from typing import Any

import redis.asyncio as aioredis

from vitalscope.config.collector import CollectorSettings
from vitalscope.redisstore import keys

EVERY_S = 5.0
CHUNK = 500

# KEYS[1]: dead-letter stream, KEYS[2]: counts. ARGV[1]: oldest id kept (retention),
# ARGV[2]: cap, ARGV[3]: most entries dropped by this call.
# Returns how many it dropped (the caller loops while that is the most).
_TRIM = """
local stream, counts = KEYS[1], KEYS[2]
local most = tonumber(ARGV[3])
local dropped = 0
local function drop(entries, cause)
  local ids = {}
  for _, entry in ipairs(entries) do
    local fields, kind = entry[2], 'entry'
    for i = 1, #fields, 2 do
      if fields[i] == 'table' and fields[i + 1] ~= '' then kind = fields[i + 1] end
    end
    redis.call('HINCRBY', counts, cause .. ':' .. kind, 1)
    ids[#ids + 1] = entry[1]
  end
  if #ids > 0 then redis.call('XDEL', stream, unpack(ids)) end
  dropped = dropped + #ids
end
drop(redis.call('XRANGE', stream, '-', '(' .. ARGV[1], 'COUNT', most), 'retention')
local excess = redis.call('XLEN', stream) - tonumber(ARGV[2])
if excess > 0 and dropped < most then
  drop(redis.call('XRANGE', stream, '-', '+', 'COUNT', math.min(excess, most - dropped)), 'cap')
end
return dropped
"""


async def trim(redis: aioredis.Redis, settings: CollectorSettings) -> int:
    oldest_kept = int((time.time() - settings.dead_letter_retention_s) * 1000)
    total = 0
    while True:
        answer: Any = await redis.eval(_TRIM, 2, keys.DEAD_LETTERS, keys.DEAD_LETTERS_TRIMMED,
                                       f"{max(oldest_kept, 1)}-0", settings.dead_letter_max,
                                       CHUNK)
        total += int(answer)
        if int(answer) < CHUNK:
            return total

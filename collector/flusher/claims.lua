-- Claims event digests for a batch in the current deduplication window; returns per event 1
-- (store it: new, or claimed by this same batch before a crash) or 0 (a copy of an event
-- another batch stored). Windows are numbered; the current and the previous one are
-- consulted. A window ends after `window_s` seconds or once it holds `max_events` claims,
-- whichever comes first; the window before it is then deleted, so at most two windows
-- (2 x max_events claims) exist whatever the traffic.
-- The caller names the shard keys (vitalscope/redisstore/keys.py) of windows base .. base + 2,
-- base + 1 being the current window as it last saw it, and sends at most max_events events,
-- so one call rotates at most once and stays within them.
-- KEYS[1]: window state (hash: w = number, start = its first second, n = claims in it), then
--          shard s (0-based) of window base + i at KEYS[2 + i * shards + s].
-- ARGV: base, shard count, window_s, max_events, now (s), owner, then per event:
--       shard (0-based) and digest.
-- Returns {1, w, flags...}: w the current window after the call; or {0, w} when the current
-- window is not base + 1 (another flusher rotated it): nothing was claimed, ask again.
local base, shards = tonumber(ARGV[1]), tonumber(ARGV[2])
local window_s, max_events, now = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local owner = ARGV[6]
-- Shard numbers arrive as strings: read each through a table built once per call, not with
-- tonumber per event (its string-to-double parsing was a tenth of the script's time).
local shard_of = {}
for shard = 0, shards - 1 do shard_of[tostring(shard)] = shard end
local function shard_key(window, shard)
  return KEYS[2 + (window - base) * shards + shard_of[shard]]
end
local state = redis.call('HMGET', KEYS[1], 'w', 'start', 'n')
local w, start, n = tonumber(state[1]), tonumber(state[2]), tonumber(state[3])
if w == nil or start == nil or n == nil then
  -- The numbering of time-aligned windows, so claims made before this state existed count.
  w, start, n = math.floor(now / window_s), now, 0
end
if w ~= base + 1 then return {0, w} end
local function rotate()
  for shard = 0, shards - 1 do redis.call('UNLINK', KEYS[2 + (w - 1 - base) * shards + shard]) end
  w, start, n = w + 1, now, 0
end
if now - start >= window_s or n >= max_events then rotate() end

local out, touched = {1, 0}, {}
for i = 7, #ARGV, 2 do
  local shard, event = ARGV[i], ARGV[i + 1]
  local current = shard_key(w, shard)
  local holder
  if n < max_events then
    -- The common case, a new event, in two calls instead of three (this script holds Redis,
    -- and the appender, for the whole batch): claim it in the current window, then look in
    -- the previous one; a claim found there wins, and the new one is taken back.
    if redis.call('HSETNX', current, event, owner) == 1 then
      holder = redis.call('HGET', shard_key(w - 1, shard), event)
      if holder then
        redis.call('HDEL', current, event)
      else
        touched[current] = true
        n = n + 1
      end
    else
      holder = redis.call('HGET', current, event)
    end
  else
    holder = redis.call('HGET', current, event)
      or redis.call('HGET', shard_key(w - 1, shard), event)
    if not holder then
      rotate()
      current = shard_key(w, shard)
      redis.call('HSET', current, event, owner)
      touched[current] = true
      n = n + 1
    end
  end
  if not holder or holder == owner then
    out[#out + 1] = 1
  else
    out[#out + 1] = 0
  end
end
redis.call('HSET', KEYS[1], 'w', w, 'start', start, 'n', n)
out[2] = w
-- Safety net for windows nobody rotates (the flusher stopped): they lapse by themselves.
for key in pairs(touched) do redis.call('EXPIRE', key, window_s * 2) end
return out

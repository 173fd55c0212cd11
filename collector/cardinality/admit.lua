-- Admits values into per site/day/kind sets while each holds fewer than its cap, in one
-- round trip for every kind of a request. A value already in its set stays admitted.
-- KEYS: one set per kind asked.
-- ARGV: ttl_s, then per key: cap, n, then n values.
-- Returns per key: {flags, members}: flags one '1' (admitted) or '0' (over the cap) per
-- value; members the whole set when it is full (the caller then knows every admitted value
-- and needs Redis no more for that set), else empty.
local ttl = tonumber(ARGV[1])
local at = 2
local out = {}
for k = 1, #KEYS do
  local key = KEYS[k]
  local cap = tonumber(ARGV[at])
  local n = tonumber(ARGV[at + 1])
  at = at + 2
  local size = redis.call('SCARD', key)
  local flags = {}
  local added = false
  for i = 1, n do
    local value = ARGV[at]
    at = at + 1
    if redis.call('SISMEMBER', key, value) == 1 then
      flags[i] = '1'
    elseif size < cap then
      redis.call('SADD', key, value)
      size = size + 1
      added = true
      flags[i] = '1'
    else
      flags[i] = '0'
    end
  end
  if added then
    redis.call('EXPIRE', key, ttl)
  end
  local members = {}
  if size >= cap then
    members = redis.call('SMEMBERS', key)
  end
  out[k] = {table.concat(flags), members}
end
return out

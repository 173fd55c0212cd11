-- Appends a batch of beacons to the ingest stream in one round trip, after the stream cap
-- and the token buckets of each beacon's site and client.
-- KEYS[1]: stream. ARGV: cap, now_ms, then 7 per item:
--   site_bucket, site_rate, site_burst, client_bucket, client_rate, client_burst, payload.
-- Returns per item: the entry id, "full", or "rl:<site|ip>:<ms until a token>".
local stream = KEYS[1]
local cap = tonumber(ARGV[1])
local now = tonumber(ARGV[2])
local length = redis.call('XLEN', stream)
local out = {}

local function level(key, rate, burst)
  local state = redis.call('HMGET', key, 't', 'ts')
  local tokens = tonumber(state[1])
  local ts = tonumber(state[2])
  if tokens == nil or ts == nil then
    return burst
  end
  local refilled = tokens + math.max(0, now - ts) * rate / 1000
  if refilled > burst then refilled = burst end
  return refilled
end

local function store(key, tokens, rate, burst)
  redis.call('HSET', key, 't', tokens, 'ts', now)
  -- A full bucket needs no key: it expires once it would have refilled.
  redis.call('PEXPIRE', key, math.ceil(burst * 1000 / rate) + 1000)
end

local i = 3
while i <= #ARGV do
  local site_key, site_rate, site_burst = ARGV[i], tonumber(ARGV[i + 1]), tonumber(ARGV[i + 2])
  local ip_key, ip_rate, ip_burst = ARGV[i + 3], tonumber(ARGV[i + 4]), tonumber(ARGV[i + 5])
  local payload = ARGV[i + 6]
  i = i + 7
  if length >= cap then
    table.insert(out, 'full')
  else
    local site_tokens = level(site_key, site_rate, site_burst)
    local ip_tokens = level(ip_key, ip_rate, ip_burst)
    if site_tokens < 1 then
      table.insert(out, 'rl:site:' .. math.ceil((1 - site_tokens) * 1000 / site_rate))
    elseif ip_tokens < 1 then
      table.insert(out, 'rl:ip:' .. math.ceil((1 - ip_tokens) * 1000 / ip_rate))
    else
      store(site_key, site_tokens - 1, site_rate, site_burst)
      store(ip_key, ip_tokens - 1, ip_rate, ip_burst)
      table.insert(out, redis.call('XADD', stream, '*', 'b', payload))
      length = length + 1
    end
  end
end
return out

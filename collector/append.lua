-- Appends a batch of beacons to the ingest stream in one round trip, after the stream caps
-- (entries and bytes, and each site's share of the bytes) and the token buckets of each
-- beacon's site and client. Each bucket is read and written once per batch, however many of
-- the batch's beacons share it.
-- KEYS[1]: stream, KEYS[2]: bytes of its unacknowledged entries, KEYS[3]: the same per site,
--          a hash by site bucket key (the flusher takes an entry's bytes off both when it
--          acknowledges it: collector/flusher/ack.lua).
-- ARGV: cap, byte cap, a site's byte cap, now_ms, bytes a token pays for, bucket count B,
--       then B x (key, rate per s, burst), then the items' bucket indices as one string
--       "site,client;site,client;..." (1-based), then one payload per item. One argument per
--       item keeps the client's command packing cheap.
-- An item takes one token of each of its buckets per started "bytes a token pays for" of its
-- payload (at least one, at most the bucket's burst): what a request costs the collector
-- grows with its size, and its limits should too.
-- Returns per item: the entry id, "full", "fullb", "fulls" (its site's share) or
-- "rl:<site|ip>:<ms until this item's tokens>:<ms until one token>".
local stream = KEYS[1]
local cap = tonumber(ARGV[1])
local byte_cap = tonumber(ARGV[2])
local site_byte_cap = tonumber(ARGV[3])
local now = tonumber(ARGV[4])
local token_bytes = tonumber(ARGV[5])
local count = tonumber(ARGV[6])
local length = redis.call('XLEN', stream)
local bytes = tonumber(redis.call('GET', KEYS[2]) or '0')
local added = 0
local buckets = {}
for b = 1, count do
  local at = 7 + (b - 1) * 3
  local key, rate, burst = ARGV[at], tonumber(ARGV[at + 1]), tonumber(ARGV[at + 2])
  local state = redis.call('HMGET', key, 't', 'ts')
  local tokens = tonumber(state[1])
  local ts = tonumber(state[2])
  if tokens == nil or ts == nil then
    tokens = burst
  else
    tokens = math.min(burst, tokens + math.max(0, now - ts) * rate / 1000)
  end
  -- `queued`: read by queued_of below, only for a site bucket whose share is checked.
  buckets[b] = {key = key, rate = rate, burst = burst, tokens = tokens, used = false, added = 0}
end

-- Milliseconds until the bucket holds `cost` tokens (0 when it does).
local function wait(bucket, cost)
  return math.max(0, math.ceil((cost - bucket.tokens) * 1000 / bucket.rate))
end

-- Bytes of the site's entries unacknowledged before this call (read once, when needed).
local function queued_of(bucket)
  if bucket.queued == nil then
    bucket.queued = tonumber(redis.call('HGET', KEYS[3], bucket.key) or '0')
  end
  return bucket.queued
end

local out = {}
local payload_at = 7 + count * 3 + 1
for site_index, client_index in string.gmatch(ARGV[payload_at - 1], '(%d+),(%d+)') do
  local site, client = buckets[tonumber(site_index)], buckets[tonumber(client_index)]
  local payload = ARGV[payload_at]
  payload_at = payload_at + 1
  if length >= cap then
    table.insert(out, 'full')
  elseif bytes + added + #payload > byte_cap then
    table.insert(out, 'fullb')
  elseif site_byte_cap < byte_cap
      and queued_of(site) + site.added + #payload > site_byte_cap then
    table.insert(out, 'fulls')
  else
    local size = math.max(1, math.ceil(#payload / token_bytes))
    local site_cost = math.min(size, site.burst)
    local client_cost = math.min(size, client.burst)
    if site.tokens < site_cost then
      table.insert(out, 'rl:site:' .. wait(site, site_cost) .. ':' .. wait(site, 1))
    elseif client.tokens < client_cost then
      table.insert(out, 'rl:ip:' .. wait(client, client_cost) .. ':' .. wait(client, 1))
    else
      site.tokens = site.tokens - site_cost
      client.tokens = client.tokens - client_cost
      site.used = true
      client.used = true
      table.insert(out, redis.call('XADD', stream, '*', 'b', payload))
      length = length + 1
      added = added + #payload
      site.added = site.added + #payload
    end
  end
end
if added > 0 then
  redis.call('INCRBY', KEYS[2], added)
end

for _, bucket in ipairs(buckets) do
  if bucket.added > 0 then
    redis.call('HINCRBY', KEYS[3], bucket.key, bucket.added)
  end
  if bucket.used then
    redis.call('HSET', bucket.key, 't', bucket.tokens, 'ts', now)
    -- A bucket that has refilled needs no key: it expires by then.
    redis.call('PEXPIRE', bucket.key, math.ceil(bucket.burst * 1000 / bucket.rate) + 1000)
  end
end
return out

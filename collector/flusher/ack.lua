-- Acknowledges a flushed batch, removes it from the stream and takes the bytes of the entries
-- it acknowledged off the stream's byte count (the appender added them: collector/append.lua). Only entries this
-- call really acknowledged count, so a batch acknowledged twice (a replay racing a reclaim)
-- is not subtracted twice.
-- KEYS[1]: stream, KEYS[2]: byte count, KEYS[3]: byte counts per site (by site bucket key).
-- ARGV[1]: group, then per entry: id, bytes, site bucket key ('' when the entry's site is not
-- known: an entry that could not be decoded).
-- Returns the bytes freed.
local freed = 0
local by_site = {}
for i = 2, #ARGV, 3 do
  if redis.call('XACK', KEYS[1], ARGV[1], ARGV[i]) == 1 then
    local bytes = tonumber(ARGV[i + 1])
    freed = freed + bytes
    local site = ARGV[i + 2]
    if site ~= '' then
      by_site[site] = (by_site[site] or 0) + bytes
    end
  end
end
if freed > 0 then
  redis.call('DECRBY', KEYS[2], freed)
end
for site, bytes in pairs(by_site) do
  -- Never below 0: an entry requeued from the dead letters was not counted when it came back.
  if redis.call('HINCRBY', KEYS[3], site, -bytes) <= 0 then
    redis.call('HDEL', KEYS[3], site)
  end
end
-- Acknowledged entries leave the stream at once (not at the next trim), so the stream holds
-- what the count says: everything before the oldest pending entry, or before the last one
-- delivered when none is pending, goes (as in the flusher's trim; never a pending entry).
-- When every entry ever appended is delivered and acknowledged, the exact count is 0: set it,
-- so entries counted but never acknowledged (deleted by hand, or queued before the count
-- existed) cannot skew it for longer than until the queue is next drained.
local groups = redis.call('XINFO', 'GROUPS', KEYS[1])
if #groups == 1 then
  local group = {}
  for i = 1, #groups[1], 2 do group[groups[1][i]] = groups[1][i + 1] end
  local oldest = group['last-delivered-id']
  if group['pending'] > 0 then
    oldest = redis.call('XPENDING', KEYS[1], ARGV[1])[2]
  end
  redis.call('XTRIM', KEYS[1], 'MINID', oldest)
  if group['pending'] == 0 then
    local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
    if #last == 0 or last[1][1] == group['last-delivered-id'] then
      redis.call('SET', KEYS[2], 0)
      redis.call('DEL', KEYS[3])
    end
  end
end
return freed

-- Look a session up and keep it alive: returns {user, fp} and moves its expiry to the
-- nearer of now + idle and its absolute end; nil when it is missing or past that end.
-- KEYS[1]: session hash. ARGV: now_ms, idle_ms, absolute_ms.
local data = redis.call('HMGET', KEYS[1], 'u', 'fp', 'c')
if not data[1] then return nil end
local now = tonumber(ARGV[1])
local ends = tonumber(data[3]) + tonumber(ARGV[3])
if now >= ends then
  redis.call('DEL', KEYS[1])
  return nil
end
redis.call('PEXPIRE', KEYS[1], math.floor(math.min(tonumber(ARGV[2]), ends - now)))
return {data[1], data[2]}

-- A failed credential check for each key (client, account): count it and, past the free
-- failures of that key, lock it for base * 2^(n-1) ms (n = failures past the free ones),
-- at most max_ms. Returns the longest lock set now, in ms (0: none).
-- KEYS: failure hashes. ARGV: now_ms, memory_ms, base_ms, max_ms, free failures per key...
local now = tonumber(ARGV[1])
local memory = tonumber(ARGV[2])
local base = tonumber(ARGV[3])
local max = tonumber(ARGV[4])
local longest = 0
for i, key in ipairs(KEYS) do
  local free = tonumber(ARGV[4 + i])
  local n = redis.call('HINCRBY', key, 'n', 1)
  local lock = 0
  if n > free then
    lock = math.min(max, base * 2 ^ (n - free - 1))
    redis.call('HSET', key, 'until', string.format('%d', now + lock))
  end
  redis.call('PEXPIRE', key, math.floor(memory + lock))
  if lock > longest then longest = lock end
end
return math.floor(longest)
